#pragma once
// What every gRPC handler of every service shares: admission (deadline,
// cancellation, back-pressure), authorization on the gRPC thread
// (in-memory), the blocking work on the worker pool, one status mapping
// (ToGrpcStatus) and the RED metrics. The service supplies, per method, an
// RpcMethod: its names and the roles allowed to call it (its own policy
// table); the runtime knows no service's methods, roles or messages.
//
// Admission, in this order, before any work is done:
//   1. the client's deadline already passed → DEADLINE_EXCEEDED;
//      the client cancelled (or left)      → CANCELLED;
//   2. authentication / role               → UNAUTHENTICATED / PERMISSION_DENIED;
//   3. the pool's queue is full (or TrackedPool's bound on outstanding
//      work is reached)                    → RESOURCE_EXHAUSTED with a
//      google.rpc.RetryInfo detail (CallSupport::retry_after): the call is
//      refused, not queued.
// A unary call is checked again (1.) when a pool thread picks it up, so a
// call that expired or was cancelled while queued never reaches its body.
//
// Metrics (RpcMetrics, labels service/method/code): unary RPCs — one
// observation per call with its final status, refusals included; streams —
// one per stream when it ends (latency = stream lifetime), plus one per item
// of an ordered stream under method "<name>.item" (ordered_bidi_reactor.h).
//
// Logs (log.h, JSON on stderr), never personal data:
//  - one "rpc" line at info per unary call and per stream (when it ends;
//    stream items only when one fails, LogServerError): method, code,
//    latency_ms, subject (the principal's; "" when refused before
//    authentication), request_id and trace_id;
//  - a call refused with UNAUTHENTICATED or PERMISSION_DENIED writes a
//    security event instead ("event":"security", reason, method, peer),
//    rate-limited per process (kSecurityLogPerSecond, kSecurityLogBurst;
//    what is dropped is reported as "suppressed K security events" with the
//    next one written), so a flood of bad tokens cannot fill the disk.
// Every call adopts a request id (request_id.h) and a W3C trace context
// (trace_context.h); both are current on the threads that run its body or
// its stream items, so their log lines and the events they write carry them.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "sqms/runtime/auth.h"
#include "sqms/runtime/metrics.h"
#include "sqms/runtime/trace_context.h"
#include "sqms/runtime/worker_pool.h"

namespace sqms::runtime {

// One RPC as the service describes it. The views and `allowed` must outlive
// every call (a static table).
struct RpcMethod {
  std::string_view service;  // full gRPC service name, e.g. "pkg.v1.FooService"
  std::string_view name;     // method name as in the proto, e.g. "GetFoo"
  const Roles* allowed;      // who may call it; never null
};

// The worker pool as a service's handlers use it: it counts the tasks it
// queued, and its destructor waits until every one has returned — they
// reference the service, its reactors and its dependencies, and gRPC may
// finish a cancelled call (Server::Shutdown returns) before they ran. Make
// it the service's last member; the WorkerPool must outlive it. Thread-safe.
//
// Outstanding work = tasks queued or running + holds (Hold) not released.
// A blocking body is outstanding while it waits for its I/O; an
// asynchronous one only until it started it, then its completion is, as a
// hold. `max_outstanding` bounds that sum for new work (TrySubmit), so
// completions still to come count against admission as blocked threads
// did; WorkerPool's own queue bound applies as well.
class TrackedPool {
 public:
  explicit TrackedPool(WorkerPool& pool, size_t max_outstanding = WorkerPool::kUnbounded)
      : pool_(pool), max_outstanding_(max_outstanding) {}
  ~TrackedPool();
  TrackedPool(const TrackedPool&) = delete;
  TrackedPool& operator=(const TrackedPool&) = delete;

  // Always queues (work already admitted).
  void Submit(std::function<void()> task);
  // New work: false (task dropped unrun) when the pool's queue is full or
  // max_outstanding work is outstanding.
  bool TrySubmit(std::function<void()> task);
  // Admitted asynchronous work that finishes off the pool (e.g. a
  // completion that a Redis I/O thread will run): the destructor waits, as
  // for a queued task, until every copy of the returned token is gone. Keep
  // a copy in the completion and drop it once the completion has done its
  // last access to the service.
  std::shared_ptr<const void> Hold();
  // New work that starts at once on the calling thread (no queue): a Hold,
  // or null (refused) when max_outstanding work is outstanding.
  std::shared_ptr<const void> TryHold();

 private:
  std::function<void()> Track(std::function<void()> task);
  WorkerPool& pool_;
  const size_t max_outstanding_;
  absl::Mutex mu_;
  size_t queued_ ABSL_GUARDED_BY(mu_) = 0;  // outstanding work
};

// Borrowed dependencies; all must outlive the gRPC server. Thread-safe.
struct CallSupport {
  const TokenAuthenticator& auth;
  TrackedPool& pool;
  RpcMetrics& metrics;
  // The RetryInfo delay a client is told when the pool is full.
  absl::Duration retry_after = absl::Milliseconds(100);

