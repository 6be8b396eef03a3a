// The runtime's Kafka producer and consumer loop against devkafka, including
// broker outages, redelivery after handler failures, on_assign seeks and the
// dead-letter topic.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "sqms/runtime/kafka_consumer.h"
#include "sqms/runtime/kafka_producer.h"
#include "sqms/runtime/kafka_watch_feed.h"
#include "tests/support/metric_value.h"
#include "tests/support/support.h"

namespace sqms::runtime {
namespace {

using ::sqms::testing::Await;
using ::sqms::testing::DevKafka;
using ::sqms::testing::MakeTestDir;
using ::sqms::testing::TopicReader;
using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::Pair;

// Counts delivery outcomes of many Produce calls.
class Deliveries {
 public:
  KafkaProducer::DeliveryCallback Callback() {
    return [this](absl::Status status) {
      absl::MutexLock lock(&mu_);
      (status.ok() ? ok_ : failed_)++;
    };
  }
  bool AllOk(int expected) {
    absl::MutexLock lock(&mu_);
    return ok_ == expected && failed_ == 0;
  }
  int failed() {
    absl::MutexLock lock(&mu_);
    return failed_;
  }

 private:
  absl::Mutex mu_;
  int ok_ ABSL_GUARDED_BY(mu_) = 0;
  int failed_ ABSL_GUARDED_BY(mu_) = 0;
};

// What a consumer loop's handler and hooks saw, safe to read from the test.
class Seen {
 public:
  void Add(const ConsumedRecord& rec) {
    absl::MutexLock lock(&mu_);
    values_.push_back(rec.value);
    offsets_.push_back({rec.partition, rec.offset});
  }
  std::vector<std::string> values() {
    absl::MutexLock lock(&mu_);
    return values_;
  }
  std::vector<std::pair<int32_t, int64_t>> offsets() {
    absl::MutexLock lock(&mu_);
    return offsets_;
  }
  size_t Count(const std::string& value) {
    auto v = values();
    return static_cast<size_t>(std::count(v.begin(), v.end(), value));
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> values_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<int32_t, int64_t>> offsets_ ABSL_GUARDED_BY(mu_);
};

class KafkaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto kafka = DevKafka::Start(MakeTestDir("kafka"));
    ASSERT_TRUE(kafka.ok()) << kafka.status();
    kafka_ = std::move(*kafka);
    KafkaProducerOptions options;
    options.brokers = kafka_->bootstrap();
    auto producer = KafkaProducer::Create(options);
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = std::move(*producer);
  }

  // Produces `values` (key = value's prefix before '#') and awaits every ack;
  // stamped `timestamp` when given, else the time they are produced.
  void ProduceAll(const std::string& topic, const std::vector<std::string>& values,
                  std::optional<std::chrono::system_clock::time_point> timestamp = std::nullopt) {
    Deliveries deliveries;
    for (const auto& value : values) {
      KafkaRecord rec{
          topic, value.substr(0, value.find('#')), value, {{"x-test", value}}, timestamp};
      ASSERT_TRUE(producer_->Produce(std::move(rec), deliveries.Callback()).ok());
    }
    ASSERT_TRUE(Await([&] { return deliveries.AllOk(static_cast<int>(values.size())); },
                      absl::Seconds(30)));
  }

  std::unique_ptr<KafkaConsumerLoop> Loop(
      const std::string& topic, const std::string& group, KafkaConsumerHooks hooks,
      KafkaConsumerLoop::Handler handler, prometheus::Registry* metrics = nullptr,
      std::optional<std::chrono::milliseconds> first_start_lookback = std::nullopt) {
    KafkaConsumerOptions options;
    options.metrics = metrics;
    options.first_start_lookback = first_start_lookback;
    options.brokers = kafka_->bootstrap();
    options.group_id = group;
    options.topics = {topic};
    options.max_attempts = 3;
    // The mock coordinator waits session.timeout.ms - 1 s to rebalance after
    // a member left; keep restarts in a test quick.
    options.properties["session.timeout.ms"] = "6000";
    options.retry_backoff = std::chrono::milliseconds(20);
    hooks.on_error = [](const absl::Status& status) { ADD_FAILURE() << "loop: " << status; };
    auto loop = KafkaConsumerLoop::Create(options, std::move(hooks), std::move(handler));
    EXPECT_TRUE(loop.ok()) << loop.status();
    if (!loop.ok()) return nullptr;
    (*loop)->Start();
    return std::move(*loop);
  }

