#pragma once
// When the exactly-once consumer writes a checkpoint: every N records or T
// after the first record not yet checkpointed, whichever comes first — and,
// when an idle interval is set, as soon as the consumer has caught up (a
// poll found nothing) and that long has passed since the previous
// checkpoint. The last is what keeps a quiet stream fresh: a lone record is
// written within a poll of its arrival instead of T later, while a stream
// in full flow is never idle and keeps its large batches; the idle interval
// caps how often a trickle of records is written.
// Pure (time comes in as a value); not thread-safe, used by the loop thread only.

#include <chrono>
#include <cstdint>
#include <optional>

namespace sqms::runtime {

class CheckpointPolicy {
 public:
  using Clock = std::chrono::steady_clock;

  // every_records <= 0 disables the count trigger; interval <= 0 the time
  // trigger; idle_interval <= 0 the idle trigger (then only what is left of
  // them, a revoke or a stop writes).
  CheckpointPolicy(int every_records, std::chrono::milliseconds interval,
                   std::chrono::milliseconds idle_interval = std::chrono::milliseconds::zero())
      : every_records_(every_records), interval_(interval), idle_interval_(idle_interval) {}

  // One more record (processed, skipped as a duplicate or dead-lettered)
  // waits for the next checkpoint; `now` starts the interval at the first.
  void Count(Clock::time_point now);
  // True when records are pending and either every_records of them are, or
  // interval has passed since the first of them was counted.
  bool Due(Clock::time_point now) const;
  // Due(now), or — the consumer having caught up — records are pending and
  // idle_interval has passed since the last Written (or none was yet).
  bool DueIdle(Clock::time_point now) const;
  // A checkpoint covering everything counted so far was taken at `now`
  // (CheckpointingConsumer: sent; the next one counts from here).
  void Written(Clock::time_point now);

  int64_t pending() const { return pending_; }

 private:
  const int every_records_;
  const std::chrono::milliseconds interval_;
  const std::chrono::milliseconds idle_interval_;
  int64_t pending_ = 0;
  Clock::time_point first_pending_{};
  std::optional<Clock::time_point> last_written_;  // none yet: idle is due at once
};

}  // namespace sqms::runtime
