// The relay's sending side: leases, reads, produce. Outcomes are in
// outbox_relay_outcomes.cc.
#include <utility>

#include "absl/strings/numbers.h"
#include "outbox_relay_core.h"
#include "sqms/runtime/log.h"

namespace sqms::runtime {
namespace {

// Field value of a stream entry's field list [k1, v1, k2, v2, ...].
const std::string& Field(const RedisReply& fields, std::string_view name) {
  static const std::string kEmpty;
  for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
    if (fields.elements[i].str == name) return fields.elements[i + 1].str;
  }
  return kEmpty;
}

int64_t Millis(const std::string& id) {
  int64_t ms = 0;
  (void)absl::SimpleAtoi(id.substr(0, id.find('-')), &ms);
  return ms;
}

}  // namespace

OutboxRelay::Core::Core(RedisClient& redis, const OutboxLease& lease,
                        KafkaProducerFactory producers, OutboxRelayStats& stats,
                        OutboxRelayOptions options, std::unique_ptr<KafkaProducer> producer)
    : redis_(redis), lease_(lease), producers_(std::move(producers)), stats_(stats),
      options_(std::move(options)), renew_at_(options_.shards),
      producer_(std::move(producer)) {
  for (int shard = 0; shard < options_.shards; ++shard) {
    keys_.push_back(options_.shard_keys(shard));
    shards_.emplace_back(options_.max_in_flight);
  }
}

bool OutboxRelay::Core::Round() {
  RenewLeases(Clock::now());
  ApplyOutcomes();
  if (fatal_ && Clock::now() >= recreate_at_) RecreateProducer();
  for (OutboxShardState& shard : shards_) (void)shard.MaybeFinishRewind();
  const bool full = Pump();
  UpdateBacklog();
  return full;
}

void OutboxRelay::Core::RenewLeases(Clock::time_point now) {
  const auto ttl = options_.lease_ttl;
  for (int shard = 0; shard < options_.shards; ++shard) {
    OutboxShardState& s = shards_[shard];
    if (s.token() > 0 && !s.held(now)) {
      // Not renewed in time by our own clock: Redis may already have let
      // someone else take it. Stop before that can happen.
      log::Warn("outbox lease expired", {{"shard", shard}, {"token", s.token()}});
      s.Lost();
    }
    if (now < renew_at_[shard]) continue;
    const Clock::time_point sent = Clock::now();
    auto grant = lease_.Acquire(keys_[shard]);
    if (!grant.ok()) {
      renew_at_[shard] = sent + ttl / 10;  // retry soon; the grant held so far still counts
      continue;
    }
    renew_at_[shard] = sent + ttl / 3;
    if (grant->held) {
      if (s.Granted(grant->token, sent + ttl - ttl / 10)) {
        log::Info("outbox lease taken", {{"shard", shard}, {"token", grant->token},
                                         {"owner", lease_.owner()}});
      }
    } else if (s.token() > 0) {
      log::Warn("outbox lease lost", {{"shard", shard}, {"token", s.token()}});
      s.Lost();
    }
  }
}

bool OutboxRelay::Core::Pump() {
  if (producer_ == nullptr) return false;
  // One pipelined round trip reads every shard this replica may send.
  std::vector<int> shards;
  std::vector<RedisClient::Argv> reads;
  const Clock::time_point now = Clock::now();
  for (int shard = 0; shard < options_.shards; ++shard) {
    if (!shards_[shard].MaySend(now)) continue;
    shards.push_back(shard);
    reads.push_back({"XRANGE", keys_[shard].stream, shards_[shard].ReadStart(), "+", "COUNT",
                     std::to_string(options_.batch)});
  }
  if (reads.empty()) return false;
  auto replies = redis_.Pipeline(std::move(reads));
  bool full = false;
  for (size_t i = 0; i < replies.size(); ++i) {
    if (!replies[i].ok() || replies[i]->type != RedisReply::Type::kArray) continue;
    const size_t produced = Produce(shards[i], replies[i]->elements);
    full |= produced == static_cast<size_t>(options_.batch);
  }
  return full;
}

