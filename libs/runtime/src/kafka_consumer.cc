#include "sqms/runtime/kafka_consumer.h"

#include <algorithm>
#include <cstring>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "kafka_consumer_lag.h"
#include "kafka_dead_letter.h"
#include "kafka_first_start.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "rdkafka_handles.h"

namespace sqms::runtime {
namespace {

constexpr int kPollTimeoutMs = 100;
// Right after a record: how long a poll waits before the loop counts as
// caught up (on_idle). Short, so a paused stream is noticed at once; a
// stream in full flow has records queued and never waits for it.
constexpr int kCaughtUpPollMs = 10;
constexpr int kSeekTimeoutMs = 5000;
// The committed offsets of newly assigned partitions, for their lag and
// first starts.
constexpr int kCommittedTimeoutMs = 2000;
// How often the lag gauges are updated (from cached watermarks).
constexpr std::chrono::milliseconds kLagInterval{500};

std::vector<TopicPartition> ToVector(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> out;
  for (int i = 0; i < list->cnt; ++i) {
    out.push_back({list->elems[i].topic, list->elems[i].partition});
  }
  return out;
}

// Fills `rec` from `msg`, reusing its strings' buffers (the loop reads
// every record into the same object).
void ReadRecord(const rd_kafka_message_t& msg, ConsumedRecord* rec) {
  rec->topic.assign(rd_kafka_topic_name(msg.rkt));
  rec->partition = msg.partition;
  rec->offset = msg.offset;
  if (msg.key != nullptr) {
    rec->key.assign(static_cast<const char*>(msg.key), msg.key_len);
  } else {
    rec->key.clear();
  }
  if (msg.payload != nullptr) {
    rec->value.assign(static_cast<const char*>(msg.payload), msg.len);
  } else {
    rec->value.clear();
  }
  rdkafka::ReadHeaders(&msg, &rec->headers);
  rd_kafka_timestamp_type_t type;
  int64_t ms = rd_kafka_message_timestamp(&msg, &type);
  rec->timestamp = ms >= 0 ? std::chrono::system_clock::time_point(std::chrono::milliseconds(ms))
                           : std::chrono::system_clock::time_point();
}

// Transient errors (is_transient) back off to at most this.
constexpr std::chrono::milliseconds kLongestTransientBackoff{5000};

// One-partition list holding `offset`.
rdkafka::PartitionList OnePartition(const std::string& topic, int32_t partition,
                                    int64_t offset) {
  rdkafka::PartitionList list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = offset;
  return list;
}

}  // namespace

bool IsTransientError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kResourceExhausted: return true;
    default: return false;
  }
}

std::optional<std::string> ConsumedRecord::Header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

class KafkaConsumerLoop::Impl {
 public:
  Impl(KafkaConsumerOptions options, KafkaConsumerHooks hooks, Handler handler)
      : options_(std::move(options)), hooks_(std::move(hooks)), handler_(std::move(handler)) {
    if (options_.metrics != nullptr) {
      lag_ = std::make_unique<ConsumerLag>(*options_.metrics, options_.group_id,
                                           options_.auto_offset_reset == "latest");
      dead_lettered_ = &prometheus::BuildCounter()
                            .Name("sqms_consumer_dead_lettered_total")
                            .Help("Records that failed every attempt and went to the "
                                  "dead-letter topic <topic>.dlq; the loop moved past them")
                            .Register(*options_.metrics);
      // At 0 from the start, so increase() sees the first one.
      for (const auto& topic : options_.topics) DeadLettered(topic);
    }
    if (options_.first_start_lookback.has_value() && options_.commit_offsets) {
      first_start_ = std::make_unique<FirstStart>(*options_.first_start_lookback, options_.metrics,
                                                  options_.group_id, options_.topics);
    }
  }

  ~Impl() {
    Stop();
    if (rk_ != nullptr && !closed_) rd_kafka_consumer_close(rk_.get());
  }

  absl::Status Init();

