#include "sqms/runtime/checkpointing_consumer.h"

#include <algorithm>
#include <atomic>
#include <future>
#include <memory>
#include <map>
#include <optional>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "checkpointing_consumer_metrics.h"
#include "sqms/runtime/checkpoint_policy.h"
#include "sqms/runtime/event_id_window.h"
#include "sqms/runtime/log.h"

namespace sqms::runtime {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kGaugeInterval{500};


}  // namespace

class CheckpointingConsumer::Impl {
 public:
  Impl(CheckpointingConsumerOptions options, RedisClient& redis, CheckpointedProcessor& processor)
      : options_(std::move(options)),
        store_(redis, options_.key_prefix, options_.dedup_window),
        processor_(processor),
        metrics_(options_.metrics, options_.kafka.group_id, options_.kafka.topics),
        policy_(options_.checkpoint_every, options_.checkpoint_interval,
                options_.checkpoint_idle_interval) {}

  ~Impl() {
    Stop();
    loop_.reset();  // before the state its hooks use
  }

  absl::Status Init();
  void Start() {
    last_written_ = SteadyClock::now();
    loop_->Start();
  }
  void Stop() {
    {
      absl::MutexLock lock(&mu_);
      if (!stop_deadline_.has_value()) stop_deadline_ = SteadyClock::now() + options_.stop_timeout;
    }
    if (loop_ != nullptr) loop_->Stop();
  }
  absl::Status status() const {
    absl::MutexLock lock(&mu_);
    return status_;
  }

 private:
  // A partition this consumer owns (loop thread only).
  struct Owned {
    int64_t epoch = 0;
    std::optional<int64_t> stored;  // offset in Redis
    std::optional<int64_t> next;    // next offset to process, once known
    EventIdWindow window;
    std::vector<std::string> new_ids;  // accepted since `stored`, oldest first
    size_t in_flight_ids = 0;          // the first of new_ids, sent in the write in flight
  };

  // The checkpoint sent and not yet answered; at most one. Records go on
  // being processed while Redis runs its script, and the next checkpoint
  // is taken only once this one is answered (so deltas apply in order, and
  // each checkpoint's base offsets are the previous one's, stored).
  struct InFlight {
    std::vector<PartitionCheckpoint> partitions;  // what it stores, for the bookkeeping
    EncodedCheckpoint encoded;                    // sent again after an unknown outcome
    SteadyClock::time_point sent;
    // Set once by the store's callback (RedisClient I/O thread); read on
    // the loop thread.
    struct Answer {
      absl::Status status;
      SteadyClock::time_point at;
    };
    std::shared_ptr<std::promise<Answer>> promise;
    std::future<Answer> answer;
  };

  absl::StatusOr<std::map<TopicPartition, int64_t>> OnAssign(
      const std::vector<TopicPartition>& partitions);
  void OnRevoke(const std::vector<TopicPartition>& partitions);
  absl::Status Handle(const ConsumedRecord& record);
  void Done(const ConsumedRecord& record, CheckpointingConsumerMetrics::Record outcome);
  void OnTick();
  void OnIdle();
  // Sends what is pending (if anything) once the write in flight is
  // answered; with `wait`, also waits for this one (revoke, stop).
  void WriteCheckpoint(bool wait);
  void Send(InFlight& in_flight);
  // Settles the write in flight: its answer, retries of an unknown outcome,
  // the bookkeeping of a written one. Without `block`, returns false at once
  // while it is unanswered. True when nothing is in flight any more.
  bool Settle(bool block);
  Checkpoint Pending();
  void Halt(const absl::Status& why);
  bool GiveUp() const;
  void UpdateGauges(SteadyClock::time_point now);

  const CheckpointingConsumerOptions options_;
  RedisCheckpointStore store_;
  CheckpointedProcessor& processor_;

  mutable absl::Mutex mu_;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
  std::optional<SteadyClock::time_point> stop_deadline_ ABSL_GUARDED_BY(mu_);

  // Loop thread only.
  CheckpointingConsumerMetrics metrics_;
  CheckpointPolicy policy_;
  std::map<TopicPartition, Owned> owned_;
  bool halted_ = false;
  SteadyClock::time_point last_written_{};
  SteadyClock::time_point last_gauges_{};
  absl::StatusOr<CloudEvent> event_;  // Handle's: the current record's headers
  std::optional<InFlight> in_flight_;