  static std::vector<std::string> Values(const std::string& prefix, int keys, int per_key) {
    std::vector<std::string> out;
    for (int i = 0; i < per_key; ++i) {
      for (int k = 0; k < keys; ++k) out.push_back(absl::StrCat(prefix, k, "#", i));
    }
    return out;
  }

  std::unique_ptr<DevKafka> kafka_;
  std::unique_ptr<KafkaProducer> producer_;
};

TEST(KafkaConfigTest, RejectedPropertyIsNamed) {
  KafkaProducerOptions producer_options;
  producer_options.brokers = "127.0.0.1:1";
  producer_options.properties = {{"no.such.property", "1"}};
  auto producer = KafkaProducer::Create(producer_options);
  ASSERT_EQ(producer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(producer.status().message()), ::testing::HasSubstr("no.such.property"));
  KafkaConsumerOptions consumer_options;
  consumer_options.brokers = "127.0.0.1:1";
  consumer_options.topics = {"t"};
  auto loop = KafkaConsumerLoop::Create(consumer_options, {},
                                        [](const ConsumedRecord&) { return absl::OkStatus(); });
  ASSERT_EQ(loop.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(loop.status().message()), ::testing::HasSubstr("group.id"));
}

TEST_F(KafkaTest, RecordsComeBackInOrderPerKeyWithHeaders) {
  std::vector<std::string> values = Values("key", 8, 25);
  ProduceAll("sqms.kpi.v1", values);
  TopicReader reader(kafka_->bootstrap(), "sqms.kpi.v1");
  auto records = reader.ReadAtLeast(values.size(), absl::Seconds(30));
  ASSERT_EQ(records.size(), values.size());
  std::map<std::string, std::vector<std::string>> by_key;
  for (const auto& rec : records) {
    EXPECT_EQ(rec.Header("x-test"), rec.value);
    by_key[rec.key].push_back(rec.value);
  }
  for (const auto& [key, got] : by_key) {
    for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], absl::StrCat(key, "#", i));
  }
  EXPECT_EQ(by_key.size(), 8u);
}

TEST_F(KafkaTest, OutageOfAllBrokersLosesAndDuplicatesNothing) {
  ProduceAll("sqms.complaints.v1", {"warmup#0"});
  ASSERT_TRUE(kafka_->AllBrokersDown().ok());
  Deliveries deliveries;
  std::vector<std::string> values = Values("c", 20, 15);
  for (size_t i = 0; i < values.size(); ++i) {
    KafkaRecord rec{"sqms.complaints.v1", values[i].substr(0, values[i].find('#')), values[i],
                    {}};
    ASSERT_TRUE(producer_->Produce(std::move(rec), deliveries.Callback()).ok());
    absl::SleepFor(absl::Milliseconds(10));  // spread the records over the outage
  }
  EXPECT_FALSE(deliveries.AllOk(static_cast<int>(values.size())));
  ASSERT_TRUE(kafka_->AllBrokersUp().ok());
  ASSERT_TRUE(Await([&] { return deliveries.AllOk(static_cast<int>(values.size())); },
                    absl::Seconds(60)))
      << "failed deliveries: " << deliveries.failed();
  TopicReader reader(kafka_->bootstrap(), "sqms.complaints.v1");
  auto records = reader.ReadAtLeast(values.size() + 1, absl::Seconds(30));
  records = reader.ReadAtLeast(values.size() + 2, absl::Seconds(1));  // any duplicate?
  std::set<std::string> unique;
  for (const auto& rec : records) EXPECT_TRUE(unique.insert(rec.value).second) << rec.value;
  EXPECT_EQ(unique.size(), values.size() + 1);
}

