#include "services/complaints/rpc/call_support.h"

#include <utility>

#include "sqms/runtime/grpc_status.h"
#include "sqms/runtime/log.h"
#include "sqms/runtime/request_id.h"

namespace sqms::complaints::rpc {

TrackedPool::~TrackedPool() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](int* queued) { return *queued == 0; }, &queued_));
}

void TrackedPool::Submit(std::function<void()> task) {
  {
    absl::MutexLock lock(&mu_);
    ++queued_;
  }
  pool_.Submit([this, task = std::move(task)] {
    task();
    absl::MutexLock lock(&mu_);
    --queued_;
  });
}

std::string StatusCodeName(int code) {
  // gRPC and absl share the canonical codes and their names.
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

void CallSupport::Observe(Method method, std::string_view suffix, int code,
                          std::chrono::steady_clock::time_point start) const {
  std::string name(MethodName(method));
  name.append(suffix.data(), suffix.size());
  metrics.Observe(std::string(ServiceName(method)), name, StatusCodeName(code),
                  std::chrono::steady_clock::now() - start);
}

void LogServerError(Method method, const absl::Status& status) {
  // Caller errors (bad input, illegal transitions, auth) are the client's to
  // see; what the service itself failed at is the operator's. Messages never
  // carry personal data (they name fields and ids, not values).
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDeadlineExceeded:
      runtime::log::Warn("rpc failed", {{"method", std::string(MethodName(method))},
                                        {"code", StatusCodeName(static_cast<int>(status.code()))},
                                        {"error", std::string(status.message())}});
      break;
    default:
      break;
  }
}

grpc::ServerUnaryReactor* RunUnary(const CallSupport& support, grpc::CallbackServerContext* call,
                                   Method method, UnaryBody body) {
  const auto start = std::chrono::steady_clock::now();
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  std::string request_id = runtime::AdoptRequestId(*call);
  absl::StatusOr<runtime::Principal> principal =
      support.auth.Authorize(*call, AllowedRoles(method));
  if (!principal.ok()) {
    support.Observe(method, "", static_cast<int>(principal.status().code()), start);
    reactor->Finish(runtime::ToGrpcStatus(principal.status()));
    return reactor;
  }
  support.pool.Submit([&support, reactor, method, start, body = std::move(body),
                       principal = *std::move(principal), request_id = std::move(request_id)] {
    runtime::log::ScopedRequestId scoped(request_id);
    const absl::Status status = body(principal);
    support.Observe(method, "", static_cast<int>(status.code()), start);
    LogServerError(method, status);
    reactor->Finish(runtime::ToGrpcStatus(status));
  });
  return reactor;
}

absl::StatusOr<runtime::Principal> AuthorizeStream(const CallSupport& support,
                                                   const grpc::CallbackServerContext& call,
                                                   Method method) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<runtime::Principal> principal =
      support.auth.Authorize(call, AllowedRoles(method));
  if (!principal.ok()) {
    support.Observe(method, "", static_cast<int>(principal.status().code()), start);
  }
  return principal;
}

}  // namespace sqms::complaints::rpc