  void Start() {
    absl::MutexLock lock(&mu_);
    if (started_ || stopping_.load()) return;
    started_ = true;
    thread_ = std::thread([this] { Run(); });
  }

  void RequestStop() { stopping_ = true; }

  absl::StatusOr<std::pair<int64_t, int64_t>> Watermarks(const TopicPartition& tp) const {
    int64_t low = -1;
    int64_t high = -1;
    rd_kafka_resp_err_t err =
        rd_kafka_get_watermark_offsets(rk_.get(), tp.topic.c_str(), tp.partition, &low, &high);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return rdkafka::ToStatus(err, "kafka watermarks");
    if (high < 0) return absl::UnavailableError("kafka watermarks: not known yet");
    return std::make_pair(low, high);
  }

  void Stop() {
    stopping_ = true;
    absl::MutexLock lock(&mu_);
    if (thread_.joinable()) thread_.join();
  }

  // sqms_consumer_dead_lettered_total{group,topic} of `topic` (created at 0
  // when new); null without metrics. Loop thread only, once running.
  prometheus::Counter* DeadLettered(const std::string& topic) {
    if (dead_lettered_ == nullptr) return nullptr;
    return &dead_lettered_->Add({{"group", options_.group_id}, {"topic", topic}});
  }

  // Loop thread only; at most every kLagInterval.
  void UpdateLag();

 private:
  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* partitions, void* opaque);
  void Assign(rd_kafka_topic_partition_list_t* partitions);
  void Revoke(rd_kafka_topic_partition_list_t* partitions);
  void Run();
  void Handle(const rd_kafka_message_t& msg);
  // Waits `wait` (unless stopping), then seeks back to `rec`.
  void Retry(const ConsumedRecord& rec, std::chrono::milliseconds wait);
  void MarkDone(const ConsumedRecord& rec);
  // The group's committed offsets of newly assigned partitions that start
  // there (no start from on_assign), negative for one never committed;
  // read (one round trip to the coordinator) only for the lag or a first
  // start. Empty, the error reported, when the coordinator does not answer.
  std::map<TopicPartition, int64_t> ReadCommitted(
      const rd_kafka_topic_partition_list_t* partitions);
  // The lag bookkeeping of newly assigned partitions (their start offsets as
  // given to librdkafka); a no-op without metrics, as UpdateLag is.
  void TrackAssigned(const rd_kafka_topic_partition_list_t* partitions,
                     const std::map<TopicPartition, int64_t>& committed);
  // The first starts (first_start_lookback) of the partitions just assigned
  // that the group never committed (`committed` < 0). One holding records
  // passes over the old ones (FirstStart); an empty one has its start
  // committed at once, so what arrives later is never passed over.
  void BeginFirstStarts(const std::map<TopicPartition, int64_t>& committed);
  void MaybeCommit();
  void CommitSync();
  bool SleepUnlessStopping(std::chrono::milliseconds duration);
  void ReportError(const absl::Status& status) {
    if (!status.ok() && hooks_.on_error) hooks_.on_error(status);
  }
  bool Cooperative() const {
    return std::strcmp(rd_kafka_rebalance_protocol(rk_.get()), "COOPERATIVE") == 0;
  }

  const KafkaConsumerOptions options_;
  const KafkaConsumerHooks hooks_;
  const Handler handler_;
  rdkafka::KafkaHandle rk_;
  std::unique_ptr<DeadLetterWriter> dead_letters_;  // null when max_attempts == 0
  std::atomic<bool> stopping_{false};

  absl::Mutex mu_;  // serializes Start/Stop
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_ ABSL_GUARDED_BY(mu_);

  // Loop thread only (the rebalance callback runs there too).
  std::map<TopicPartition, std::pair<int64_t, int>> failures_;  // offset, attempts
  // The next wait after a transient error; back to retry_backoff once a
  // record is done.
  std::chrono::milliseconds transient_backoff_ = options_.retry_backoff;
  bool commit_pending_ = false;
  std::chrono::steady_clock::time_point last_commit_{};
  bool closed_ = false;
  // Every record is read into this one (Handle), so its buffers are reused.
  ConsumedRecord record_;
  std::unique_ptr<ConsumerLag> lag_;  // null without options_.metrics
  std::unique_ptr<FirstStart> first_start_;  // null without first_start_lookback
  prometheus::Family<prometheus::Counter>* dead_lettered_ = nullptr;  // likewise
  std::chrono::steady_clock::time_point last_lag_{};
};

