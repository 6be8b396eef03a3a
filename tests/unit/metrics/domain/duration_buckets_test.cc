#include "services/metrics/domain/duration_buckets.h"

#include <array>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sqms::metrics::domain {
namespace {

using ::testing::DoubleNear;

using Buckets = std::array<int64_t, kDurationBucketCount>;

TEST(DurationBucketOfTest, UpperBoundsAreInclusive) {
  EXPECT_EQ(DurationBucketOf(0), 0);
  EXPECT_EQ(DurationBucketOf(-30), 0) << "negative durations count as 0";
  EXPECT_EQ(DurationBucketOf(300), 0);
  EXPECT_EQ(DurationBucketOf(301), 1);
  EXPECT_EQ(DurationBucketOf(3'600), 3);
  EXPECT_EQ(DurationBucketOf(86'400), 7);
  EXPECT_EQ(DurationBucketOf(2'592'000), 13);
  EXPECT_EQ(DurationBucketOf(2'592'001), 14);
  EXPECT_EQ(DurationBucketOf(INT64_MAX), kDurationBucketCount - 1);
}

TEST(PercentileOfBucketsTest, EmptyHasNoValue) {
  EXPECT_EQ(PercentileOfBuckets(Buckets{}, 90), std::nullopt);
  EXPECT_EQ(PercentileOfBuckets(std::span<const int64_t>(), 90), std::nullopt);
}

TEST(PercentileOfBucketsTest, AllInOneBucketInterpolatesAcrossIt) {
  // 10 in (15 min, 30 min]: rank 9 of 10 → 900 + 900 × 9 / 10 = 1710 s.
  Buckets b{};
  b[2] = 10;
  auto p = PercentileOfBuckets(b, 90);
  ASSERT_TRUE(p.has_value());
  EXPECT_THAT(p->value, DoubleNear(1'710.0, 1e-9));
  EXPECT_EQ(p->bucket, 2);
  EXPECT_EQ(p->through, 10);
  EXPECT_FALSE(p->lower_bound);
  // One observation in (1 h, 2 h]: rank 0.9 → 3600 + 3600 × 0.9 = 6840 s.
  Buckets one{};
  one[4] = 1;
  EXPECT_THAT(PercentileOfBuckets(one, 90)->value, DoubleNear(6'840.0, 1e-9));
  // The first bucket's lower bound is 0: 10 within 5 min → 270 s.
  Buckets quick{};
  quick[0] = 10;
  EXPECT_THAT(PercentileOfBuckets(quick, 90)->value, DoubleNear(270.0, 1e-9));
}

TEST(PercentileOfBucketsTest, SpreadOverBuckets) {
  // 2 / 5 / 3 in the first three buckets: rank 9, 7 below the third →
  // 900 + 900 × 2 / 3 = 1500 s.
  Buckets b{};
  b[0] = 2;
  b[1] = 5;
  b[2] = 3;
  auto p = PercentileOfBuckets(b, 90);
  ASSERT_TRUE(p.has_value());
  EXPECT_THAT(p->value, DoubleNear(1'500.0, 1e-9));
  EXPECT_EQ(p->bucket, 2);
  // Empty buckets in between are skipped: 5 within 5 min, 5 in (2 d, 3 d]:
  // rank 9 → 172800 + 86400 × 4 / 5 = 241920 s.
  Buckets gap{};
  gap[0] = 5;
  gap[9] = 5;
  EXPECT_THAT(PercentileOfBuckets(gap, 90)->value, DoubleNear(241'920.0, 1e-9));
}

TEST(PercentileOfBucketsTest, ARankOnABucketEdgeStaysInThatBucket) {
  // n = 30, rank exactly 27 = the first bucket's count: its upper bound,
  // not the next bucket (0.9 × 30 is 27.000000000000004 in floating point).
  Buckets b{};
  b[0] = 27;
  b[1] = 3;
  auto p = PercentileOfBuckets(b, 90);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->bucket, 0);
  EXPECT_THAT(p->value, DoubleNear(300.0, 1e-9));
  EXPECT_EQ(p->through, 27);
}

TEST(PercentileOfBucketsTest, TheInfBucketGivesItsLowerBound) {
  Buckets all_slow{};
  all_slow[kDurationBucketCount - 1] = 4;
  auto p = PercentileOfBuckets(all_slow, 90);
  ASSERT_TRUE(p.has_value());
  EXPECT_THAT(p->value, DoubleNear(2'592'000.0, 1e-9));
  EXPECT_TRUE(p->lower_bound);
  // 8 fast, 2 beyond 30 days: rank 9 falls in +inf.
  Buckets tail{};
  tail[0] = 8;
  tail[kDurationBucketCount - 1] = 2;
  EXPECT_TRUE(PercentileOfBuckets(tail, 90)->lower_bound);
  // 9 fast, 1 beyond: rank 9 is the first bucket's edge.
  tail[0] = 9;
  tail[kDurationBucketCount - 1] = 1;
  EXPECT_THAT(PercentileOfBuckets(tail, 90)->value, DoubleNear(300.0, 1e-9));
  EXPECT_FALSE(PercentileOfBuckets(tail, 90)->lower_bound);
}

TEST(PercentileOfBucketsTest, TheEstimateIsWithinTheBucketOfTheNearestRankValue) {
  // Observations 100, 200, …, 2000 s (20 of them): the nearest-rank p90 is
  // the 18th, 1800 s, in (900, 1800]; the estimate is in the same bucket.
  Buckets b{};
  for (int i = 1; i <= 20; ++i) b[DurationBucketOf(100 * i)] += 1;
  auto p = PercentileOfBuckets(b, 90);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->bucket, DurationBucketOf(1'800));
  EXPECT_GT(p->value, 900.0);
  EXPECT_LE(p->value, 1'800.0);
}

}  // namespace
}  // namespace sqms::metrics::domain
