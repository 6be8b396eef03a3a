#include "services/metrics/domain/duration_buckets.h"

#include <algorithm>

namespace sqms::metrics::domain {

int DurationBucketOf(int64_t seconds) {
  const auto it = std::lower_bound(kDurationBucketBounds.begin(), kDurationBucketBounds.end(),
                                   std::max<int64_t>(seconds, 0));
  return static_cast<int>(it - kDurationBucketBounds.begin());
}

std::optional<BucketPercentile> PercentileOfBuckets(std::span<const int64_t> buckets,
                                                    int percent) {
  const size_t count = std::min<size_t>(buckets.size(), kDurationBucketCount);
  int64_t n = 0;
  for (size_t i = 0; i < count; ++i) n += buckets[i];
  if (n <= 0 || percent <= 0 || percent >= 100) return std::nullopt;
  // rank r = percent × n / 100; compared as 100 × cumulative >= percent × n
  // so that a rank on a bucket's edge is never pushed over it by rounding.
  const int64_t scaled_rank = static_cast<int64_t>(percent) * n;
  int64_t before = 0;
  for (size_t i = 0; i < count; ++i) {
    const int64_t in = buckets[i];
    if (in <= 0 || 100 * (before + in) < scaled_rank) {
      before += std::max<int64_t>(in, 0);
      continue;
    }
    const int64_t lower = i == 0 ? 0 : kDurationBucketBounds[i - 1];
    BucketPercentile out;
    out.bucket = static_cast<int>(i);
    out.through = before + in;
    if (i + 1 == static_cast<size_t>(kDurationBucketCount)) {
      out.value = static_cast<double>(lower);
      out.lower_bound = true;
      return out;
    }
    const double width = static_cast<double>(kDurationBucketBounds[i] - lower);
    const double into = static_cast<double>(scaled_rank - 100 * before) / (100.0 * in);
    out.value = static_cast<double>(lower) + width * into;
    return out;
  }
  return std::nullopt;  // negative counts only (inconsistent input)
}

}  // namespace sqms::metrics::domain