absl::Status KafkaConsumerLoop::Impl::Init() {
  if (options_.brokers.empty()) {
    return absl::InvalidArgumentError("kafka property 'bootstrap.servers': must not be empty");
  }
  if (options_.group_id.empty()) {
    return absl::InvalidArgumentError("kafka property 'group.id': must not be empty");
  }
  if (options_.topics.empty()) return absl::InvalidArgumentError("kafka topics: none given");
  rdkafka::ConfHandle conf(rd_kafka_conf_new());
  std::map<std::string, std::string> fixed = {
      {"bootstrap.servers", options_.brokers},   {"group.id", options_.group_id},
      {"client.id", options_.client_id},         {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},     {"auto.offset.reset", options_.auto_offset_reset},
      {"enable.partition.eof", "false"},
  };
  // A broker answers a fetch as soon as a record is there; this bounds the
  // wait of one that does not long-poll (devkafka's mock brokers wait the
  // whole time), at the cost of an idle fetch every 100 ms (librdkafka's
  // default: 500 ms). Overridable through `properties`.
  fixed.emplace("fetch.wait.max.ms", "100");
  // Prefetch is bounded by bytes (queued.max.messages.kbytes, 64 MiB), not
  // by librdkafka's default of 100,000 records: once that many wait in the
  // consumer queue, librdkafka 2.0 stops fetching and looks again only a
  // second later (no fetch.queue.backoff.ms before 2.1), so a consumer that
  // works through a backlog faster than 100,000 records a second sat idle
  // for the rest of each second (docs/benchmarks.md, fifteenth session).
  fixed.emplace("queued.min.messages", "1000000");
  if (auto s = rdkafka::SetProperties(conf.get(), fixed); !s.ok()) return s;
  if (auto s = rdkafka::SetProperties(conf.get(), options_.properties); !s.ok()) return s;
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_rebalance_cb(conf.get(), &Impl::OnRebalance);
  auto rk = rdkafka::NewClient(RD_KAFKA_CONSUMER, std::move(conf));
  if (!rk.ok()) return rk.status();
  rk_ = std::move(*rk);
  rd_kafka_poll_set_consumer(rk_.get());
  if (options_.max_attempts > 0) {
    auto writer = DeadLetterWriter::Create(options_);
    if (!writer.ok()) return writer.status();
    dead_letters_ = std::move(*writer);
  }
  return absl::OkStatus();
}

void KafkaConsumerLoop::Impl::OnRebalance(rd_kafka_t* /*rk*/, rd_kafka_resp_err_t err,
                                          rd_kafka_topic_partition_list_t* partitions,
                                          void* opaque) {
  auto* self = static_cast<Impl*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    self->Assign(partitions);
  } else {
    self->Revoke(partitions);
  }
}

