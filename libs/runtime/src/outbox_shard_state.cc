#include "outbox_shard_state.h"

#include <algorithm>

namespace sqms::runtime {

bool OutboxShardState::Granted(int64_t token, Time valid_until) {
  const bool new_tenure = token != token_;
  if (new_tenure) {
    token_ = token;
    rewind_ = true;  // start from the first unconfirmed entry, once drained
  }
  valid_until_ = valid_until;
  return new_tenure;
}

void OutboxShardState::Lost() {
  token_ = 0;
  valid_until_ = Time{};
  rewind_ = true;
}

bool OutboxShardState::MaySend(Time now) const {
  return held(now) && !rewind_ && now >= retry_at_ && in_flight_ < max_in_flight_;
}

void OutboxShardState::Sent(const std::string& entry_id) {
  cursor_ = entry_id;
  ++in_flight_;
}

void OutboxShardState::Confirmed() { in_flight_ = std::max(0, in_flight_ - 1); }

void OutboxShardState::Failed(Time retry_at) {
  in_flight_ = std::max(0, in_flight_ - 1);
  rewind_ = true;
  retry_at_ = std::max(retry_at_, retry_at);
}

bool OutboxShardState::MaybeFinishRewind() {
  if (!rewind_ || in_flight_ > 0) return false;
  rewind_ = false;
  cursor_.clear();
  return true;
}

}  // namespace sqms::runtime
