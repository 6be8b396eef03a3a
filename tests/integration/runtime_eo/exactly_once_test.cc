// The exactly-once consumer end to end: real redis-server and devkafka, two
// consumers in one group — one a separate process that is SIGKILLed
// mid-stream and restarted, one stopped during a rebalance — and the counts
// in Redis equal what was produced, exactly. Also: a fenced consumer stops
// without writing, and a Redis outage delays but loses nothing.

#include <algorithm>
#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "sqms/runtime/checkpointing_consumer.h"
#include "sqms/runtime/kafka_producer.h"
#include "tests/integration/runtime_eo/eo_fixture.h"
#include "tests/integration/runtime_eo/helper/counting_processor.h"
#include "tests/support/metric_value.h"

namespace sqms::runtime {
namespace {

using ::sqms::testing::Await;
using ::sqms::testing::BuildPath;
using ::sqms::testing::CountingProcessor;
using ::sqms::testing::MakeTestDir;
using ::sqms::testing::Process;

constexpr int kKeys = 50;

// Value of the series `name` whose labels include `labels`; -1 when absent.
using sqms::testing::MetricValue;

class ExactlyOnceTest : public EoTest {
 protected:
  void SetUp() override {
    EoTest::SetUp();
    if (HasFatalFailure()) return;
    auto kafka = testing::DevKafka::Start(MakeTestDir("eo-kafka"));
    ASSERT_TRUE(kafka.ok()) << kafka.status();
    kafka_ = std::move(*kafka);
    KafkaProducerOptions options;
    options.brokers = kafka_->bootstrap();
    auto producer = KafkaProducer::Create(options);
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = std::move(*producer);
  }

  // Produces events [first, first + count) keyed k<i % kKeys> with ce_id
  // evt-<i>; every `duplicate_every`-th is sent twice in a row (same id,
  // key and so partition). Does not wait for acks.
  void Produce(const std::string& topic, int first, int count, int duplicate_every = 0) {
    for (int i = first; i < first + count; ++i) {
      CloudEvent event;
      event.id = absl::StrCat("evt-", i);
      event.source = "//sqms/test";
      event.type = "sqms.test.counted";
      event.time = std::chrono::system_clock::now();
      int copies = duplicate_every > 0 && i % duplicate_every == 0 ? 2 : 1;
      for (int c = 0; c < copies; ++c) {
        KafkaRecord record{topic, absl::StrCat("k", i % kKeys), "v", CloudEventHeaders(event)};
        absl::Status queued;
        while ((queued = producer_->Produce(record, [this](absl::Status s) {
                  if (!s.ok()) ++failed_deliveries_;
                })).code() == absl::StatusCode::kResourceExhausted) {
          ASSERT_TRUE(producer_->Flush(std::chrono::seconds(10)).ok());
        }
        ASSERT_TRUE(queued.ok()) << queued;
      }
    }
  }

  CheckpointingConsumerOptions Options(const std::string& group, const std::string& topic,
                                       const std::string& instance) {
    CheckpointingConsumerOptions options;
    options.kafka.brokers = kafka_->bootstrap();
    options.kafka.group_id = group;
    options.kafka.topics = {topic};
    options.kafka.client_id = instance;
    options.kafka.retry_backoff = std::chrono::milliseconds(50);
    // The mock coordinator waits session.timeout.ms - 1 s to rebalance after
    // a member left; keep that short.
    options.kafka.properties["session.timeout.ms"] = "6000";
    options.key_prefix = kPrefix;
    options.instance_id = instance;
    options.checkpoint_every = 100;
    options.checkpoint_interval = std::chrono::milliseconds(50);
    return options;
  }

  std::unique_ptr<Process> StartCounterProcess(const std::string& group, const std::string& topic,
                                               const std::string& instance) {
    auto process = Process::Start(
        {BuildPath("tests/eo_counter"), "--brokers", kafka_->bootstrap(), "--redis-port",
         std::to_string(redis_server_->port()), "--group", group, "--topic", topic, "--prefix",
         kPrefix, "--instance", instance},
        MakeTestDir("eo-counter-" + instance) + "/log");
    EXPECT_TRUE(process.ok()) << process.status();
    return process.ok() ? std::move(*process) : nullptr;
  }