void KafkaConsumerLoop::Impl::Assign(rd_kafka_topic_partition_list_t* partitions) {
  std::map<TopicPartition, int64_t> start;
  while (hooks_.on_assign) {
    auto offsets = hooks_.on_assign(ToVector(partitions));
    if (offsets.ok()) {
      start = std::move(*offsets);
      break;
    }
    ReportError(absl::Status(offsets.status().code(),
                             absl::StrCat("on_assign hook: ", offsets.status().message())));
    if (!SleepUnlessStopping(options_.retry_backoff)) return;  // closing: assign nothing
  }
  for (int i = 0; i < partitions->cnt; ++i) {
    auto& tp = partitions->elems[i];
    auto it = start.find({tp.topic, tp.partition});
    tp.offset = it == start.end() ? RD_KAFKA_OFFSET_INVALID : it->second;
  }
  const std::map<TopicPartition, int64_t> committed = ReadCommitted(partitions);
  TrackAssigned(partitions, committed);
  if (Cooperative()) {
    rdkafka::ErrorHandle error(rd_kafka_incremental_assign(rk_.get(), partitions));
    if (error) ReportError(absl::UnavailableError(rd_kafka_error_string(error.get())));
  } else {
    ReportError(rdkafka::ToStatus(rd_kafka_assign(rk_.get(), partitions), "kafka assign"));
  }
  BeginFirstStarts(committed);
}

void KafkaConsumerLoop::Impl::BeginFirstStarts(const std::map<TopicPartition, int64_t>& committed) {
  if (first_start_ == nullptr) return;
  const auto now = std::chrono::system_clock::now();
  rdkafka::PartitionList empty(rd_kafka_topic_partition_list_new(0));
  for (const auto& [partition, offset] : committed) {
    if (offset >= 0) continue;  // committed: read on from there, whatever the age
    int64_t low = -1;
    int64_t high = -1;
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
        rk_.get(), partition.topic.c_str(), partition.partition, &low, &high, kCommittedTimeoutMs);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      // Unknown whether it holds old records: handle them all rather than
      // risk passing over one that is not.
      ReportError(rdkafka::ToStatus(err, "kafka watermarks (first start)"));
      continue;
    }
    if (low == high) {
      // Nothing to pass over. Commit the start, so that records produced
      // from now on count as read from a committed partition — also after
      // a restart long after they were produced.
      rd_kafka_topic_partition_list_add(empty.get(), partition.topic.c_str(), partition.partition)
          ->offset = high;
      continue;
    }
    first_start_->Begin(partition, now);
  }
  if (empty->cnt == 0) return;
  rd_kafka_resp_err_t err = rd_kafka_commit(rk_.get(), empty.get(), /*async=*/0);
  ReportError(rdkafka::ToStatus(err, "kafka commit (first start of empty partitions)"));
}

void KafkaConsumerLoop::Impl::Revoke(rd_kafka_topic_partition_list_t* partitions) {
  if (hooks_.on_revoke) hooks_.on_revoke(ToVector(partitions));
  CommitSync();
  for (int i = 0; i < partitions->cnt; ++i) {
    const TopicPartition tp{partitions->elems[i].topic, partitions->elems[i].partition};
    failures_.erase(tp);
    if (lag_ != nullptr) lag_->Remove(tp);
    if (first_start_ != nullptr) first_start_->End(tp);
  }
  if (Cooperative()) {
    rdkafka::ErrorHandle error(rd_kafka_incremental_unassign(rk_.get(), partitions));
    if (error) ReportError(absl::UnavailableError(rd_kafka_error_string(error.get())));
  } else {
    rd_kafka_assign(rk_.get(), nullptr);
  }
}

