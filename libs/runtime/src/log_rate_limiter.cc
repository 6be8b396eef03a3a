#include "sqms/runtime/log_rate_limiter.h"

#include <algorithm>
#include <utility>

namespace sqms::runtime {

LogRateLimiter::LogRateLimiter(double per_second, int burst, Clock clock)
    : per_second_(per_second),
      burst_(burst),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })),
      tokens_(burst),
      refilled_(clock_()) {}

LogRateLimiter::Decision LogRateLimiter::Acquire() {
  const auto now = clock_();
  absl::MutexLock lock(&mu_);
  if (now > refilled_) {
    const double elapsed = std::chrono::duration<double>(now - refilled_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * per_second_);
    refilled_ = now;
  }
  Decision decision;
  if (tokens_ < 1.0) {
    ++suppressed_;
    return decision;
  }
  tokens_ -= 1.0;
  decision.write = true;
  decision.suppressed = std::exchange(suppressed_, 0);
  return decision;
}

}  // namespace sqms::runtime
