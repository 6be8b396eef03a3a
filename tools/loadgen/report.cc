#include "tools/loadgen/report.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace sqms::loadgen {

namespace {

double Milliseconds(int64_t nanoseconds) {
  return std::round(static_cast<double>(nanoseconds) / 1e3) / 1e3;
}

}  // namespace

int64_t Percentile(std::vector<int64_t>& samples, double q) {
  if (samples.empty()) return 0;
  auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(samples.size())));
  size_t index = std::clamp<size_t>(rank, 1, samples.size()) - 1;
  std::nth_element(samples.begin(), samples.begin() + static_cast<ptrdiff_t>(index), samples.end());
  return samples[index];
}

std::string BenchReport::ToJson() {
  double throughput = seconds > 0 ? static_cast<double>(accepted) / seconds : 0;
  nlohmann::ordered_json json = {
      {"sent", sent},
      {"accepted", accepted},
      {"errors", errors},
      {"seconds", std::round(seconds * 1e3) / 1e3},
      {"throughput_per_s", std::round(throughput * 10) / 10},
      {"p50_ms", Milliseconds(Percentile(latencies_ns, 0.5))},
      {"p99_ms", Milliseconds(Percentile(latencies_ns, 0.99))},
      {"p999_ms", Milliseconds(Percentile(latencies_ns, 0.999))},
      {"replayed", replayed},
      {"duplicates", duplicates},
      {"streams", streams},
      {"inflight", inflight},
      {"target_rate_per_s", target_rate_per_s},
  };
  return json.dump();
}

}  // namespace sqms::loadgen
