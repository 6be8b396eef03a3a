// The per-RPC log line and the rate-limited security events (rpc_call.h).
#include <chrono>
#include <string>

#include "sqms/runtime/log.h"
#include "sqms/runtime/log_rate_limiter.h"
#include "sqms/runtime/rpc_call.h"

namespace sqms::runtime {
namespace {

std::string FullName(const RpcMethod& method) {
  std::string name = "/";
  name.append(method.service).append("/").append(method.name);
  return name;
}

LogRateLimiter& SecurityLimiter() {
  static auto* limiter = new LogRateLimiter(kSecurityLogPerSecond, kSecurityLogBurst);
  return *limiter;
}

}  // namespace

void LogRpc(const RpcMethod& method, int code, std::chrono::steady_clock::time_point start,
            std::string_view subject) {
  const double latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  log::Info("rpc", {{"method", FullName(method)},
                    {"code", StatusCodeName(code)},
                    {"latency_ms", latency_ms},
                    {"subject", std::string(subject)}});
}

void LogSecurityEvent(const RpcMethod& method, const absl::Status& status,
                      std::string_view peer) {
  const LogRateLimiter::Decision decision = SecurityLimiter().Acquire();
  if (!decision.write) return;
  if (decision.suppressed > 0) {
    log::Warn("suppressed security events", {{"event", "security"},
                                             {"suppressed", decision.suppressed}});
  }
  // The reason names what was wrong, never the token itself (auth.cc).
  log::Warn("authentication failed",
            {{"event", "security"},
             {"code", StatusCodeName(static_cast<int>(status.code()))},
             {"reason", std::string(status.message())},
             {"method", FullName(method)},
             {"peer", std::string(peer)}});
}

void StreamEnded(const CallSupport& support, const RpcMethod& method,
                 const AdmittedStream& stream, int code) {
  support.Observe(method, "", code, stream.start);
  log::ScopedRequestId scoped_id(stream.request_id);
  ScopedTraceContext scoped_trace(stream.trace);
  LogRpc(method, code, stream.start, stream.principal.subject);
}

}  // namespace sqms::runtime