  // Runs one consumer with `options` until it has checkpointed events
  // [0, count) of `topic`, then stops it.
  void ConsumeAll(CheckpointingConsumerOptions options, const std::string& topic, int count,
                  CountingProcessor& counter) {
    auto consumer = CheckpointingConsumer::Create(std::move(options), *redis_, counter);
    ASSERT_TRUE(consumer.ok()) << consumer.status();
    (*consumer)->Start();
    Produce(topic, 0, count);
    ASSERT_TRUE(Await([&] { return StoredOffsetsTotal() == count; }, absl::Seconds(60)));
    (*consumer)->Stop();
    ASSERT_TRUE((*consumer)->status().ok()) << (*consumer)->status();
  }

  // A consumer of `topic` in `group`, exporting to `registry`, started and
  // caught up with 200 events produced to it, all checkpointed; null (and
  // the test failed) if not.
  std::unique_ptr<CheckpointingConsumer> StartCaughtUp(const std::string& group,
                                                       const std::string& topic,
                                                       prometheus::Registry& registry,
                                                       CountingProcessor& counter) {
    CheckpointingConsumerOptions options = Options(group, topic, "one");
    options.metrics = &registry;
    auto consumer = CheckpointingConsumer::Create(options, *redis_, counter);
    EXPECT_TRUE(consumer.ok()) << consumer.status();
    if (!consumer.ok()) return nullptr;
    (*consumer)->Start();
    Produce(topic, 0, 200);
    if (!Await([&] { return StoredOffsetsTotal() == 200; }, absl::Seconds(60))) {
      ADD_FAILURE() << "the first 200 events were not checkpointed";
      return nullptr;
    }
    return *std::move(consumer);
  }

  // The dedup window stored for `partition` of `topic`, oldest first.
  std::vector<std::string> StoredIds(const std::string& topic, int32_t partition) {
    RedisCheckpointStore store(*redis_, kPrefix, 0);
    auto ids = redis_->Command({"LRANGE", store.EventIdsKey({topic, partition}), "0", "-1"});
    EXPECT_TRUE(ids.ok()) << ids.status();
    std::vector<std::string> out;
    if (ids.ok()) {
      for (const auto& id : ids->elements) out.push_back(id.str);
    }
    return out;
  }

