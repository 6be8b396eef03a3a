#include "services/complaints/adapters/outbox_relay.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/complaints/adapters/redis_scripts.h"
#include "sqms/runtime/log.h"

namespace sqms::complaints::adapters {
namespace {

using runtime::RedisReply;

// Field value of a stream entry ([id, [k1, v1, k2, v2, ...]]).
const std::string& Field(const RedisReply& fields, std::string_view name) {
  static const std::string kEmpty;
  for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
    if (fields.elements[i].str == name) return fields.elements[i + 1].str;
  }
  return kEmpty;
}

// Milliseconds of a stream id "1700000000000-0" or of a plain "1700000000000".
int64_t EntryMillis(const std::string& id) {
  int64_t ms = 0;
  (void)absl::SimpleAtoi(id.substr(0, id.find('-')), &ms);
  return ms;
}

}  // namespace

OutboxRelay::OutboxRelay(runtime::RedisClient& redis, const RedisKeys& keys,
                         runtime::KafkaProducer& producer, ServiceStats& stats,
                         OutboxRelayOptions options)
    : redis_(redis), keys_(keys), producer_(producer), stats_(stats),
      options_(std::move(options)), shards_(keys.shards()) {}

OutboxRelay::~OutboxRelay() { Stop(absl::Seconds(5)); }

void OutboxRelay::Start() { thread_ = std::thread([this] { Loop(); }); }

void OutboxRelay::Notify() {
  absl::MutexLock lock(&mu_);
  notified_ = true;
}

void OutboxRelay::Stop(absl::Duration flush) {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  (void)producer_.Flush(absl::ToChronoMilliseconds(flush));
  ApplyConfirmations();
}

void OutboxRelay::Loop() {
  runtime::log::Info("outbox relay started", {{"shards", keys_.shards()}, {"owner", options_.owner}});
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
    }
    for (int shard = 0; shard < keys_.shards(); ++shard) RenewLease(shard);
    const bool full = PumpAll();
    ApplyConfirmations();
    UpdateGauges();
    if (full) continue;  // a backlog: keep reading
    absl::MutexLock lock(&mu_);
    auto woken_or_stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return notified_ || stopping_;
    };
    const bool woken =
        mu_.AwaitWithTimeout(absl::Condition(&woken_or_stopping), options_.idle_wait);
    if (woken && !stopping_) {
      // Let commits gather for a moment, so one pass carries many of them
      // instead of one round trip per commit.
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.linger);
    }
    notified_ = false;
  }
}

void OutboxRelay::RenewLease(int shard) {
  Shard& s = shards_[shard];
  const absl::Time now = absl::Now();
  if (now - s.lease_checked < options_.lease_ttl / 3) return;
  s.lease_checked = now;
  auto reply = redis_.Eval(scripts::AcquireLease(), {keys_.OutboxLease(shard)},
                           {options_.owner, std::to_string(absl::ToInt64Milliseconds(options_.lease_ttl))});
  const bool held = reply.ok() && reply->type == RedisReply::Type::kInteger && reply->integer == 1;
  if (held != s.leased) {
    runtime::log::Info(held ? "outbox lease taken" : "outbox lease lost", {{"shard", shard}});
    s.cursor = "-";  // (re)start from the oldest unconfirmed entry
  }
  s.leased = held;
}

