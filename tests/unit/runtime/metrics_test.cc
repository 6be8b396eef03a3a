// The process collector reads plausible values from /proc/self, and
// DeclareService creates every method x code series at 0 before any call.

#include <ctime>
#include <map>
#include <string>

#include "gtest/gtest.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"
#include "sqms/runtime/metrics.h"

namespace sqms::runtime {
namespace {

std::map<std::string, double> Collected() {
  std::map<std::string, double> values;
  for (const prometheus::MetricFamily& family : MakeProcessCollector()->Collect()) {
    EXPECT_EQ(family.metric.size(), 1u) << family.name;
    const prometheus::ClientMetric& m = family.metric.at(0);
    values[family.name] =
        family.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
  }
  return values;
}

TEST(ProcessCollectorTest, ReportsCpuMemoryFdsAndStartTimeOfThisProcess) {
  std::map<std::string, double> v = Collected();
  ASSERT_EQ(v.size(), 4u);
  EXPECT_GE(v["process_cpu_seconds_total"], 0);
  EXPECT_GT(v["process_resident_memory_bytes"], 1e6);
  EXPECT_GE(v["process_open_fds"], 3);  // stdin, stdout, stderr at least
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(v["process_start_time_seconds"], now + 1);
  EXPECT_GT(v["process_start_time_seconds"], now - 3600);
}

TEST(RpcMetricsTest, DeclareServiceOfAnUnknownServiceIsNotFound) {
  prometheus::Registry registry;
  RpcMetrics metrics(registry);
  EXPECT_EQ(metrics.DeclareService("no.such.v1.Service").code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace sqms::runtime