KafkaRecord OutboxRelay::Core::ToRecord(const RedisReply& fields) const {
  KafkaRecord record{Field(fields, "topic"), Field(fields, "key"), Field(fields, "payload"), {}};
  CloudEvent event;
  event.id = Field(fields, "id");
  event.source = options_.source;
  event.type = Field(fields, "type");
  event.time = std::chrono::system_clock::time_point(
      std::chrono::milliseconds(Millis(Field(fields, "time"))));
  event.traceparent = Field(fields, "traceparent");  // absent in older entries: ""
  event.tracestate = Field(fields, "tracestate");
  record.headers = CloudEventHeaders(event);
  return record;
}

size_t OutboxRelay::Core::Produce(int shard, const std::vector<RedisReply>& entries) {
  OutboxShardState& s = shards_[shard];
  size_t produced = 0;
  for (const RedisReply& entry : entries) {
    // The lease is checked before every record: one that expired while this
    // batch was being handed over stops it here.
    if (entry.elements.size() != 2 || !s.MaySend(Clock::now())) break;
    const std::string& entry_id = entry.elements[0].str;
    const RedisReply& fields = entry.elements[1];
    absl::Status queued = producer_->Produce(
        ToRecord(fields), Callback(shard, entry_id, /*dead_letter=*/false, "", nullptr));
    if (queued.ok()) {
      s.Sent(entry_id);
      ++produced;
      continue;
    }
    switch (ClassifyKafkaError(queued)) {
      case KafkaErrorKind::kPermanent:
        s.Sent(entry_id);  // in flight until its dead letter has an outcome
        ++produced;
        DeadLetter(shard, entry_id, fields, std::string(queued.message()));
        continue;
      case KafkaErrorKind::kFatal:
        fatal_ = true;
        break;
      case KafkaErrorKind::kTransient:
        // Queue full and the like: nothing after it was sent; this entry
        // is read again next round.
        if (!absl::IsResourceExhausted(queued)) {
          log::Warn("outbox produce refused", {{"shard", shard}, {"error", queued.ToString()}});
        }
        break;
    }
    break;
  }
  return produced;
}

KafkaProducer::DeliveryCallback OutboxRelay::Core::Callback(int shard, const std::string& entry_id,
                                                            bool dead_letter,
                                                            const std::string& original_error,
                                                            const KafkaRecord* original) {
  // Captures the inbox, not `this`, and copies only what a report needs.
  Report report{shard, entry_id, Outcome::kDelivered, original_error,
                original != nullptr ? original->topic : "", original != nullptr ? original->key : "",
                generation_};
  return [inbox = inbox_, report = std::move(report), dead_letter](absl::Status st) mutable {
    if (st.ok()) {
      report.outcome = dead_letter ? Outcome::kDeadLettered : Outcome::kDelivered;
    } else {
      const KafkaErrorKind kind = ClassifyKafkaError(st);
      if (kind == KafkaErrorKind::kFatal) {
        report.outcome = Outcome::kFatal;
      } else if (dead_letter) {
        report.outcome = Outcome::kDeadLetterFailed;
      } else {
        report.outcome = kind == KafkaErrorKind::kPermanent ? Outcome::kPermanent : Outcome::kFailed;
      }
      report.error = dead_letter ? report.error + "; dead letter: " + std::string(st.message())
                                 : std::string(st.message());
    }
    absl::MutexLock lock(&inbox->mu);
    inbox->reports.push_back(std::move(report));
  };
}

void OutboxRelay::Core::Push(Report report) {
  absl::MutexLock lock(&inbox_->mu);
  inbox_->reports.push_back(std::move(report));
}

}  // namespace sqms::runtime
