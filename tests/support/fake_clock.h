#pragma once
// A runtime::Clock that moves only when a test moves it (every service's
// unit tests; part of sqms_test_support).

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "sqms/runtime/clock.h"

namespace sqms::testing {

// Thread-safe: Now() may be read from any thread while a test sets or
// advances the time.
class FakeClock final : public runtime::Clock {
 public:
  explicit FakeClock(absl::Time now) : now_(now) {}

  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Set(absl::Time now) {
    absl::MutexLock lock(&mu_);
    now_ = now;
  }
  void Advance(absl::Duration by) {
    absl::MutexLock lock(&mu_);
    now_ += by;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sqms::testing