void KafkaConsumerLoop::Impl::Run() {
  rdkafka::PartitionList topics(rd_kafka_topic_partition_list_new(options_.topics.size()));
  for (const auto& topic : options_.topics) {
    rd_kafka_topic_partition_list_add(topics.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  ReportError(rdkafka::ToStatus(rd_kafka_subscribe(rk_.get(), topics.get()), "kafka subscribe"));
  int timeout_ms = kPollTimeoutMs;
  while (!stopping_.load()) {
    rdkafka::MessageHandle msg(rd_kafka_consumer_poll(rk_.get(), timeout_ms));
    if (msg != nullptr && msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      ReportError(rdkafka::ToStatus(msg->err, rd_kafka_message_errstr(msg.get())));
    } else if (msg != nullptr) {
      Handle(*msg);
    }
    timeout_ms = msg == nullptr ? kPollTimeoutMs : kCaughtUpPollMs;
    MaybeCommit();
    UpdateLag();
    if (msg == nullptr && hooks_.on_idle) hooks_.on_idle();
    if (hooks_.on_tick) hooks_.on_tick();
  }
  CommitSync();
  rd_kafka_consumer_close(rk_.get());  // runs the revoke callback
  closed_ = true;
}

void KafkaConsumerLoop::Impl::Handle(const rd_kafka_message_t& msg) {
  ConsumedRecord& rec = record_;
  ReadRecord(msg, &rec);
  if (first_start_ != nullptr && first_start_->PassOver(rec)) {
    MarkDone(rec);
    return;
  }
  absl::Status status = handler_(rec);
  if (status.ok()) {
    MarkDone(rec);
    return;
  }
  if (options_.is_transient && options_.is_transient(status)) {
    ReportError(status);
    // Back off while the outage lasts: retry_backoff doubling to 5 s.
    const std::chrono::milliseconds wait = transient_backoff_;
    transient_backoff_ = std::min(transient_backoff_ * 2, kLongestTransientBackoff);
    Retry(rec, wait);
    return;
  }
  auto& [offset, attempts] = failures_[{rec.topic, rec.partition}];
  if (offset != rec.offset) attempts = 0;
  offset = rec.offset;
  ++attempts;
  if (dead_letters_ != nullptr && attempts >= options_.max_attempts) {
    absl::Status written = dead_letters_->Write(rec, status, stopping_);
    if (written.ok()) {
      if (prometheus::Counter* counter = DeadLettered(rec.topic)) counter->Increment();
      if (hooks_.on_dead_lettered) hooks_.on_dead_lettered(rec);
      MarkDone(rec);
      return;
    }
    ReportError(written);
  }
  Retry(rec, options_.retry_backoff);
}

void KafkaConsumerLoop::Impl::Retry(const ConsumedRecord& rec, std::chrono::milliseconds wait) {
  if (!SleepUnlessStopping(wait)) return;  // not committed: redelivered later
  // Seeking back discards what was prefetched after the record, so the
  // partition's order holds and the record comes back on the next poll.
  auto list = OnePartition(rec.topic, rec.partition, rec.offset);
  rdkafka::ErrorHandle error(rd_kafka_seek_partitions(rk_.get(), list.get(), kSeekTimeoutMs));
  if (error) ReportError(absl::UnavailableError(rd_kafka_error_string(error.get())));
}

void KafkaConsumerLoop::Impl::MarkDone(const ConsumedRecord& rec) {
  failures_.erase({rec.topic, rec.partition});
  if (lag_ != nullptr) lag_->Done(rec.topic, rec.partition, rec.offset + 1);
  transient_backoff_ = options_.retry_backoff;
  if (!options_.commit_offsets) return;
  auto list = OnePartition(rec.topic, rec.partition, rec.offset + 1);
  rd_kafka_resp_err_t err = rd_kafka_offsets_store(rk_.get(), list.get());
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) err = list->elems[0].err;
  // A partition revoked meanwhile refuses the store; its new owner redelivers.
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) commit_pending_ = true;
}

std::map<TopicPartition, int64_t> KafkaConsumerLoop::Impl::ReadCommitted(
    const rd_kafka_topic_partition_list_t* partitions) {
  std::map<TopicPartition, int64_t> out;
  if (lag_ == nullptr && first_start_ == nullptr) return out;
  rdkafka::PartitionList committed(rd_kafka_topic_partition_list_new(partitions->cnt));
  for (int i = 0; i < partitions->cnt; ++i) {
    const auto& tp = partitions->elems[i];
    if (tp.offset == RD_KAFKA_OFFSET_INVALID) {
      rd_kafka_topic_partition_list_add(committed.get(), tp.topic, tp.partition);
    }
  }
  if (committed->cnt == 0) return out;
  rd_kafka_resp_err_t err = rd_kafka_committed(rk_.get(), committed.get(), kCommittedTimeoutMs);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    ReportError(rdkafka::ToStatus(err, "kafka committed offsets (consumer lag, first start)"));
    return out;
  }
  for (int i = 0; i < committed->cnt; ++i) {
    const auto& tp = committed->elems[i];
    if (tp.err == RD_KAFKA_RESP_ERR_NO_ERROR) out[{tp.topic, tp.partition}] = tp.offset;
  }
  return out;
}