  std::atomic<int> failed_deliveries_{0};  // outlives the producer's callbacks
  std::unique_ptr<testing::DevKafka> kafka_;
  std::unique_ptr<KafkaProducer> producer_;
};

TEST_F(ExactlyOnceTest, KilledAndStoppedConsumersCountEveryEventExactlyOnce) {
  const std::string topic = "sqms.contact.v1";  // 12 partitions
  const std::string group = "eo-count";
  constexpr int kEvents = 20000;
  constexpr int kDuplicateEvery = 100;  // 200 duplicates the window must drop
  constexpr int kRecords = kEvents + kEvents / kDuplicateEvery;

  auto process = StartCounterProcess(group, topic, "proc");
  ASSERT_NE(process, nullptr);
  CountingProcessor counter(std::string(kPrefix) + ":counts");
  auto in_process = CheckpointingConsumer::Create(Options(group, topic, "local"), *redis_, counter);
  ASSERT_TRUE(in_process.ok()) << in_process.status();
  (*in_process)->Start();
  ASSERT_TRUE(Await([&] { return Owners() == std::set<std::string>{"proc", "local"}; },
                    absl::Seconds(60)))
      << "both consumers never owned partitions";

  // The stream: events keep coming while consumers die, restart and stop.
  std::thread producer([&] {
    for (int first = 0; first < kEvents; first += 100) {
      Produce(topic, first, 100, kDuplicateEvery);
      absl::SleepFor(absl::Milliseconds(25));  // a steady rate, not a wait
    }
  });

  ASSERT_TRUE(Await([&] { return CountsTotal() >= 3000; }, absl::Seconds(60)));
  process->Kill();  // SIGKILL: whatever it processed but had not checkpointed is gone
  int revokes_before = counter.revokes();
  process = StartCounterProcess(group, topic, "proc-restarted");
  ASSERT_NE(process, nullptr);
  // The restarted member's join starts a rebalance: "local" gives its
  // partitions back (revoke) and waits for the group; stop it right there.
  ASSERT_TRUE(Await([&] { return counter.revokes() > revokes_before; }, absl::Seconds(60)));
  (*in_process)->Stop();
  EXPECT_TRUE((*in_process)->status().ok()) << (*in_process)->status();

  producer.join();
  ASSERT_TRUE(producer_->Flush(std::chrono::seconds(30)).ok());
  ASSERT_EQ(failed_deliveries_.load(), 0);
  ASSERT_TRUE(Await([&] { return StoredOffsetsTotal() == kRecords; }, absl::Seconds(120)))
      << "checkpoints cover " << StoredOffsetsTotal() << " of " << kRecords << " records";
  EXPECT_EQ(process->Terminate(), 0) << testing::ReadFile(process->log_path());

  // Every event counted once: per key exactly what was produced, and the
  // duplicates (same ce_id) not at all.
  std::map<std::string, int64_t> expected;
  for (int i = 0; i < kEvents; ++i) ++expected[absl::StrCat("k", i % kKeys)];
  EXPECT_EQ(Counts(), expected);
  EXPECT_EQ(CountsTotal(), kEvents);
  EXPECT_EQ(StoredOffsetsTotal(), kRecords);
}

TEST_F(ExactlyOnceTest, FencedConsumerStopsAndWritesNothing) {
  const std::string topic = "sqms.kpi.v1";  // 4 partitions
  prometheus::Registry registry;
  CountingProcessor counter(std::string(kPrefix) + ":counts");
  CheckpointingConsumerOptions options = Options("eo-fence", topic, "stale");
  options.metrics = &registry;
  auto consumer = CheckpointingConsumer::Create(options, *redis_, counter);
  ASSERT_TRUE(consumer.ok()) << consumer.status();
  const std::map<std::string, std::string> fenced = {{"group", "eo-fence"}, {"outcome", "fenced"}};
  EXPECT_EQ(MetricValue(registry, "sqms_consumer_checkpoints_total", fenced), 0);
  EXPECT_EQ(MetricValue(registry, "sqms_consumer_records_total",
                        {{"topic", topic}, {"outcome", "duplicate"}}),
            0);
  (*consumer)->Start();
  Produce(topic, 0, 100);
  ASSERT_TRUE(Await([&] { return StoredOffsetsTotal() == 100 && CountsTotal() == 100; },
                    absl::Seconds(60)));

  // Another owner takes every partition over (as after a rebalance this
  // consumer missed, e.g. a long pause).
  RedisCheckpointStore intruder(*redis_, kPrefix, 0);
  std::vector<TopicPartition> all;
  for (int p = 0; p < 4; ++p) all.push_back({topic, p});
  ASSERT_TRUE(intruder.Claim(all, "new-owner").ok());
  Produce(topic, 100, 50);
  ASSERT_TRUE(Await([&] { return !(*consumer)->status().ok(); }, absl::Seconds(60)));
  EXPECT_EQ((*consumer)->status().code(), absl::StatusCode::kAborted) << (*consumer)->status();
  EXPECT_TRUE(counter.fenced());
  EXPECT_EQ(MetricValue(registry, "sqms_consumer_checkpoints_total", fenced), 1);
  (*consumer)->Stop();
  // The refused checkpoint left no trace: state and offsets as before.
  EXPECT_EQ(CountsTotal(), 100);
  EXPECT_EQ(StoredOffsetsTotal(), 100);
}

TEST_F(ExactlyOnceTest, CaughtUpConsumerCheckpointsWithoutWaitingForCountOrInterval) {
  const std::string topic = "sqms.incidents.v1";  // 4 partitions
  CountingProcessor counter(std::string(kPrefix) + ":counts");
  CheckpointingConsumerOptions options = Options("eo-idle", topic, "one");
  options.checkpoint_every = 1000000;                          // never reached
  options.checkpoint_interval = std::chrono::milliseconds(0);  // off
  options.checkpoint_idle_interval = std::chrono::milliseconds(50);
  auto consumer = CheckpointingConsumer::Create(std::move(options), *redis_, counter);
  ASSERT_TRUE(consumer.ok()) << consumer.status();
  (*consumer)->Start();
  // Only the idle trigger can write these before Stop().
  Produce(topic, 0, 1);
  ASSERT_TRUE(Await([&] { return StoredOffsetsTotal() == 1; }, absl::Seconds(60)));
  EXPECT_EQ(CountsTotal(), 1);
  Produce(topic, 1, 30);
  ASSERT_TRUE(Await([&] { return StoredOffsetsTotal() == 31; }, absl::Seconds(60)));
  EXPECT_EQ(CountsTotal(), 31);
  (*consumer)->Stop();
  EXPECT_TRUE((*consumer)->status().ok()) << (*consumer)->status();
}

TEST_F(ExactlyOnceTest, EveryAcceptedIdReachesTheStoredWindowOnceThoughCheckpointsOverlapRecords) {
  // A checkpoint is written while the next records are processed: the ids
  // those records bring must go with the next checkpoint, and the ones it
  // carried must not be sent again.
  const std::string topic = "sqms.kpi.v1";  // 4 partitions
  constexpr int kEvents = 2000;            // ~500 a partition, under the window of 1024
  CountingProcessor counter(std::string(kPrefix) + ":counts");
  CheckpointingConsumerOptions options = Options("eo-ids", topic, "one");
  options.checkpoint_every = 20;  // many checkpoints, each overlapping the next records
  ConsumeAll(std::move(options), topic, kEvents, counter);
  ASSERT_FALSE(HasFatalFailure());

  std::map<std::string, int> stored;  // id → times in the partitions' lists
  for (int p = 0; p < 4; ++p) {
    for (const std::string& id : StoredIds(topic, p)) ++stored[id];
  }
  EXPECT_EQ(stored.size(), static_cast<size_t>(kEvents));
  for (int i = 0; i < kEvents; ++i) {
    EXPECT_EQ(stored[absl::StrCat("evt-", i)], 1) << "evt-" << i;
  }
  EXPECT_EQ(CountsTotal(), kEvents);
}

TEST_F(ExactlyOnceTest, ASmallWindowKeepsEachPartitionsNewestIdsThoughTrimmedMidFlight) {
  // With a window of 8 the consumer trims a partition's unsent ids while
  // checkpoints of 50 records are in flight: what is stored must still be
  // exactly the partition's newest 8 ids, in order.
  const std::string topic = "sqms.kpi.v1";  // 4 partitions
  constexpr int kEvents = 1000;
  CountingProcessor counter(std::string(kPrefix) + ":counts");
  CheckpointingConsumerOptions options = Options("eo-trim", topic, "one");
  options.dedup_window = 8;
  options.checkpoint_every = 50;
  ConsumeAll(std::move(options), topic, kEvents, counter);
  ASSERT_FALSE(HasFatalFailure());

  testing::TopicReader reader(kafka_->bootstrap(), topic);
  std::map<int32_t, std::vector<std::pair<int64_t, std::string>>> by_partition;
  for (const ConsumedRecord& record : reader.ReadAtLeast(kEvents, absl::Seconds(30))) {
    by_partition[record.partition].emplace_back(record.offset, *record.Header("ce_id"));
  }
  for (auto& [partition, records] : by_partition) {
    std::sort(records.begin(), records.end());
    std::vector<std::string> newest;
    for (size_t i = records.size() > 8 ? records.size() - 8 : 0; i < records.size(); ++i) {
      newest.push_back(records[i].second);
    }
    EXPECT_EQ(StoredIds(topic, partition), newest) << "partition " << partition;
  }
  EXPECT_EQ(CountsTotal(), kEvents);
}

TEST_F(ExactlyOnceTest, RedisOutageDelaysCheckpointsButLosesNothing) {
  const std::string topic = "sqms.incidents.v1";  // 4 partitions
  prometheus::Registry registry;
  CountingProcessor counter(std::string(kPrefix) + ":counts");
  auto consumer = StartCaughtUp("eo-outage", topic, registry, counter);
  ASSERT_NE(consumer, nullptr);
  redis_server_->Stop();
  Produce(topic, 200, 1000);
  ASSERT_TRUE(Await([&] { return counter.processed() >= 201; }, absl::Seconds(60)));

  // The loop thread waits in the checkpoint's retries: the gauges an
  // operator's alerts read still move (the age grows, the records the
  // brokers hold show as lag), they do not keep their values from before.
  const std::map<std::string, std::string> group = {{"group", "eo-outage"}};
  EXPECT_TRUE(Await(
      [&] { return MetricValue(registry, "sqms_consumer_checkpoint_age_seconds", group) >= 3; },
      absl::Seconds(20)))
      << "checkpoint age "
      << MetricValue(registry, "sqms_consumer_checkpoint_age_seconds", group);
  EXPECT_GT(MetricValue(registry, "sqms_consumer_checkpoints_total",
                        {{"group", "eo-outage"}, {"outcome", "failed"}}),
            0);
  // Every record not processed yet (the one in hand, whose checkpoint
  // waits, counts as not done: lag + processed may be one more).
  EXPECT_TRUE(Await(
      [&] {
        return MetricValue(registry, "sqms_consumer_lag", group) + counter.processed() >= 1200;
      },
      absl::Seconds(20)))
      << "lag " << MetricValue(registry, "sqms_consumer_lag", group) << ", processed "
      << counter.processed();

  ASSERT_TRUE(redis_server_->Restart().ok());
  ASSERT_TRUE(Await([&] { return StoredOffsetsTotal() == 1200; }, absl::Seconds(60)));
  EXPECT_TRUE(Await(
      [&] { return MetricValue(registry, "sqms_consumer_checkpoint_age_seconds", group) < 1; },
      absl::Seconds(10)));
  consumer->Stop();
  EXPECT_TRUE(consumer->status().ok()) << consumer->status();
  EXPECT_EQ(CountsTotal(), 1200);
}

// Redis refuses a script at its first write, having written nothing, while
// it loads its AOF after a restart (LOADING), lacks the replicas
// min-replicas-to-write asks for (NOREPLICAS), is a replica mid-failover
// (READONLY) or is out of memory (OOM): the consumer retries, it does not
// take the refusal for a half-applied write and stop for good.
TEST_F(ExactlyOnceTest, ARedisThatRefusesWritesDelaysCheckpointsButLosesNothing) {
  const std::string topic = "sqms.incidents.v1";
  prometheus::Registry registry;
  CountingProcessor counter(std::string(kPrefix) + ":counts");
  auto consumer = StartCaughtUp("eo-refused", topic, registry, counter);
  ASSERT_NE(consumer, nullptr);
  ASSERT_TRUE(redis_->Command({"CONFIG", "SET", "min-replicas-to-write", "1"}).ok());
  Produce(topic, 200, 200);
  EXPECT_TRUE(Await(
      [&] {
        return MetricValue(registry, "sqms_consumer_checkpoints_total",
                           {{"group", "eo-refused"}, {"outcome", "failed"}}) > 0;
      },
      absl::Seconds(30)));
  EXPECT_EQ(StoredOffsetsTotal(), 200) << "no write got through";
  ASSERT_TRUE(redis_->Command({"CONFIG", "SET", "min-replicas-to-write", "0"}).ok());
  ASSERT_TRUE(Await([&] { return StoredOffsetsTotal() == 400; }, absl::Seconds(60)))
      << "the consumer stopped: " << consumer->status();
  consumer->Stop();
  EXPECT_TRUE(consumer->status().ok()) << consumer->status();
  EXPECT_EQ(CountsTotal(), 400);
}

// "latest" is refused: the end of a partition at its assignment is not
// stored before the first checkpoint, so an owner dying first would leave
// its successor a later end, and the records in between unread.
TEST_F(ExactlyOnceTest, AResetToTheLatestOffsetIsRefused) {
  CountingProcessor counter(std::string(kPrefix) + ":counts");
  CheckpointingConsumerOptions options = Options("eo-latest", "sqms.incidents.v1", "one");
  options.kafka.auto_offset_reset = "latest";
  auto consumer = CheckpointingConsumer::Create(options, *redis_, counter);
  ASSERT_FALSE(consumer.ok());
  EXPECT_EQ(consumer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(consumer.status().message()), ::testing::HasSubstr("auto.offset.reset"));
}

}  // namespace
}  // namespace sqms::runtime
