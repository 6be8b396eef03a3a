#pragma once
// When the exactly-once consumer writes a checkpoint: every N records or T
// after the first record not yet checkpointed, whichever comes first. Pure
// (time comes in as a value); not thread-safe, used by the loop thread only.

#include <chrono>
#include <cstdint>

namespace sqms::runtime {

class CheckpointPolicy {
 public:
  using Clock = std::chrono::steady_clock;

  // every_records <= 0 disables the count trigger; interval <= 0 the time
  // trigger (then only the count, a revoke or a stop writes).
  CheckpointPolicy(int every_records, std::chrono::milliseconds interval)
      : every_records_(every_records), interval_(interval) {}

  // One more record (processed, skipped as a duplicate or dead-lettered)
  // waits for the next checkpoint; `now` starts the interval at the first.
  void Count(Clock::time_point now);
  // True when records are pending and either every_records of them are, or
  // interval has passed since the first of them was counted.
  bool Due(Clock::time_point now) const;
  // A checkpoint covering everything counted so far was written.
  void Written();

  int64_t pending() const { return pending_; }

 private:
  const int every_records_;
  const std::chrono::milliseconds interval_;
  int64_t pending_ = 0;
  Clock::time_point first_pending_{};
};

}  // namespace sqms::runtime
