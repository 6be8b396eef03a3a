#pragma once
// The outbox relay's bookkeeping for one shard: whether it may send (lease
// held, still valid by the monotonic clock, no rewind pending, room in
// flight), where the next read starts, and the rewind rule — after any
// failure or lease change the shard stops, waits until everything it handed
// to the producer has an outcome, and only then reads again from the first
// unconfirmed entry. Pure (time is passed in); relay thread only. Private to
// sqms_runtime (unit-tested).

#include <chrono>
#include <cstdint>
#include <string>

namespace sqms::runtime {

class OutboxShardState {
 public:
  using Time = std::chrono::steady_clock::time_point;

  explicit OutboxShardState(int max_in_flight) : max_in_flight_(max_in_flight) {}

  // The lease was granted (taken or renewed) with `token`; `valid_until` is
  // when the request was sent plus the TTL (minus a margin), on the
  // monotonic clock. A token other than the one held starts a new tenure:
  // the shard rewinds. Returns true when this is a new tenure.
  bool Granted(int64_t token, Time valid_until);
  // The lease is gone (held by another, refused a write, or expired by our
  // clock): stop sending; rewind once drained.
  void Lost();
  bool held(Time now) const { return token_ > 0 && now < valid_until_; }
  int64_t token() const { return token_; }

  // True when the next entry may be handed to the producer.
  bool MaySend(Time now) const;
  // XRANGE start: "-" (the first entry still in the stream) or "(<cursor>".
  std::string ReadStart() const { return cursor_.empty() ? "-" : "(" + cursor_; }
  // `entry_id` (the next in stream order) was handed to the producer.
  void Sent(const std::string& entry_id);

  // Outcomes of sent entries, in any order. Confirmed: delivered (or
  // dead-lettered). Failed: not delivered; everything from the first
  // unconfirmed entry is sent again after the shard drained, not before
  // `retry_at`.
  void Confirmed();
  void Failed(Time retry_at);
  // A rewind without an outcome (e.g. the producer is being recreated).
  void RequestRewind() { rewind_ = true; }

  // When a rewind is pending and nothing is in flight: resets the cursor
  // (the next read starts at the first entry still in the stream) and
  // returns true.
  bool MaybeFinishRewind();

  int in_flight() const { return in_flight_; }

 private:
  const int max_in_flight_;
  int64_t token_ = 0;        // 0: not held
  Time valid_until_{};
  std::string cursor_;       // last entry handed to the producer; "" = none
  int in_flight_ = 0;        // handed to the producer, no outcome yet
  bool rewind_ = false;
  Time retry_at_{};
};

}  // namespace sqms::runtime