TEST_F(KafkaTest, CommitsOnlyAfterHandlerSucceededAndResumesThere) {
  ProduceAll("sqms.incidents.v1", Values("first", 10, 1));
  // Everything the loops' handlers touch outlives them, also when an
  // assertion ends the test early.
  Seen seen;
  Seen again;
  std::atomic<bool> failed_once{false};
  auto loop = Loop("sqms.incidents.v1", "g-commit", {}, [&](const ConsumedRecord& rec) {
    seen.Add(rec);
    if (rec.value == "first3#0" && !failed_once.exchange(true)) {
      return absl::UnavailableError("transient");
    }
    return absl::OkStatus();
  });
  ASSERT_TRUE(Await([&] { return seen.values().size() == 11; }, absl::Seconds(30)));
  EXPECT_EQ(seen.Count("first3#0"), 2u);
  loop->Stop();

  // 40 keys reach every partition, so an uncommitted old record would be
  // redelivered ahead of the new ones.
  ProduceAll("sqms.incidents.v1", Values("second", 40, 1));
  loop = Loop("sqms.incidents.v1", "g-commit", {}, [&](const ConsumedRecord& rec) {
    again.Add(rec);
    return absl::OkStatus();
  });
  ASSERT_TRUE(Await([&] { return again.values().size() >= 40; }, absl::Seconds(30)))
      << ::testing::PrintToString(again.values());
  loop->Stop();
  for (const auto& value : again.values()) EXPECT_TRUE(value.starts_with("second")) << value;
  EXPECT_EQ(again.values().size(), 40u);
}

// A new group with a first-start lookback does not handle what was produced
// long before it started (the alerts service would page on last week's
// complaints), yet once it has started, nothing it missed while down is
// passed over, however old — also on a partition that was empty when the
// group first started.
TEST_F(KafkaTest, FirstStartPassesOverOnlyRecordsOlderThanTheLookback) {
  const std::string topic = "sqms.complaints.v1";
  const auto long_ago = std::chrono::system_clock::now() - std::chrono::hours(3);
  const auto lookback = std::chrono::milliseconds(std::chrono::hours(1));
  // 4 keys leave some of the topic's partitions empty.
  ProduceAll(topic, Values("old", 4, 3), long_ago);
  ProduceAll(topic, Values("new", 4, 1));
  // Everything the loops touch outlives them, also when an assertion ends
  // the test early.
  prometheus::Registry registry;
  prometheus::Registry registry_again;
  Seen seen;
  Seen again;
  auto handler = [&](const ConsumedRecord& rec) {
    seen.Add(rec);
    return absl::OkStatus();
  };
  auto passed_over = [&] {
    return sqms::testing::MetricValue(registry, "sqms_consumer_passed_over_total",
                                      {{"group", "g-first"}, {"topic", topic}});
  };
  auto loop = Loop(topic, "g-first", {}, handler, &registry, lookback);
  // The old records sit on other partitions than the new ones (other
  // keys), so the new ones may all be handled before the last old one is
  // passed over: wait for both. Stopping earlier would leave a partition
  // uncommitted, and its next start would be a first start again.
  ASSERT_TRUE(
      Await([&] { return seen.values().size() >= 4 && passed_over() >= 12; }, absl::Seconds(30)))
      << seen.values().size() << " handled, " << passed_over() << " passed over";
  loop->Stop();
  EXPECT_THAT(seen.values(),
              ::testing::UnorderedElementsAre("new0#0", "new1#0", "new2#0", "new3#0"));
  EXPECT_EQ(passed_over(), 12);

  // Down for a while: records stamped long ago — on the partitions seen
  // before and on the ones that were empty (40 keys reach them all) — are
  // all handled at the restart.
  ProduceAll(topic, Values("missed", 40, 1), long_ago);
  loop = Loop(
      topic, "g-first", {},
      [&](const ConsumedRecord& rec) {
        again.Add(rec);
        return absl::OkStatus();
      },
      &registry_again, lookback);
  ASSERT_TRUE(Await([&] { return again.values().size() >= 40; }, absl::Seconds(30)))
      << again.values().size();
  loop->Stop();
  for (const auto& value : again.values()) EXPECT_TRUE(value.starts_with("missed")) << value;
  EXPECT_EQ(again.values().size(), 40u);
  EXPECT_EQ(sqms::testing::MetricValue(registry_again, "sqms_consumer_passed_over_total"), 0);
}

