#pragma once
// What every handler of the complaints service shares: authorization on the
// gRPC thread (in-memory), the blocking work on the worker pool, the error
// mapping (runtime::ToGrpcStatus only) and the RED metrics.
//
// Metrics (runtime::RpcMetrics, labels service/method/code):
//   unary RPCs         one observation per call: its status, handler latency
//                      (authorization failures included);
//   streams            one per stream when it ends ("StreamComplaints" with
//                      OK / CANCELLED / the auth error, latency = stream
//                      lifetime), plus one per item of the intake streams
//                      under method "<Method>.item" with the item's own
//                      status and handling latency.

#include <chrono>
#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"
#include "services/complaints/rpc/roles.h"
#include "sqms/runtime/auth.h"
#include "sqms/runtime/metrics.h"
#include "sqms/runtime/worker_pool.h"

namespace sqms::complaints::rpc {

// The worker pool as a service's handlers use it: it counts the tasks it
// queued, and its destructor waits until every one has returned — they
// reference the service, its reactors and its dependencies, and gRPC may
// finish a cancelled call (Server::Shutdown returns) before they ran. Make it
// the service's last member; the WorkerPool must outlive it. Thread-safe.
class TrackedPool {
 public:
  explicit TrackedPool(runtime::WorkerPool& pool) : pool_(pool) {}
  ~TrackedPool();
  TrackedPool(const TrackedPool&) = delete;
  TrackedPool& operator=(const TrackedPool&) = delete;

  void Submit(std::function<void()> task);

 private:
  runtime::WorkerPool& pool_;
  absl::Mutex mu_;
  int queued_ ABSL_GUARDED_BY(mu_) = 0;
};

// Borrowed dependencies; all must outlive the gRPC server. Thread-safe.
struct CallSupport {
  const runtime::TokenAuthenticator& auth;
  TrackedPool& pool;
  runtime::RpcMetrics& metrics;

  // Records one observation; `code` as in grpc::StatusCode.
  void Observe(Method method, std::string_view suffix, int code,
               std::chrono::steady_clock::time_point start) const;
};

// "OK", "INVALID_ARGUMENT", ... for a grpc::StatusCode value.
std::string StatusCodeName(int code);

// Logs `status` when it is the service's own failure (UNAVAILABLE,
// INTERNAL, ...), not the caller's.
void LogServerError(Method method, const absl::Status& status);

// Runs a unary RPC: adopts the request id (runtime/request_id.h) and
// authorizes `call` for `method` on the calling gRPC thread; then runs `body`
// on the pool under that request id, finishes the call with its status
// (mapped by runtime::ToGrpcStatus) and records the metrics. `body` runs at
// most once and must fill the response before returning OK; the request and
// response it captures stay valid until the call is finished.
using UnaryBody = std::function<absl::Status(const runtime::Principal& principal)>;
grpc::ServerUnaryReactor* RunUnary(const CallSupport& support, grpc::CallbackServerContext* call,
                                   Method method, UnaryBody body);

// Authorizes a streaming call; records the failure's metrics itself. The
// returned status is ready for Finish() when not OK.
absl::StatusOr<runtime::Principal> AuthorizeStream(const CallSupport& support,
                                                   const grpc::CallbackServerContext& call,
                                                   Method method);

}  // namespace sqms::complaints::rpc
