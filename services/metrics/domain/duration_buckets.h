#pragma once
// Fixed duration buckets for the p90 first-response and resolution times
// (issue 8 §1). A percentile cannot be merged from partial percentiles, but
// bucket counts can: each first response / resolution adds 1 to the one
// bucket its seconds fall in (counters.h), so the buckets of any number of
// partitions, minutes and units merge by addition like every other counter,
// and the percentile is read from the merged buckets at query time.
//
// Buckets, by upper bound (inclusive; the lower bound, exclusive, is the
// previous bucket's upper bound, 0 inclusive for the first):
//   5 min, 15 min, 30 min, 1 h, 2 h, 4 h, 8 h, 1 d, 2 d, 3 d, 5 d, 7 d,
//   14 d, 30 d, +inf
// These bounds are part of the stored counter names (counters.cc): they
// never change once released; a different grid would be new counters.

#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace sqms::metrics::domain {

inline constexpr int kDurationBucketCount = 15;  // 14 finite upper bounds and +inf

// The finite upper bounds in seconds, ascending; the last bucket has none.
inline constexpr std::array<int64_t, kDurationBucketCount - 1> kDurationBucketBounds = {
    300,     900,     1'800,   3'600,   7'200,     14'400,    28'800,
    86'400,  172'800, 259'200, 432'000, 604'800, 1'209'600, 2'592'000};

// The bucket `seconds` falls in: the first whose upper bound is >= seconds
// (negative seconds count as 0: bucket 0); kDurationBucketCount − 1 (+inf)
// beyond the last bound.
int DurationBucketOf(int64_t seconds);

struct BucketPercentile {
  double value = 0;         // seconds
  int bucket = 0;           // the bucket the percentile lies in
  int64_t through = 0;      // observations in buckets 0..bucket (>= the rank)
  bool lower_bound = false; // in the +inf bucket: `value` is its lower bound only
};

// The `percent`-th percentile (1..99) of the observations counted in
// `buckets` (kDurationBucketCount counts, by bucket). With n the total and
// rank r = percent/100 × n, the bucket is the first whose cumulative count
// reaches r; inside it the value is interpolated linearly between its lower
// bound L and upper bound U: L + (U − L) × (r − before) / count, `before`
// being the count of the buckets below it. In the +inf bucket the value is
// its lower bound (30 days), flagged lower_bound.
//
// Error bound: the nearest-rank percentile (the ⌈r⌉-th smallest
// observation) lies in the same bucket, so the estimate is off by less than
// that bucket's width U − L (the true value is in (L, U]); in the +inf
// bucket it is only known to exceed L.
//
// nullopt when the buckets hold no observation (n <= 0). Exact integer
// arithmetic decides the bucket (no rounding at bucket edges). Pure.
std::optional<BucketPercentile> PercentileOfBuckets(std::span<const int64_t> buckets, int percent);

}  // namespace sqms::metrics::domain
