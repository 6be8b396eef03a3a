#pragma once
// Time as an injected dependency, so rules and timers are testable.

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sqms::runtime {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;  // thread-safe
};

class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace sqms::runtime
