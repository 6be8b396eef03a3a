#include "sqms/runtime/rpc_call.h"

#include <atomic>
#include <memory>
#include <string>
#include <utility>

#include "sqms/runtime/call_context.h"
#include "sqms/runtime/grpc_status.h"
#include "sqms/runtime/log.h"
#include "sqms/runtime/request_id.h"

namespace sqms::runtime {

TrackedPool::~TrackedPool() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](size_t* queued) { return *queued == 0; }, &queued_));
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

std::shared_ptr<const void> TrackedPool::Hold() {
  {
    absl::MutexLock lock(&mu_);
    ++queued_;
  }
  // No object to own: the deleter is the release. A non-null dummy pointer,
  // so that the deleter runs.
  return std::shared_ptr<const void>(this, [this](const void*) {
    absl::MutexLock lock(&mu_);
    --queued_;
  });
}

std::shared_ptr<const void> TrackedPool::TryHold() {
  {
    absl::MutexLock lock(&mu_);
    if (queued_ >= max_outstanding_) return nullptr;
  }
  return Hold();
}

void TrackedPool::Submit(std::function<void()> task) { pool_.Submit(Track(std::move(task))); }

bool TrackedPool::TrySubmit(std::function<void()> task) {
  {
    absl::MutexLock lock(&mu_);
    if (queued_ >= max_outstanding_) return false;  // dropped unrun
  }
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
  // RpcMetrics takes views: the name is built only for a suffix (".item").
  const std::string suffixed = suffix.empty() ? "" : std::string(method.name).append(suffix);
  metrics.Observe(method.service, suffix.empty() ? std::string_view(method.name) : suffixed,
                  StatusCodeName(code), std::chrono::steady_clock::now() - start);
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

namespace {

// The end of an admitted unary call, shared by every copy of its `done`:
// records and finishes the call once, then lets the pool's destructor go.
class UnaryFinisher {
 public:
  UnaryFinisher(const CallSupport& support, grpc::ServerUnaryReactor* reactor, RpcMethod method,
                std::chrono::steady_clock::time_point start, std::string subject,
                CallContext context)
      : support_(support), reactor_(reactor), method_(method), start_(start),
        subject_(std::move(subject)), context_(std::move(context)),
        hold_(support.pool.Hold()) {}

  void Finish(const absl::Status& status) {
    ScopedCallContext scoped(context_);
    if (finished_.exchange(true)) {
      log::Error("unary call completed twice; the second status is ignored",
                 {{"method", std::string(method_.name)},
                  {"code", StatusCodeName(static_cast<int>(status.code()))}});
      return;
    }
    LogServerError(method_, status);
    support_.Observe(method_, "", static_cast<int>(status.code()), start_);
    LogRpc(method_, static_cast<int>(status.code()), start_, subject_);
    // Moved out first: once the reactor is finished, gRPC may free the call
    // (and the service may go as soon as the hold is released).
    std::shared_ptr<const void> hold = std::move(hold_);
    reactor_->Finish(ToGrpcStatus(status));
  }

  const CallContext& context() const { return context_; }

 private:
  const CallSupport& support_;
  grpc::ServerUnaryReactor* const reactor_;
  const RpcMethod method_;
  const std::chrono::steady_clock::time_point start_;
  const std::string subject_;
  const CallContext context_;
  std::atomic<bool> finished_{false};
  std::shared_ptr<const void> hold_;
};

}  // namespace

grpc::ServerUnaryReactor* RunUnaryAsync(const CallSupport& support,
                                        grpc::CallbackServerContext* call, RpcMethod method,
                                        AsyncUnaryBody body) {
  const auto start = std::chrono::steady_clock::now();
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  CallContext context{AdoptRequestId(*call), AdoptTraceContext(*call)};
  ScopedCallContext scoped(context);
  if (absl::Status wanted = StillWanted(*call); !wanted.ok()) {
    return Refuse(support, *call, reactor, method, wanted, start);
  }
  absl::StatusOr<Principal> principal = support.auth.Authorize(*call, *method.allowed);
  if (!principal.ok()) return Refuse(support, *call, reactor, method, principal.status(), start);
  // The task copies the context: the scope above refers to the local.
  const bool queued = support.pool.TrySubmit(
      [&support, call, reactor, method, start, body = std::move(body),
       principal = *std::move(principal), context] {
        auto finisher = std::make_shared<UnaryFinisher>(support, reactor, method, start,
                                                        principal.subject, context);
        ScopedCallContext scoped(finisher->context());
        // Waited in the queue: the client may have left or run out of time.
        if (absl::Status wanted = StillWanted(*call); !wanted.ok()) {
          finisher->Finish(wanted);
          return;
        }
        body(principal, [finisher](absl::Status status) { finisher->Finish(status); });
      });
  if (!queued) return Refuse(support, *call, reactor, method, Busy(support.retry_after), start);
  return reactor;
}

grpc::ServerUnaryReactor* RunUnary(const CallSupport& support, grpc::CallbackServerContext* call,
                                   RpcMethod method, UnaryBody body) {
  return RunUnaryAsync(support, call, method,
                       [body = std::move(body)](const Principal& principal, UnaryDone done) {
                         done(body(principal));
                       });
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
