#include "sqms/runtime/checkpoint_policy.h"

namespace sqms::runtime {

void CheckpointPolicy::Count(Clock::time_point now) {
  if (pending_ == 0) first_pending_ = now;
  ++pending_;
}

bool CheckpointPolicy::Due(Clock::time_point now) const {
  if (pending_ == 0) return false;
  if (every_records_ > 0 && pending_ >= every_records_) return true;
  return interval_ > std::chrono::milliseconds::zero() && now - first_pending_ >= interval_;
}

void CheckpointPolicy::Written() { pending_ = 0; }

}  // namespace sqms::runtime
