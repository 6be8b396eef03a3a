// The relay's confirming side: delivery outcomes, deletes, dead letters,
// producer recreation, backlog gauges and shutdown.
#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "outbox_relay_core.h"
#include "sqms/runtime/log.h"

namespace sqms::runtime {
void OutboxRelay::Core::ApplyOutcomes() {
  std::vector<Report> reports;
  {
    absl::MutexLock lock(&inbox_->mu);
    reports.swap(inbox_->reports);
  }
  if (producer_ != nullptr && !producer_->FatalError().ok()) fatal_ = true;
  if (reports.empty()) {
    if (!undeleted_.empty()) DeleteConfirmed({});
    return;
  }
  std::map<int, std::vector<std::string>> confirmed;
  int64_t delivered = 0;
  int64_t failed = 0;
  int64_t dead = 0;
  std::string first_error;
  const Clock::time_point retry_at = Clock::now() + options_.retry_backoff;
  for (Report& r : reports) {
    OutboxShardState& s = shards_[r.shard];
    switch (r.outcome) {
      case Outcome::kDelivered:
      case Outcome::kDeadLettered:
        s.Confirmed();
        confirmed[r.shard].push_back(r.entry_id);
        if (r.outcome == Outcome::kDelivered) {
          ++delivered;
        } else {
          ++dead;
          log::Error("outbox entry dead-lettered",
                     {{"shard", r.shard}, {"entry", r.entry_id}, {"topic", r.topic},
                      {"key", r.key}, {"dead_letter_topic", options_.dead_letter_topic},
                      {"error", r.error}});
        }
        break;
      case Outcome::kPermanent:
        DeadLetterById(r.shard, r.entry_id, r.error);  // still in flight
        break;
      case Outcome::kFatal:
        // Only the producer in use can be recreated; reports of one already
        // replaced are plain failures.
        if (r.generation == generation_) fatal_ = true;
        [[fallthrough]];
      case Outcome::kFailed:
      case Outcome::kDeadLetterFailed:
        s.Failed(retry_at);
        ++failed;
        if (first_error.empty()) first_error = r.error;
        break;
    }
  }
  if (delivered > 0) stats_.Delivered(delivered);
  if (dead > 0) stats_.DeadLettered(dead);
  if (failed > 0) {
    stats_.DeliveryFailed(failed);
    log::Warn("outbox deliveries failed; the shards resend from the first unconfirmed entry",
              {{"records", failed}, {"error", first_error}});
  }
  DeleteConfirmed(confirmed);
}

void OutboxRelay::Core::DeadLetterById(int shard, const std::string& entry_id,
                                       const std::string& error) {
  auto reply = redis_.Command({"XRANGE", keys_[shard].stream, entry_id, entry_id});
  if (!reply.ok() || reply->type != RedisReply::Type::kArray) {
    shards_[shard].Failed(Clock::now() + options_.retry_backoff);  // read again later
    return;
  }
  if (reply->elements.empty() || reply->elements[0].elements.size() != 2) {
    shards_[shard].Confirmed();  // already gone (another owner finished it)
    return;
  }
  DeadLetter(shard, entry_id, reply->elements[0].elements[1], error);
}

void OutboxRelay::Core::DeadLetter(int shard, const std::string& entry_id,
                                   const RedisReply& fields, const std::string& error) {
  if (producer_ == nullptr || shutting_down_) {
    shards_[shard].Failed(Clock::now() + options_.retry_backoff);
    return;
  }
  const KafkaRecord original = ToRecord(fields);
  KafkaRecord letter{options_.dead_letter_topic, original.key, original.value, original.headers};
  letter.headers.emplace_back("x-sqms-error", error);
  letter.headers.emplace_back("x-sqms-topic", original.topic);
  letter.headers.emplace_back("x-sqms-key", original.key);
  letter.headers.emplace_back("x-sqms-outbox-entry", entry_id);
  if (letter.value.size() > options_.dead_letter_max_payload) {
    letter.headers.emplace_back("x-sqms-payload-size", std::to_string(letter.value.size()));
    letter.value.resize(options_.dead_letter_max_payload);
  }
  absl::Status queued = producer_->Produce(
      std::move(letter), Callback(shard, entry_id, /*dead_letter=*/true, error, &original));
  if (!queued.ok()) {
    Push(Report{shard, entry_id,
                ClassifyKafkaError(queued) == KafkaErrorKind::kFatal ? Outcome::kFatal
                                                                      : Outcome::kDeadLetterFailed,
                error + "; dead letter: " + std::string(queued.message()), original.topic,
                original.key, generation_});
  }
}

void OutboxRelay::Core::DeleteConfirmed(const std::map<int, std::vector<std::string>>& confirmed) {
  for (const auto& [shard, ids] : confirmed) {
    std::vector<std::string>& pending = undeleted_[shard];
    pending.insert(pending.end(), ids.begin(), ids.end());
  }
  std::vector<int> shards;
  std::vector<OutboxLease::FencedDelete> deletes;
  for (auto it = undeleted_.begin(); it != undeleted_.end();) {
    // Not held: the next owner sends these again (duplicates, same ce_id).
    if (shards_[it->first].token() == 0) {
      it = undeleted_.erase(it);
      continue;
    }
    shards.push_back(it->first);
    deletes.push_back({keys_[it->first], shards_[it->first].token(), it->second});
    ++it;
  }
  if (deletes.empty()) return;
  // One round trip for every shard's deletes.
  const auto results = lease_.DeleteMany(deletes);
  for (size_t i = 0; i < shards.size(); ++i) {
    const absl::Status& status = results[i].status();
    if (status.ok()) {
      undeleted_.erase(shards[i]);
      if (deletes_failing_) log::Info("outbox deletes resumed", {{"shard", shards[i]}});
      deletes_failing_ = false;
    } else if (absl::IsFailedPrecondition(status)) {
      log::Warn("outbox write refused: lease fenced off",
                {{"shard", shards[i]}, {"token", deletes[i].token}, {"error", status.ToString()}});
      shards_[shards[i]].Lost();
      undeleted_.erase(shards[i]);
    } else {
      // Delivered, but still in the stream: without a retry they would stay
      // until a rewind or the next owner sent them again, and the backlog
      // gauges (and SqmsOutboxStalled) would say the outbox is stuck.
      if (!deletes_failing_) {
        log::Warn("outbox delete failed: retried every round until it succeeds",
                  {{"shard", shards[i]},
                   {"entries", static_cast<int64_t>(deletes[i].ids.size())},
                   {"error", status.ToString()}});
      }
      deletes_failing_ = true;
    }
  }
}

void OutboxRelay::Core::RecreateProducer() {
  if (producer_ != nullptr) {
    log::Error("kafka producer fatal error: recreating it; shards resend from the first "
               "unconfirmed entry",
               {{"error", producer_->FatalError().ToString()}});
    for (OutboxShardState& s : shards_) s.RequestRewind();
    // Its destructor reports every record still queued (purged), so the
    // shards drain before they rewind.
    producer_.reset();
    ++generation_;
    ApplyOutcomes();
  }
  auto made = producers_();
  if (!made.ok()) {
    log::Error("kafka producer could not be recreated", {{"error", made.status().ToString()}});
    recreate_at_ = Clock::now() + options_.retry_backoff;
    return;
  }
  producer_ = *std::move(made);
  fatal_ = false;
  stats_.ProducerRecreated();
}

void OutboxRelay::Core::UpdateBacklog() {
  const Clock::time_point now = Clock::now();
  if (now < backlog_at_) return;
  backlog_at_ = now + std::chrono::seconds(1);
  std::vector<RedisClient::Argv> commands;
  for (const OutboxShardKeys& keys : keys_) {
    commands.push_back({"XLEN", keys.stream});
    commands.push_back({"XRANGE", keys.stream, "-", "+", "COUNT", "1"});
  }
  auto replies = redis_.Pipeline(std::move(commands));
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  int64_t depth = 0;
  int64_t oldest_ms = now_ms;
  for (size_t i = 0; i + 1 < replies.size(); i += 2) {
    if (!replies[i].ok() || !replies[i + 1].ok()) return;
    depth += replies[i]->integer;
    const RedisReply& first = *replies[i + 1];
    if (!first.elements.empty() && !first.elements[0].elements.empty()) {
      const std::string& id = first.elements[0].elements[0].str;
      int64_t ms = now_ms;
      (void)absl::SimpleAtoi(id.substr(0, id.find('-')), &ms);
      oldest_ms = std::min(oldest_ms, ms);
    }
  }
  stats_.Backlog(depth, static_cast<double>(std::max<int64_t>(0, now_ms - oldest_ms)) / 1000.0);
}

void OutboxRelay::Core::Shutdown(std::chrono::milliseconds flush) {
  shutting_down_ = true;
  if (producer_ != nullptr) {
    (void)producer_->Flush(flush);
    producer_.reset();  // reports what it could not deliver (purged)
  }
  ApplyOutcomes();
  for (int shard = 0; shard < options_.shards; ++shard) {
    OutboxShardState& s = shards_[shard];
    if (s.token() > 0 && s.in_flight() == 0) (void)lease_.Release(keys_[shard], s.token());
  }
}

}  // namespace sqms::runtime