bool OutboxRelay::PumpAll() {
  // One pipelined round trip reads every shard this replica relays.
  std::vector<int> shards;
  std::vector<runtime::RedisClient::Argv> reads;
  for (int shard = 0; shard < keys_.shards(); ++shard) {
    const Shard& s = shards_[shard];
    if (!s.leased || s.in_flight >= options_.max_in_flight) continue;
    shards.push_back(shard);
    reads.push_back({"XRANGE", keys_.Outbox(shard), s.cursor == "-" ? "-" : "(" + s.cursor, "+",
                     "COUNT", std::to_string(options_.batch)});
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

size_t OutboxRelay::Produce(int shard, const std::vector<RedisReply>& entries) {
  Shard& s = shards_[shard];
  size_t produced = 0;
  for (const RedisReply& entry : entries) {
    if (entry.elements.size() != 2) continue;
    const std::string& entry_id = entry.elements[0].str;
    const RedisReply& fields = entry.elements[1];
    runtime::KafkaRecord record{Field(fields, "topic"), Field(fields, "key"),
                                Field(fields, "payload"), {}};
    runtime::CloudEvent event;
    event.id = Field(fields, "id");
    event.source = options_.source;
    event.type = Field(fields, "type");
    event.time = std::chrono::system_clock::time_point(
        std::chrono::milliseconds(EntryMillis(Field(fields, "time"))));
    record.headers = runtime::CloudEventHeaders(event);
    // Captures the inbox, not `this`: the callback may run after the relay
    // is gone (the producer's destructor reports what it purged).
    auto queued = producer_.Produce(std::move(record), [inbox = inbox_, shard,
                                                        entry_id](absl::Status st) {
      {
        absl::MutexLock lock(&inbox->mu);
        inbox->confirmations.push_back({shard, entry_id, st.ok()});
      }
      if (!st.ok()) {
        runtime::log::Warn("outbox delivery failed", {{"shard", shard}, {"error", st.ToString()}});
      }
    });
    if (!queued.ok()) break;  // local queue full: continue from here next round
    s.cursor = entry_id;
    ++s.in_flight;
    ++produced;
  }
  return produced;
}

void OutboxRelay::ApplyConfirmations() {
  std::deque<Confirmation> batch;
  {
    absl::MutexLock lock(&inbox_->mu);
    batch.swap(inbox_->confirmations);
  }
  if (batch.empty()) return;
  std::map<int, std::vector<std::string>> confirmed;
  for (const Confirmation& c : batch) {
    --shards_[c.shard].in_flight;
    if (c.ok) {
      confirmed[c.shard].push_back(c.entry_id);
      stats_.kafka_delivered.Increment();
    } else {
      stats_.kafka_delivery_errors.Increment();
      shards_[c.shard].cursor = "-";  // send the unconfirmed entries again
    }
  }
  std::vector<runtime::RedisClient::Argv> deletes;
  for (auto& [shard, ids] : confirmed) {
    runtime::RedisClient::Argv argv = {"XDEL", keys_.Outbox(shard)};
    argv.insert(argv.end(), ids.begin(), ids.end());
    deletes.push_back(std::move(argv));
  }
  // A failed XDEL only means a re-send after a restart (same event id).
  (void)redis_.Pipeline(std::move(deletes));
}

void OutboxRelay::UpdateGauges() {
  const absl::Time now = absl::Now();
  if (now - gauges_updated_ < absl::Seconds(1)) return;
  gauges_updated_ = now;
  std::vector<runtime::RedisClient::Argv> commands;
  for (int shard = 0; shard < keys_.shards(); ++shard) {
    commands.push_back({"XLEN", keys_.Outbox(shard)});
    commands.push_back({"XRANGE", keys_.Outbox(shard), "-", "+", "COUNT", "1"});
  }
  auto replies = redis_.Pipeline(std::move(commands));
  int64_t depth = 0;
  int64_t oldest_ms = absl::ToUnixMillis(now);
  for (size_t i = 0; i + 1 < replies.size(); i += 2) {
    if (!replies[i].ok() || !replies[i + 1].ok()) return;
    depth += replies[i]->integer;
    if (!replies[i + 1]->elements.empty()) {
      oldest_ms = std::min(oldest_ms, EntryMillis(replies[i + 1]->elements[0].elements[0].str));
    }
  }
  stats_.outbox_depth.Set(static_cast<double>(depth));
  stats_.outbox_oldest_age.Set(static_cast<double>(absl::ToUnixMillis(now) - oldest_ms) / 1000.0);
}

}  // namespace sqms::complaints::adapters
