#include "sqms/runtime/rpc_call.h"

#include <utility>

#include "sqms/runtime/grpc_status.h"
#include "sqms/runtime/log.h"
#include "sqms/runtime/request_id.h"

namespace sqms::runtime {

TrackedPool::~TrackedPool() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](int* queued) { return *queued == 0; }, &queued_));
}

std::function<void()> TrackedPool::Track(std::function<void()> task) {
  {
    absl::MutexLock lock(&mu_);
    ++queued_;
  }
  return [this, task = std::move(task)] {
    task();
    absl::MutexLock lock(&mu_);
    --queued_;
  };
}

void TrackedPool::Submit(std::function<void()> task) { pool_.Submit(Track(std::move(task))); }

bool TrackedPool::TrySubmit(std::function<void()> task) {
  if (pool_.TrySubmit(Track(std::move(task)))) return true;
  absl::MutexLock lock(&mu_);  // refused: it will never run
  --queued_;
  return false;
}

std::string StatusCodeName(int code) {
  // gRPC and absl share the canonical codes and their names.
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

void CallSupport::Observe(const RpcMethod& method, std::string_view suffix, int code,
                          std::chrono::steady_clock::time_point start) const {
  std::string name(method.name);
  name.append(suffix.data(), suffix.size());
  metrics.Observe(std::string(method.service), name, StatusCodeName(code),
                  std::chrono::steady_clock::now() - start);
}

void LogServerError(const RpcMethod& method, const absl::Status& status) {
  // Caller errors (bad input, illegal transitions, auth, deadlines the
  // client set) are the client's to see; what the service itself failed at
  // is the operator's. Messages never carry personal data (they name fields
  // and ids, not values).
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDeadlineExceeded:
      log::Warn("rpc failed", {{"method", std::string(method.name)},
                               {"code", StatusCodeName(static_cast<int>(status.code()))},
                               {"error", std::string(status.message())}});
      break;
    default:
      break;
  }
}

absl::Status StillWanted(const grpc::CallbackServerContext& call) {
  // The deadline first: gRPC also cancels a call whose deadline passed.
  if (call.deadline() <= std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError("deadline passed before the call started");
  }
  if (call.IsCancelled()) return absl::CancelledError("the client cancelled the call");
  return absl::OkStatus();
}

absl::Status Busy(absl::Duration retry_after) {
  return WithRetryDelay(absl::ResourceExhaustedError("server busy: worker queue is full"),
                        retry_after);
}

namespace {

// Finishes a unary call that never ran its body.
// Records and logs a call refused at admission (on the gRPC thread, under
// its request id and trace context).
void Refused(const CallSupport& support, const grpc::CallbackServerContext& call,
             const RpcMethod& method, const absl::Status& status,
             std::chrono::steady_clock::time_point start) {
  support.Observe(method, "", static_cast<int>(status.code()), start);
  if (status.code() == absl::StatusCode::kUnauthenticated ||
      status.code() == absl::StatusCode::kPermissionDenied) {
    LogSecurityEvent(method, status, call.peer());
  } else {
    LogRpc(method, static_cast<int>(status.code()), start, "");
  }
}

grpc::ServerUnaryReactor* Refuse(const CallSupport& support, grpc::CallbackServerContext& call,
                                 grpc::ServerUnaryReactor* reactor, const RpcMethod& method,
                                 const absl::Status& status,
                                 std::chrono::steady_clock::time_point start) {
  Refused(support, call, method, status, start);
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace

grpc::ServerUnaryReactor* RunUnary(const CallSupport& support, grpc::CallbackServerContext* call,
                                   RpcMethod method, UnaryBody body) {
  const auto start = std::chrono::steady_clock::now();
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  std::string request_id = AdoptRequestId(*call);
  TraceContext trace = AdoptTraceContext(*call);
  log::ScopedRequestId scoped_id(request_id);
  ScopedTraceContext scoped_trace(trace);
  if (absl::Status wanted = StillWanted(*call); !wanted.ok()) {
    return Refuse(support, *call, reactor, method, wanted, start);
  }
  absl::StatusOr<Principal> principal = support.auth.Authorize(*call, *method.allowed);
  if (!principal.ok()) return Refuse(support, *call, reactor, method, principal.status(), start);
  // The task copies the ids: the scopes above refer to the locals.
  const bool queued = support.pool.TrySubmit(
      [&support, call, reactor, method, start, body = std::move(body),
       principal = *std::move(principal), request_id, trace] {
        log::ScopedRequestId scoped_id(request_id);
        ScopedTraceContext scoped_trace(trace);
        // Waited in the queue: the client may have left or run out of time.
        absl::Status status = StillWanted(*call);
        if (status.ok()) {
          status = body(principal);
          LogServerError(method, status);
        }
        support.Observe(method, "", static_cast<int>(status.code()), start);
        LogRpc(method, static_cast<int>(status.code()), start, principal.subject);
        reactor->Finish(ToGrpcStatus(status));
      });
  if (!queued) return Refuse(support, *call, reactor, method, Busy(support.retry_after), start);
  return reactor;
}

absl::StatusOr<AdmittedStream> AdmitStream(const CallSupport& support,
                                           grpc::CallbackServerContext& call,
                                           const RpcMethod& method) {
  const auto start = std::chrono::steady_clock::now();
  AdmittedStream admitted;
  admitted.start = start;
  admitted.request_id = AdoptRequestId(call);
  admitted.trace = AdoptTraceContext(call);
  log::ScopedRequestId scoped_id(admitted.request_id);
  ScopedTraceContext scoped_trace(admitted.trace);
  absl::Status status = StillWanted(call);
  if (status.ok()) {
    absl::StatusOr<Principal> principal = support.auth.Authorize(call, *method.allowed);
    if (principal.ok()) {
      admitted.principal = *std::move(principal);
      return admitted;
    }
    status = principal.status();
  }
  Refused(support, call, method, status, start);
  return status;
}

}  // namespace sqms::runtime