  std::unique_ptr<KafkaConsumerLoop> loop_;  // last: destroyed first
};

absl::Status CheckpointingConsumer::Impl::Init() {
  if (options_.key_prefix.empty()) {
    return absl::InvalidArgumentError("checkpointing consumer key_prefix: must not be empty");
  }
  if (options_.dedup_window > kMaxDedupWindow) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpointing consumer dedup_window: at most ", kMaxDedupWindow));
  }
  const std::string& reset = options_.kafka.auto_offset_reset;
  if (reset != "earliest") {  // see the header: "latest" could skip records
    return absl::InvalidArgumentError(
        "kafka property 'auto.offset.reset': must be earliest (an exactly-once consumer "
        "reads a partition it never checkpointed from its beginning)");
  }
  KafkaConsumerOptions kafka = options_.kafka;
  kafka.commit_offsets = false;  // Redis holds the offsets
  // sqms_consumer_lag is the loop's: on_assign gives it every partition's
  // start (the offset stored in Redis), and it follows each record handled.
  kafka.metrics = options_.metrics;
  KafkaConsumerHooks hooks;
  hooks.on_assign = [this](const std::vector<TopicPartition>& p) { return OnAssign(p); };
  hooks.on_revoke = [this](const std::vector<TopicPartition>& p) { OnRevoke(p); };
  hooks.on_error = [](const absl::Status& s) {
    log::Warn("exactly-once consumer: kafka error", {{"error", s.ToString()}});
  };
  hooks.on_tick = [this] { OnTick(); };
  hooks.on_idle = [this] { OnIdle(); };
  hooks.on_dead_lettered = [this](const ConsumedRecord& r) {
    Done(r, CheckpointingConsumerMetrics::Record::kDeadLettered);
  };
  auto loop = KafkaConsumerLoop::Create(std::move(kafka), std::move(hooks),
                                        [this](const ConsumedRecord& r) { return Handle(r); });
  if (!loop.ok()) return loop.status();
  loop_ = std::move(*loop);
  return absl::OkStatus();
}

absl::StatusOr<std::map<TopicPartition, int64_t>> CheckpointingConsumer::Impl::OnAssign(
    const std::vector<TopicPartition>& partitions) {
  if (halted_) return absl::FailedPreconditionError("exactly-once consumer stopped");
  // The write in flight first: the claim reads the stored offsets.
  Settle(/*block=*/true);
  if (halted_) return absl::FailedPreconditionError("exactly-once consumer stopped");
  auto claimed = store_.Claim(partitions, options_.instance_id);
  if (!claimed.ok()) return claimed.status();
  std::map<TopicPartition, int64_t> start;
  for (auto& c : *claimed) {
    Owned owned{c.epoch, c.next_offset, c.next_offset, EventIdWindow(options_.dedup_window), {}};
    for (auto& id : c.event_ids) owned.window.Add(std::move(id));
    start[c.partition] = c.next_offset.value_or(kOffsetBeginning);
    owned_.insert_or_assign(c.partition, std::move(owned));
  }
  if (auto s = processor_.OnAssigned(partitions); !s.ok()) return s;
  log::Info("exactly-once consumer: partitions claimed",
            {{"group", options_.kafka.group_id}, {"count", partitions.size()}});
  return start;
}

void CheckpointingConsumer::Impl::OnRevoke(const std::vector<TopicPartition>& partitions) {
  WriteCheckpoint(/*wait=*/true);  // every owned partition: the delta cannot be split
  for (const auto& tp : partitions) {
    owned_.erase(tp);
  }
  processor_.OnRevoked(partitions);
}

absl::Status CheckpointingConsumer::Impl::Handle(const ConsumedRecord& record) {
  if (halted_) return absl::OkStatus();  // stopping; nothing more is written
  auto it = owned_.find({record.topic, record.partition});
  if (it == owned_.end()) return absl::OkStatus();  // not (any longer) ours
  Owned& owned = it->second;
  // Parsed into the same object record after record (no allocations once
  // its strings are long enough); the StatusOr holds the error instead when
  // the headers do not parse.
  absl::StatusOr<CloudEvent>& event = event_;
  if (!event.ok()) event = CloudEvent{};
  if (absl::Status parsed = ParseCloudEventHeaders(record.headers, &*event); !parsed.ok()) {
    event = parsed;
  }
  if (event.ok() && owned.window.Contains(event->id)) {
    Done(record, CheckpointingConsumerMetrics::Record::kDuplicate);
    return absl::OkStatus();
  }
  if (absl::Status s = processor_.Process(record, event); !s.ok()) return s;
  if (event.ok() && options_.dedup_window > 0) {
    owned.window.Add(event->id);
    owned.new_ids.push_back(event->id);
    // Only the newest window's worth can survive the store's trim.
    if (owned.new_ids.size() > 2 * options_.dedup_window) {
      const size_t dropped = owned.new_ids.size() - options_.dedup_window;
      owned.new_ids.erase(owned.new_ids.begin(),
                          owned.new_ids.begin() + static_cast<ptrdiff_t>(dropped));
      owned.in_flight_ids -= std::min(owned.in_flight_ids, dropped);
    }
  }
  Done(record, CheckpointingConsumerMetrics::Record::kProcessed);
  return absl::OkStatus();
}

