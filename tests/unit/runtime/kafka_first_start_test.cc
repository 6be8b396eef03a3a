// A partition's first start (KafkaConsumerOptions::first_start_lookback):
// which records it passes over, when it ends, and what it counts.

#include "libs/runtime/src/kafka_first_start.h"

#include <chrono>

#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "tests/support/metric_value.h"

namespace sqms::runtime {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using Clock = std::chrono::system_clock;
using ::sqms::testing::MetricValue;

const Clock::time_point kNow = Clock::time_point(std::chrono::seconds(1796600000));

ConsumedRecord Record(const std::string& topic, int32_t partition, int64_t offset,
                      Clock::time_point timestamp) {
  ConsumedRecord r;
  r.topic = topic;
  r.partition = partition;
  r.offset = offset;
  r.timestamp = timestamp;
  return r;
}

TEST(KafkaFirstStartTest, PassesOverRecordsOlderThanTheLookbackUpToTheFirstYoungerOne) {
  prometheus::Registry registry;
  FirstStart first(hours(1), &registry, "g", {"t"});
  first.Begin({"t", 0}, kNow);
  EXPECT_TRUE(first.PassOver(Record("t", 0, 0, kNow - hours(50))));
  EXPECT_TRUE(first.PassOver(Record("t", 0, 1, kNow - minutes(61))));
  EXPECT_FALSE(first.PassOver(Record("t", 0, 2, kNow - minutes(59))));
  // Ended: an older record after it (a producer's clock behind) is handled.
  EXPECT_FALSE(first.PassOver(Record("t", 0, 3, kNow - hours(5))));
  EXPECT_EQ(first.active(), 0u);
  EXPECT_EQ(MetricValue(registry, "sqms_consumer_passed_over_total", {{"topic", "t"}}), 2);
}

TEST(KafkaFirstStartTest, OnlyPartitionsInTheirFirstStartPassAnythingOver) {
  FirstStart first(hours(1), nullptr, "g", {"t"});
  first.Begin({"t", 1}, kNow);
  // Partition 0 was committed by the group: read on, however old.
  EXPECT_FALSE(first.PassOver(Record("t", 0, 7, kNow - hours(100))));
  EXPECT_TRUE(first.PassOver(Record("t", 1, 0, kNow - hours(100))));
  EXPECT_FALSE(first.PassOver(Record("other", 1, 0, kNow - hours(100))));
}

TEST(KafkaFirstStartTest, ARecordWithoutTimestampIsHandledAndEndsTheFirstStart) {
  FirstStart first(hours(1), nullptr, "g", {"t"});
  first.Begin({"t", 0}, kNow);
  EXPECT_FALSE(first.PassOver(Record("t", 0, 0, Clock::time_point())));
  EXPECT_FALSE(first.PassOver(Record("t", 0, 1, kNow - hours(3))));
}

TEST(KafkaFirstStartTest, ARevokedPartitionsFirstStartIsForgotten) {
  FirstStart first(hours(1), nullptr, "g", {"t"});
  first.Begin({"t", 0}, kNow);
  first.End({"t", 0});
  EXPECT_EQ(first.active(), 0u);
  EXPECT_FALSE(first.PassOver(Record("t", 0, 0, kNow - hours(3))));
}

TEST(KafkaFirstStartTest, ZeroLookbackPassesOverEverythingBeforeTheAssignment) {
  FirstStart first(std::chrono::milliseconds(0), nullptr, "g", {"t"});
  first.Begin({"t", 0}, kNow);
  EXPECT_TRUE(first.PassOver(Record("t", 0, 0, kNow - std::chrono::milliseconds(1))));
  EXPECT_FALSE(first.PassOver(Record("t", 0, 1, kNow)));
}

TEST(KafkaFirstStartTest, EveryTopicsCounterExistsAtZeroFromConstruction) {
  prometheus::Registry registry;
  FirstStart first(hours(1), &registry, "g", {"a", "b"});
  EXPECT_EQ(MetricValue(registry, "sqms_consumer_passed_over_total", {{"topic", "a"}}), 0);
  EXPECT_EQ(MetricValue(registry, "sqms_consumer_passed_over_total", {{"topic", "b"}}), 0);
  size_t series = 0;
  for (const auto& family : registry.Collect()) {
    if (family.name == "sqms_consumer_passed_over_total") series = family.metric.size();
  }
  EXPECT_EQ(series, 2u);
}

}  // namespace
}  // namespace sqms::runtime