  // Records one observation for `method` + `suffix` (e.g. ".item"); `code`
  // as in grpc::StatusCode, latency from `start` to now.
  void Observe(const RpcMethod& method, std::string_view suffix, int code,
               std::chrono::steady_clock::time_point start) const;
};

inline constexpr double kSecurityLogPerSecond = 5;
inline constexpr int kSecurityLogBurst = 10;

// "OK", "INVALID_ARGUMENT", ... for a grpc::StatusCode value.
std::string StatusCodeName(int code);

// Logs `status` when it is the service's own failure (UNAVAILABLE,
// INTERNAL, ...), not the caller's.
void LogServerError(const RpcMethod& method, const absl::Status& status);

// OK while the call is still wanted; DEADLINE_EXCEEDED once its deadline
// passed, CANCELLED once the client cancelled or left. Any thread.
absl::Status StillWanted(const grpc::CallbackServerContext& call);

// RESOURCE_EXHAUSTED "server busy" carrying RetryInfo{retry_after}.
absl::Status Busy(absl::Duration retry_after);

// Runs a unary RPC: adopts the request id (request_id.h), admits the call
// (see the top of this file) on the calling gRPC thread, then runs `body` on
// the pool under that request id, finishes the call with its status and
// records the metrics. `body` runs at most once (never for a refused,
// expired or cancelled call) and must fill the response before returning
// OK; the request and response it captures stay valid until the call is
// finished.
using UnaryBody = std::function<absl::Status(const Principal& principal)>;
grpc::ServerUnaryReactor* RunUnary(const CallSupport& support, grpc::CallbackServerContext* call,
                                   RpcMethod method, UnaryBody body);

// The asynchronous form of RunUnary, for a body that waits on I/O without
// blocking a thread: the same request id, trace context, admission (all
// three steps, on the gRPC thread; the body starts on the pool, so a full
// queue still refuses the call), metrics and logs. `body` starts the work
// and returns; the call finishes when it calls `done` with the status
// (OK only after it filled the response).
//  - `done` must be called exactly once (a second call is ignored and
//    logged), from any thread — typically an I/O thread's completion;
//    it does not block (it finishes the reactor), and the call's request
//    id and trace context are made current while it records the call.
//  - The request and response the body captures stay valid until `done`
//    returned; `principal` only until `body` returns (copy what a
//    continuation needs).
//  - Shutdown: every `done` still to come holds the TrackedPool
//    (TrackedPool::Hold), so the service's destructor waits for it.
// RunUnary is this with a body that calls `done` before it returns.
using UnaryDone = std::function<void(absl::Status status)>;
using AsyncUnaryBody = std::function<void(const Principal& principal, UnaryDone done)>;
grpc::ServerUnaryReactor* RunUnaryAsync(const CallSupport& support,
                                        grpc::CallbackServerContext* call, RpcMethod method,
                                        AsyncUnaryBody body);

// A stream that passed admission steps 1 and 2.
struct AdmittedStream {
  Principal principal;
  std::string request_id;  // adopted from the call's metadata (or generated)
  TraceContext trace;      // adopted from the call's metadata (or new)
  std::chrono::steady_clock::time_point start;
};
// The end of an admitted stream, any thread: records the stream's metrics
// observation and writes its "rpc" log line.
void StreamEnded(const CallSupport& support, const RpcMethod& method,
                 const AdmittedStream& stream, int code);

// The "rpc" log line of a call that ends now; the caller has the call's
// request id and trace context in scope. Any thread.
void LogRpc(const RpcMethod& method, int code, std::chrono::steady_clock::time_point start,
            std::string_view subject);
// The rate-limited security event of a refused authentication. Any thread.
void LogSecurityEvent(const RpcMethod& method, const absl::Status& status,
                      std::string_view peer);
// Stream set-up, on the gRPC thread: adopts the request id and trace
// context, checks that the call is still wanted and authorizes it; a
// refusal is recorded in the metrics and logged here and is ready for
// Finish(ToGrpcStatus(...)).
absl::StatusOr<AdmittedStream> AdmitStream(const CallSupport& support,
                                           grpc::CallbackServerContext& call,
                                           const RpcMethod& method);

// A server-streaming call refused before it started: finishes at once with
// `status`. Deletes itself in OnDone.
template <typename Response>
class RejectedWriteReactor final : public grpc::ServerWriteReactor<Response> {
 public:
  explicit RejectedWriteReactor(const grpc::Status& status) { this->Finish(status); }
  void OnDone() override { delete this; }
};

// A bidi stream refused before it started: finishes at once with `status`,
// reads nothing. Deletes itself in OnDone.
template <typename Request, typename Response>
class RejectedBidiReactor final : public grpc::ServerBidiReactor<Request, Response> {
 public:
  explicit RejectedBidiReactor(const grpc::Status& status) { this->Finish(status); }
  void OnDone() override { delete this; }
};

}  // namespace sqms::runtime