TEST_F(KafkaTest, EachRecordReachesTheHandlerWithOnlyItsOwnKeyValueAndHeaders) {
  // The loop reads every record into one reused object: a short record
  // after a long one, one with fewer headers or an empty key must not keep
  // any of the previous record's bytes, headers or key, whatever the order
  // the partitions' records arrive in.
  const std::string long_value(300, 'x');
  const std::string long_key(100, 'k');
  std::vector<KafkaRecord> sent = {
      {"sqms.kpi.v1", long_key, long_value, {{"a", "1"}, {"b", std::string(80, 'b')}, {"c", "3"}}},
      {"sqms.kpi.v1", "", "short", {}},
      {"sqms.kpi.v1", "k2", "", {{"a", ""}}},
      {"sqms.kpi.v1", "", long_value + "y", {{"b", "2"}, {"a", "1"}}},
  };
  Deliveries deliveries;
  for (KafkaRecord rec : sent) {
    ASSERT_TRUE(producer_->Produce(std::move(rec), deliveries.Callback()).ok());
  }
  ASSERT_TRUE(Await([&] { return deliveries.AllOk(4); }, absl::Seconds(30)));
  absl::Mutex mu;
  std::map<std::pair<int32_t, int64_t>, KafkaRecord> got;  // by (partition, offset)
  auto loop = Loop("sqms.kpi.v1", "g-whole", {}, [&](const ConsumedRecord& rec) {
    absl::MutexLock lock(&mu);
    got[{rec.partition, rec.offset}] = KafkaRecord{rec.topic, rec.key, rec.value, rec.headers};
    return absl::OkStatus();
  });
  ASSERT_TRUE(Await(
      [&] {
        absl::MutexLock lock(&mu);
        return got.size() == sent.size();
      },
      absl::Seconds(30)));
  loop->Stop();
  absl::MutexLock lock(&mu);
  // Each sent record arrived whole, exactly once: match them by value and
  // headers (the values differ), then compare keys.
  for (const KafkaRecord& want : sent) {
    int found = 0;
    for (const auto& [at, rec] : got) {
      if (rec.value != want.value || rec.headers != want.headers) continue;
      ++found;
      EXPECT_EQ(rec.key, want.key) << "value of " << want.value.size() << " bytes";
      EXPECT_EQ(rec.topic, want.topic);
    }
    EXPECT_EQ(found, 1) << "value of " << want.value.size() << " bytes";
  }
}

// A watch feed reads nothing for nobody: records that arrive while
// `watched` says no one watches never reach on_record, and once someone
// does, the next ones do.
TEST_F(KafkaTest, WatchFeedPassesOverRecordsWhileNobodyWatches) {
  std::atomic<bool> watching{false};
  std::atomic<int> asked{0};
  absl::Mutex mu;
  std::vector<std::string> handed;
  auto feed = KafkaWatchFeed::Start(
      KafkaConnection{.brokers = kafka_->bootstrap(), .properties = {}}, "sqms.kpi.v1",
      "test-watch",
      [&] {
        ++asked;
        return watching.load();
      },
      [&](const ConsumedRecord& record) {
        absl::MutexLock lock(&mu);
        handed.push_back(record.value);
      });
  ASSERT_TRUE(feed.ok()) << feed.status();
  // The feed starts at "latest" once it has joined its group: produce until
  // it has passed over a few records.
  ASSERT_TRUE(Await(
      [&] {
        ProduceAll("sqms.kpi.v1", {"unwatched#0"});
        return asked.load() >= 3;
      },
      absl::Seconds(60)));
  {
    absl::MutexLock lock(&mu);
    EXPECT_THAT(handed, IsEmpty());
  }
  watching = true;
  ASSERT_TRUE(Await(
      [&] {
        ProduceAll("sqms.kpi.v1", {"watched#0"});
        absl::MutexLock lock(&mu);
        return std::find(handed.begin(), handed.end(), "watched#0") != handed.end();
      },
      absl::Seconds(30)));
}

TEST_F(KafkaTest, OnIdleRunsOnceEveryRecordSoFarIsHandled) {
  ProduceAll("sqms.kpi.v1", Values("k", 4, 5));
  std::atomic<int> handled{0};
  std::atomic<int> handled_at_idle{-1};  // the count at the latest on_idle
  KafkaConsumerHooks hooks;
  hooks.on_idle = [&] { handled_at_idle = handled.load(); };
  auto loop = Loop("sqms.kpi.v1", "g-idle", hooks, [&](const ConsumedRecord&) {
    ++handled;
    return absl::OkStatus();
  });
  ASSERT_NE(loop, nullptr);
  // Caught up with the first burst: on_idle sees all of it.
  ASSERT_TRUE(Await([&] { return handled_at_idle.load() == 20; }, absl::Seconds(30)))
      << "handled " << handled.load() << ", at the latest on_idle " << handled_at_idle.load();
  ProduceAll("sqms.kpi.v1", Values("k", 4, 1));
  ASSERT_TRUE(Await([&] { return handled_at_idle.load() == 24; }, absl::Seconds(30)))
      << "handled " << handled.load() << ", at the latest on_idle " << handled_at_idle.load();
  loop->Stop();
}

