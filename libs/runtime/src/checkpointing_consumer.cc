#include "sqms/runtime/checkpointing_consumer.h"

#include <atomic>
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
constexpr size_t kMaxDedupWindow = 4096;  // ids pass through Lua's unpack()
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
  };

  absl::StatusOr<std::map<TopicPartition, int64_t>> OnAssign(
      const std::vector<TopicPartition>& partitions);
  void OnRevoke(const std::vector<TopicPartition>& partitions);
  absl::Status Handle(const ConsumedRecord& record);
  void Done(const ConsumedRecord& record, CheckpointingConsumerMetrics::Record outcome);
  void OnTick();
  void OnIdle();
  void WriteCheckpoint();
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
  if (reset != "earliest" && reset != "latest") {
    return absl::InvalidArgumentError(
        "kafka property 'auto.offset.reset': must be earliest or latest");
  }
  KafkaConsumerOptions kafka = options_.kafka;
  kafka.commit_offsets = false;  // Redis holds the offsets
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
  auto claimed = store_.Claim(partitions, options_.instance_id);
  if (!claimed.ok()) return claimed.status();
  std::map<TopicPartition, int64_t> start;
  for (auto& c : *claimed) {
    Owned owned{c.epoch, c.next_offset, c.next_offset, EventIdWindow(options_.dedup_window), {}};
    for (auto& id : c.event_ids) owned.window.Add(std::move(id));
    const int64_t reset =
        options_.kafka.auto_offset_reset == "latest" ? kOffsetEnd : kOffsetBeginning;
    start[c.partition] = c.next_offset.value_or(reset);
    owned_.insert_or_assign(c.partition, std::move(owned));
    metrics_.AddPartition(c.partition);
  }
  if (auto s = processor_.OnAssigned(partitions); !s.ok()) return s;
  log::Info("exactly-once consumer: partitions claimed",
            {{"group", options_.kafka.group_id}, {"count", partitions.size()}});
  return start;
}

void CheckpointingConsumer::Impl::OnRevoke(const std::vector<TopicPartition>& partitions) {
  WriteCheckpoint();  // every owned partition: the delta cannot be split
  for (const auto& tp : partitions) {
    owned_.erase(tp);
    metrics_.RemovePartition(tp);
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
      owned.new_ids.erase(owned.new_ids.begin(),
                          owned.new_ids.end() - static_cast<ptrdiff_t>(options_.dedup_window));
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
  if (policy_.Due(now)) WriteCheckpoint();
}

void CheckpointingConsumer::Impl::OnTick() {
  auto now = SteadyClock::now();
  if (policy_.Due(now)) WriteCheckpoint();
  if (now - last_gauges_ >= kGaugeInterval) UpdateGauges(now);
}

void CheckpointingConsumer::Impl::OnIdle() {
  if (policy_.DueIdle(SteadyClock::now())) WriteCheckpoint();
}

Checkpoint CheckpointingConsumer::Impl::Pending() {
  Checkpoint checkpoint;
  for (const auto& [tp, owned] : owned_) {
    if (!owned.next.has_value() || owned.next == owned.stored) continue;
    checkpoint.partitions.push_back({tp, owned.epoch, owned.stored, *owned.next, owned.new_ids});
  }
  return checkpoint;
}

void CheckpointingConsumer::Impl::WriteCheckpoint() {
  if (halted_) return;
  Checkpoint checkpoint = Pending();
  if (checkpoint.partitions.empty()) {
    policy_.Written(SteadyClock::now());
    return;
  }
  checkpoint.writes = processor_.TakeDelta();
  for (int attempt = 1;; ++attempt) {
    auto start = SteadyClock::now();
    absl::Status written = store_.Write(checkpoint);
    auto now = SteadyClock::now();
    if (written.ok()) {
      metrics_.CountCheckpoint(CheckpointingConsumerMetrics::Checkpoint::kWritten, now - start);
      for (const auto& p : checkpoint.partitions) {
        Owned& owned = owned_.at(p.partition);
        owned.stored = p.next_offset;
        owned.new_ids.clear();
      }
      policy_.Written(now);
      last_written_ = now;
      processor_.OnCheckpointWritten();
      return;
    }
    bool fenced = written.code() == absl::StatusCode::kAborted;
    metrics_.CountCheckpoint(fenced ? CheckpointingConsumerMetrics::Checkpoint::kFenced
                                    : CheckpointingConsumerMetrics::Checkpoint::kFailed,
                             now - start);
    if (fenced || written.code() == absl::StatusCode::kInvalidArgument ||
        written.code() == absl::StatusCode::kInternal) {
      Halt(written);
      return;
    }
    if (GiveUp()) {
      log::Error("exactly-once consumer: final checkpoint abandoned; the next owner reprocesses",
                 {{"group", options_.kafka.group_id}, {"error", written.ToString()}});
      // Its delta is gone: a later checkpoint (the revoke's) would store
      // offsets past it.
      halted_ = true;
      return;
    }
    if (attempt == 1 || attempt % 50 == 0) {  // an outage logs a line per ~10 s, not per try
      log::Warn("exactly-once consumer: checkpoint failed, retrying",
                {{"group", options_.kafka.group_id}, {"attempt", attempt},
                 {"error", written.ToString()}});
    }
    std::this_thread::sleep_for(options_.kafka.retry_backoff);
  }
}

void CheckpointingConsumer::Impl::Halt(const absl::Status& why) {
  halted_ = true;
  {
    absl::MutexLock lock(&mu_);
    status_ = why;
  }
  log::Error("exactly-once consumer: stopping, checkpoint refused; in-memory state dropped",
             {{"group", options_.kafka.group_id}, {"error", why.ToString()}});
  processor_.OnFenced(why);
  loop_->RequestStop();
}

bool CheckpointingConsumer::Impl::GiveUp() const {
  absl::MutexLock lock(&mu_);
  return stop_deadline_.has_value() && SteadyClock::now() >= *stop_deadline_;
}

void CheckpointingConsumer::Impl::UpdateGauges(SteadyClock::time_point now) {
  last_gauges_ = now;
  metrics_.SetCheckpointAge(policy_.pending() == 0 ? std::chrono::nanoseconds::zero()
                                                   : now - last_written_);
  for (const auto& [tp, owned] : owned_) {
    auto marks = loop_->Watermarks(tp);
    if (!marks.ok()) continue;
    auto [low, high] = *marks;
    std::optional<int64_t> position = owned.next;
    if (!position.has_value() && low >= 0) position = low;
    if (position.has_value()) metrics_.SetLag(tp, std::max<int64_t>(0, high - *position));
  }
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