void CheckpointingConsumer::Impl::Done(const ConsumedRecord& record,
                                       CheckpointingConsumerMetrics::Record outcome) {
  auto it = owned_.find({record.topic, record.partition});
  if (it == owned_.end()) return;
  it->second.next = record.offset + 1;
  metrics_.CountRecord(record.topic, outcome);
  auto now = SteadyClock::now();
  policy_.Count(now);
  if (policy_.Due(now)) WriteCheckpoint(/*wait=*/false);
}

void CheckpointingConsumer::Impl::OnTick() {
  Settle(/*block=*/false);
  auto now = SteadyClock::now();
  if (policy_.Due(now)) WriteCheckpoint(/*wait=*/false);
  if (now - last_gauges_ >= kGaugeInterval) UpdateGauges(now);
}

void CheckpointingConsumer::Impl::OnIdle() {
  if (policy_.DueIdle(SteadyClock::now())) WriteCheckpoint(/*wait=*/false);
}

Checkpoint CheckpointingConsumer::Impl::Pending() {
  Checkpoint checkpoint;
  for (const auto& [tp, owned] : owned_) {
    if (!owned.next.has_value() || owned.next == owned.stored) continue;
    checkpoint.partitions.push_back({tp, owned.epoch, owned.stored, *owned.next, owned.new_ids});
  }
  return checkpoint;
}

void CheckpointingConsumer::Impl::WriteCheckpoint(bool wait) {
  if (halted_) return;
  Settle(/*block=*/true);
  if (halted_) return;
  Checkpoint checkpoint = Pending();
  if (checkpoint.partitions.empty()) {
    policy_.Written(SteadyClock::now());
    return;
  }
  checkpoint.writes = processor_.TakeDelta();
  auto encoded = store_.Encode(checkpoint);
  if (!encoded.ok()) {  // a service bug (a malformed delta): nothing was sent
    metrics_.CountCheckpoint(CheckpointingConsumerMetrics::Checkpoint::kFailed, std::nullopt);
    Halt(encoded.status());
    return;
  }
  for (const auto& p : checkpoint.partitions) {
    owned_.at(p.partition).in_flight_ids = p.new_event_ids.size();
  }
  InFlight& in_flight = in_flight_.emplace();
  in_flight.partitions = std::move(checkpoint.partitions);
  in_flight.encoded = *std::move(encoded);
  Send(in_flight);
  // The next checkpoint counts its records from here.
  policy_.Written(in_flight.sent);
  if (wait) Settle(/*block=*/true);
}

void CheckpointingConsumer::Impl::Send(InFlight& in_flight) {
  in_flight.sent = SteadyClock::now();
  in_flight.promise = std::make_shared<std::promise<InFlight::Answer>>();
  in_flight.answer = in_flight.promise->get_future();
  store_.WriteAsync(in_flight.encoded, [promise = in_flight.promise](absl::Status status) {
    promise->set_value({std::move(status), SteadyClock::now()});
  });
}