TEST_F(KafkaTest, OnAssignOffsetsAreHonouredAndRevokeIsCalled) {
  ProduceAll("sqms.kpi.v1", Values("k", 12, 4));
  std::atomic<int> revoked{0};
  KafkaConsumerHooks hooks;
  hooks.on_assign = [](const std::vector<TopicPartition>& partitions) {
    std::map<TopicPartition, int64_t> start;
    for (const auto& tp : partitions) start[tp] = 2;  // skip what "our store" already holds
    return absl::StatusOr<std::map<TopicPartition, int64_t>>(start);
  };
  hooks.on_revoke = [&](const std::vector<TopicPartition>& partitions) {
    revoked += static_cast<int>(partitions.size());
  };
  TopicReader reader(kafka_->bootstrap(), "sqms.kpi.v1");
  auto all = reader.ReadAtLeast(48, absl::Seconds(30));
  ASSERT_EQ(all.size(), 48u);
  size_t expected = 0;
  for (const auto& rec : all) expected += rec.offset >= 2 ? 1 : 0;
  Seen seen;
  auto loop = Loop("sqms.kpi.v1", "g-assign", hooks, [&](const ConsumedRecord& rec) {
    seen.Add(rec);
    return absl::OkStatus();
  });
  ASSERT_TRUE(Await([&] { return seen.values().size() >= expected; }, absl::Seconds(30)));
  loop->Stop();
  for (const auto& [partition, offset] : seen.offsets()) EXPECT_GE(offset, 2) << partition;
  EXPECT_EQ(seen.values().size(), expected);
  EXPECT_EQ(revoked.load(), 4);
}

TEST_F(KafkaTest, PoisonRecordGoesToDeadLetterTopicAfterMaxAttempts) {
  ProduceAll("sqms.contact.v1", {"call#good1", "call#poison", "call#good2"});
  Seen seen;
  std::vector<absl::Status> errors;
  prometheus::Registry registry;
  const std::map<std::string, std::string> dead_lettered = {{"group", "g-dlq"},
                                                            {"topic", "sqms.contact.v1"}};
  auto loop = Loop(
      "sqms.contact.v1", "g-dlq", {},
      [&](const ConsumedRecord& rec) {
        seen.Add(rec);
        if (rec.value == "call#poison") return absl::InvalidArgumentError("cannot parse");
        return absl::OkStatus();
      },
      &registry);
  auto counted = [&] {
    return sqms::testing::MetricValue(registry, "sqms_consumer_dead_lettered_total", dead_lettered);
  };
  // The counter an operator's alert reads exists at 0 before anything failed.
  EXPECT_EQ(counted(), 0);
  ASSERT_TRUE(Await([&] { return seen.Count("call#good2") == 1; }, absl::Seconds(30)));
  loop->Stop();
  EXPECT_EQ(counted(), 1);
  EXPECT_EQ(seen.Count("call#poison"), 3u);
  EXPECT_EQ(seen.Count("call#good1"), 1u);
  TopicReader dlq(kafka_->bootstrap(), "sqms.contact.v1.dlq");
  auto records = dlq.ReadAtLeast(1, absl::Seconds(30));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].key, "call");
  EXPECT_EQ(records[0].value, "call#poison");
  EXPECT_THAT(records[0].headers, Contains(Pair("x-test", "call#poison")));
  EXPECT_THAT(records[0].headers, Contains(Pair("x-sqms-error", "INVALID_ARGUMENT: cannot parse")));
  EXPECT_THAT(records[0].headers, Contains(Pair("x-sqms-source-topic", "sqms.contact.v1")));
}