void KafkaConsumerLoop::Impl::TrackAssigned(const rd_kafka_topic_partition_list_t* partitions,
                                            const std::map<TopicPartition, int64_t>& committed) {
  if (lag_ == nullptr) return;
  // Partitions starting at the group's committed offset know it now, so an
  // idle partition's lag is right before any record arrives. Failing that,
  // the lag is known from the first record on.
  for (int i = 0; i < partitions->cnt; ++i) {
    lag_->Add({partitions->elems[i].topic, partitions->elems[i].partition},
              partitions->elems[i].offset);
  }
  for (const auto& [partition, offset] : committed) lag_->Committed(partition, offset);
}

void KafkaConsumerLoop::Impl::UpdateLag() {
  if (lag_ == nullptr) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_lag_ < kLagInterval) return;
  last_lag_ = now;
  lag_->Update([this](const TopicPartition& tp) { return Watermarks(tp); });
}

void KafkaConsumerLoop::Impl::MaybeCommit() {
  auto now = std::chrono::steady_clock::now();
  if (!options_.commit_offsets) return;
  if (!commit_pending_ || now - last_commit_ < options_.commit_interval) return;
  commit_pending_ = false;
  last_commit_ = now;
  rd_kafka_resp_err_t err = rd_kafka_commit(rk_.get(), nullptr, /*async=*/1);
  if (err != RD_KAFKA_RESP_ERR__NO_OFFSET) ReportError(rdkafka::ToStatus(err, "kafka commit"));
}

void KafkaConsumerLoop::Impl::CommitSync() {
  if (!options_.commit_offsets) return;
  commit_pending_ = false;
  last_commit_ = std::chrono::steady_clock::now();
  rd_kafka_resp_err_t err = rd_kafka_commit(rk_.get(), nullptr, /*async=*/0);
  if (err != RD_KAFKA_RESP_ERR__NO_OFFSET) ReportError(rdkafka::ToStatus(err, "kafka commit"));
}

bool KafkaConsumerLoop::Impl::SleepUnlessStopping(std::chrono::milliseconds duration) {
  auto deadline = std::chrono::steady_clock::now() + duration;
  while (!stopping_.load()) {
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::milliseconds::zero()) return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        left, std::chrono::milliseconds(20)));
  }
  return false;
}

absl::StatusOr<std::unique_ptr<KafkaConsumerLoop>> KafkaConsumerLoop::Create(
    KafkaConsumerOptions options, KafkaConsumerHooks hooks, Handler handler) {
  auto impl = std::make_unique<Impl>(std::move(options), std::move(hooks), std::move(handler));
  if (auto s = impl->Init(); !s.ok()) return s;
  return std::unique_ptr<KafkaConsumerLoop>(new KafkaConsumerLoop(std::move(impl)));
}

KafkaConsumerLoop::KafkaConsumerLoop(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KafkaConsumerLoop::~KafkaConsumerLoop() = default;
void KafkaConsumerLoop::Start() { impl_->Start(); }
void KafkaConsumerLoop::Stop() { impl_->Stop(); }
void KafkaConsumerLoop::RequestStop() { impl_->RequestStop(); }
void KafkaConsumerLoop::UpdateLag() { impl_->UpdateLag(); }
absl::StatusOr<std::pair<int64_t, int64_t>> KafkaConsumerLoop::Watermarks(
    const TopicPartition& partition) const {
  return impl_->Watermarks(partition);
}

}  // namespace sqms::runtime