bool CheckpointingConsumer::Impl::Settle(bool block) {
  if (!in_flight_.has_value()) return true;
  InFlight& in_flight = *in_flight_;
  for (int attempt = 1;; ++attempt) {
    if (!block && in_flight.answer.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      return false;
    }
    const InFlight::Answer answer = in_flight.answer.get();
    const absl::Status& written = answer.status;
    if (written.ok()) {
      metrics_.CountCheckpoint(CheckpointingConsumerMetrics::Checkpoint::kWritten,
                               answer.at - in_flight.sent);
      for (const auto& p : in_flight.partitions) {
        auto it = owned_.find(p.partition);
        if (it == owned_.end()) continue;  // defensive: revoke settles before it erases
        Owned& owned = it->second;
        owned.stored = p.next_offset;
        owned.new_ids.erase(owned.new_ids.begin(),
                            owned.new_ids.begin() + static_cast<ptrdiff_t>(std::min(
                                                        owned.in_flight_ids, owned.new_ids.size())));
        owned.in_flight_ids = 0;
      }
      last_written_ = answer.at;
      in_flight_.reset();
      processor_.OnCheckpointWritten();
      return true;
    }
    bool fenced = written.code() == absl::StatusCode::kAborted;
    metrics_.CountCheckpoint(fenced ? CheckpointingConsumerMetrics::Checkpoint::kFenced
                                    : CheckpointingConsumerMetrics::Checkpoint::kFailed,
                             answer.at - in_flight.sent);
    if (fenced || written.code() == absl::StatusCode::kInvalidArgument ||
        written.code() == absl::StatusCode::kInternal) {
      in_flight_.reset();
      Halt(written);
      return true;
    }
    if (GiveUp()) {
      log::Error("exactly-once consumer: checkpoint abandoned at the stop deadline; the next "
                 "owner reprocesses",
                 {{"group", options_.kafka.group_id}, {"error", written.ToString()}});
      // Its delta is gone: a later checkpoint (the revoke's) would store
      // offsets past it.
      in_flight_.reset();
      halted_ = true;
      return true;
    }
    if (attempt == 1 || attempt % 50 == 0) {  // an outage logs a line per ~10 s, not per try
      log::Warn("exactly-once consumer: checkpoint failed, retrying",
                {{"group", options_.kafka.group_id}, {"attempt", attempt},
                 {"error", written.ToString()}});
    }
    // An unknown outcome is retried as it is: the script finds its offsets
    // already stored and writes nothing twice (RedisCheckpointStore::Write).
    // From here on the loop waits for it, as the old synchronous path did.
    // No on_tick runs while it waits: keep the gauges moving here, so the
    // checkpoint age and the lag show the stall (SqmsMetricsCheckpointAge*,
    // SqmsMetricsConsumerLagHigh) instead of their values from before it.
    if (const auto now = SteadyClock::now(); now - last_gauges_ >= kGaugeInterval) {
      UpdateGauges(now);
    }
    loop_->UpdateLag();
    std::this_thread::sleep_for(options_.kafka.retry_backoff);
    Send(in_flight);
    block = true;
  }
}

void CheckpointingConsumer::Impl::Halt(const absl::Status& why) {
  halted_ = true;
  log::Error("exactly-once consumer: stopping, checkpoint refused; in-memory state dropped",
             {{"group", options_.kafka.group_id}, {"error", why.ToString()}});
  // OnFenced before status(): whoever sees status() fail sees a processor
  // that has already dropped its state.
  processor_.OnFenced(why);
  {
    absl::MutexLock lock(&mu_);
    status_ = why;
  }
  loop_->RequestStop();
}

bool CheckpointingConsumer::Impl::GiveUp() const {
  absl::MutexLock lock(&mu_);
  return stop_deadline_.has_value() && SteadyClock::now() >= *stop_deadline_;
}

void CheckpointingConsumer::Impl::UpdateGauges(SteadyClock::time_point now) {
  last_gauges_ = now;
  // Records wait while they are pending or in the write still in flight.
  metrics_.SetCheckpointAge(policy_.pending() == 0 && !in_flight_.has_value()
                                ? std::chrono::nanoseconds::zero()
                                : now - last_written_);
}

absl::StatusOr<std::unique_ptr<CheckpointingConsumer>> CheckpointingConsumer::Create(
    CheckpointingConsumerOptions options, RedisClient& redis, CheckpointedProcessor& processor) {
  auto impl = std::make_unique<Impl>(std::move(options), redis, processor);
  if (auto s = impl->Init(); !s.ok()) return s;
  return std::unique_ptr<CheckpointingConsumer>(new CheckpointingConsumer(std::move(impl)));
}

CheckpointingConsumer::CheckpointingConsumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CheckpointingConsumer::~CheckpointingConsumer() = default;
void CheckpointingConsumer::Start() { impl_->Start(); }
void CheckpointingConsumer::Stop() { impl_->Stop(); }
absl::Status CheckpointingConsumer::status() const { return impl_->status(); }

}  // namespace sqms::runtime
