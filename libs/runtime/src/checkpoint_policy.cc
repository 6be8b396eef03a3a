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

bool CheckpointPolicy::DueIdle(Clock::time_point now) const {
  if (Due(now)) return true;
  if (pending_ == 0 || idle_interval_ <= std::chrono::milliseconds::zero()) return false;
  return !last_written_ || now - *last_written_ >= idle_interval_;
}

void CheckpointPolicy::Written(Clock::time_point now) {
  pending_ = 0;
  last_written_ = now;
}

}  // namespace sqms::runtime
