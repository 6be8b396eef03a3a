// The pure parts of runtime::DurableTimers: backoff, the shard order of a
// pass, the claim score and score parsing. The loop itself is tested
// against Redis in tests/integration/runtime_timers.

#include "sqms/runtime/durable_timers.h"

#include <cmath>
#include <cstdlib>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sqms::runtime::timers_internal {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(DurableTimersBackoff, DoublesFromInitialUpToMax) {
  const absl::Duration initial = absl::Seconds(1), max = absl::Seconds(10);
  EXPECT_EQ(Backoff(1, initial, max), absl::Seconds(1));
  EXPECT_EQ(Backoff(2, initial, max), absl::Seconds(2));
  EXPECT_EQ(Backoff(4, initial, max), absl::Seconds(8));
  EXPECT_EQ(Backoff(5, initial, max), absl::Seconds(10));
  EXPECT_EQ(Backoff(1000000, initial, max), absl::Seconds(10)) << "no overflow";
}

TEST(DurableTimersShardOrder, VisitsEveryShardOnceFromTheStart) {
  EXPECT_THAT(ShardOrder(4, 2), ElementsAre(2, 3, 0, 1));
  EXPECT_THAT(ShardOrder(4, 6), ElementsAre(2, 3, 0, 1)) << "start wraps";
  EXPECT_THAT(ShardOrder(3, -1), ElementsAre(2, 0, 1)) << "an overflowed counter still works";
  EXPECT_THAT(ShardOrder(0, 5), IsEmpty());
}

TEST(DurableTimersClaimScore, IsHalfAMillisecondPastTheClaimEnd) {
  const absl::Time now = absl::FromUnixMillis(1764000000123);
  const double score = ClaimScore(now, absl::Seconds(30));
  EXPECT_EQ(score, 1764000030123.5);
  // A service writes integer ms: never equal to a claim.
  EXPECT_NE(std::floor(score), score);
}

// A process's claims carry its own fraction; the text the scripts get
// must name the score exactly, or a compare-and-set (or the search for a
// lost claim's timers) would never match.
TEST(DurableTimersClaimScore, EveryFractionSurvivesItsTextExactly) {
  for (int64_t ms : {int64_t{1764000000123}, int64_t{7258118400000}}) {  // 2025, 2200
    for (int k : {1, 512, 1023}) {
      const double score = ClaimScore(absl::FromUnixMillis(ms), absl::ZeroDuration(), k / 1024.0);
      EXPECT_EQ(score - static_cast<double>(ms), k / 1024.0) << ms << " " << k;
      EXPECT_EQ(std::strtod(ScoreText(score).c_str(), nullptr), score) << ScoreText(score);
      EXPECT_NE(std::floor(score), score);
    }
  }
}

TEST(DurableTimersParseScore, ReadsIntegerAndClaimScores) {
  double exact = 0;
  auto due = ParseScore("1764000000123", &exact);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(*due, absl::FromUnixMillis(1764000000123));
  EXPECT_EQ(exact, 1764000000123.0);
  auto claimed = ParseScore("1764000030123.5", &exact);
  ASSERT_TRUE(claimed.ok());
  EXPECT_EQ(*claimed, absl::FromUnixMillis(1764000030123));
  EXPECT_EQ(exact, 1764000030123.5);
  EXPECT_FALSE(ParseScore("soon", nullptr).ok());
}

}  // namespace
}  // namespace sqms::runtime::timers_internal