TEST_F(KafkaTest, TransientErrorsWaitWithBackoffAndNeverDeadLetter) {
  ProduceAll("sqms.kpi.v1", {"unit#1", "unit#2"});
  Seen seen;
  std::atomic<int> outage_left{6};  // the store is down for six attempts
  std::atomic<int> reported{0};
  KafkaConsumerOptions options;
  options.brokers = kafka_->bootstrap();
  options.group_id = "g-transient";
  options.topics = {"sqms.kpi.v1"};
  options.max_attempts = 1;  // a counted failure would dead-letter at once
  options.retry_backoff = std::chrono::milliseconds(20);
  options.is_transient = IsTransientError;
  KafkaConsumerHooks hooks;
  hooks.on_error = [&](const absl::Status& status) {
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
    ++reported;
  };
  auto loop = KafkaConsumerLoop::Create(options, std::move(hooks), [&](const ConsumedRecord& rec) {
    if (outage_left.fetch_sub(1) > 0) return absl::UnavailableError("store down");
    seen.Add(rec);
    return absl::OkStatus();
  });
  ASSERT_TRUE(loop.ok()) << loop.status();
  (*loop)->Start();
  ASSERT_TRUE(Await([&] { return seen.Count("unit#2") == 1; }, absl::Seconds(30)));
  (*loop)->Stop();
  // With max_attempts 1 a counted failure would have dead-lettered unit#1
  // at its first attempt: the handler would never have seen it succeed.
  EXPECT_EQ(seen.values(), (std::vector<std::string>{"unit#1", "unit#2"}))
      << "in order, once, nothing dead-lettered";
  EXPECT_EQ(reported.load(), 6) << "each transient error reported";
}

// The number of sqms_consumer_lag series of `group` in `registry`.
size_t LagSeries(prometheus::Registry& registry, const std::string& group) {
  size_t n = 0;
  for (const auto& family : registry.Collect()) {
    if (family.name != "sqms_consumer_lag") continue;
    for (const auto& metric : family.metric) {
      for (const auto& label : metric.label) {
        if (label.name == "group" && label.value == group) ++n;
      }
    }
  }
  return n;
}

// A record the handler cannot get past (a store outage: transient, retried
// for good) holds its partition: the lag is every record from it on, for as
// long as it lasts, and goes back to 0 once the record is done.
TEST_F(KafkaTest, LagCountsTheRecordsFromTheOneInHandWhileItIsRetried) {
  const std::string topic = "lag-topic";
  const std::string group = "lag-group";
  ProduceAll(topic, Values("lag", 1, 10));  // one key: one partition, offsets 0..9
  prometheus::Registry registry;
  std::atomic<bool> outage{true};
  Seen seen;
  KafkaConsumerOptions options;
  options.brokers = kafka_->bootstrap();
  options.group_id = group;
  options.topics = {topic};
  options.properties["session.timeout.ms"] = "6000";
  options.retry_backoff = std::chrono::milliseconds(20);
  options.is_transient = IsTransientError;
  options.metrics = &registry;
  auto loop =
      KafkaConsumerLoop::Create(options, {}, [&](const ConsumedRecord& record) -> absl::Status {
        if (record.value == "lag0#3" && outage) return absl::UnavailableError("store down");
        seen.Add(record);
        return absl::OkStatus();
      });
  ASSERT_TRUE(loop.ok()) << loop.status();
  (*loop)->Start();
  auto lag = [&] {
    return sqms::testing::MetricValue(registry, "sqms_consumer_lag", {{"group", group}});
  };

  // Offsets 3..9 wait behind the record in hand.
  EXPECT_TRUE(Await([&] { return lag() == 7; }, absl::Seconds(30))) << lag();
  EXPECT_EQ(seen.values().size(), 3u);
  EXPECT_GT(LagSeries(registry, group), 0u) << "a series per assigned partition";
  outage = false;
  EXPECT_TRUE(Await([&] { return seen.values().size() == 10 && lag() == 0; }, absl::Seconds(30)))
      << lag();
  // Produced while caught up: counted until handled.
  ProduceAll(topic, Values("lag", 1, 2));
  EXPECT_TRUE(Await([&] { return seen.values().size() == 12 && lag() == 0; }, absl::Seconds(30)))
      << lag();

  (*loop)->Stop();
  EXPECT_EQ(LagSeries(registry, group), 0u) << "a revoked partition keeps no series";
}

TEST(KafkaTransientTest, TheStoreErrorsThatMayPassByThemselvesAreTransient) {
  for (absl::Status s : {absl::UnavailableError(""), absl::DeadlineExceededError(""),
                         absl::AbortedError(""), absl::ResourceExhaustedError("")}) {
    EXPECT_TRUE(IsTransientError(s)) << s;
  }
  for (absl::Status s : {absl::OkStatus(), absl::InvalidArgumentError(""),
                         absl::FailedPreconditionError(""), absl::InternalError("")}) {
    EXPECT_FALSE(IsTransientError(s)) << s;
  }
}

}  // namespace
}  // namespace sqms::runtime
