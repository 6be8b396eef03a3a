#pragma once
// A token bucket for log lines a client can provoke at will (failed
// authentications): at most `burst` lines at once and `per_second` lines a
// second on average, so a flood cannot fill the disk. What it drops is
// counted and reported with the next line it lets through.

#include <chrono>
#include <cstdint>
#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace sqms::runtime {

class LogRateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // per_second > 0, burst >= 1. The bucket starts full. `clock` (tests) must
  // be thread-safe; default: std::chrono::steady_clock::now.
  LogRateLimiter(double per_second, int burst, Clock clock = nullptr);

  struct Decision {
    bool write = false;      // write this line
    int64_t suppressed = 0;  // when write: lines dropped since the last one written
  };
  // One line wants out. When write is true and suppressed > 0 the caller
  // writes a "suppressed K ..." line too (it takes no token). Thread-safe.
  Decision Acquire();

 private:
  const double per_second_;
  const double burst_;
  const Clock clock_;
  absl::Mutex mu_;
  double tokens_ ABSL_GUARDED_BY(mu_);
  std::chrono::steady_clock::time_point refilled_ ABSL_GUARDED_BY(mu_);
  int64_t suppressed_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sqms::runtime
