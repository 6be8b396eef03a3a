// The process collector reads plausible values from /proc/self,
// DeclareService creates every method x code series at 0 before any call,
// and RpcMetrics counts each call in its own series, declared or not.

#include <chrono>
#include <ctime>
#include <map>
#include <string>
#include <thread>
#include <vector>

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

// sqms_rpc_requests_total by "service/method/code", and the latency
// histogram's sample count by "service/method".
struct RpcSeries {
  std::map<std::string, double> requests;
  std::map<std::string, uint64_t> latency_counts;
};

RpcSeries Read(prometheus::Registry& registry) {
  RpcSeries out;
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    for (const prometheus::ClientMetric& m : family.metric) {
      std::map<std::string, std::string> labels;
      for (const prometheus::ClientMetric::Label& l : m.label) labels[l.name] = l.value;
      const std::string method = labels["service"] + "/" + labels["method"];
      if (family.name == "sqms_rpc_requests_total") {
        out.requests[method + "/" + labels["code"]] = m.counter.value;
      } else if (family.name == "sqms_rpc_latency_seconds") {
        out.latency_counts[method] = m.histogram.sample_count;
      }
    }
  }
  return out;
}

TEST(RpcMetricsTest, EachCallCountsInTheSeriesOfItsMethodAndCode) {
  prometheus::Registry registry;
  RpcMetrics metrics(registry);
  // Labels no one declared: the first call creates the series.
  metrics.Observe("a.v1.S", "Get", "OK", std::chrono::milliseconds(1));
  metrics.Observe("a.v1.S", "Get", "OK", std::chrono::milliseconds(2));
  metrics.Observe("a.v1.S", "Get", "NOT_FOUND", std::chrono::milliseconds(1));
  metrics.Observe("a.v1.S", "List", "OK", std::chrono::milliseconds(1));
  metrics.Observe("b.v1.S", "Get", "OK", std::chrono::milliseconds(1));
  const RpcSeries series = Read(registry);
  EXPECT_EQ(series.requests, (std::map<std::string, double>{{"a.v1.S/Get/OK", 2},
                                                            {"a.v1.S/Get/NOT_FOUND", 1},
                                                            {"a.v1.S/List/OK", 1},
                                                            {"b.v1.S/Get/OK", 1}}));
  EXPECT_EQ(series.latency_counts, (std::map<std::string, uint64_t>{
                                       {"a.v1.S/Get", 3}, {"a.v1.S/List", 1}, {"b.v1.S/Get", 1}}));
}

TEST(RpcMetricsTest, CallsFromManyThreadsAreAllCounted) {
  prometheus::Registry registry;
  RpcMetrics metrics(registry);
  constexpr int kThreads = 4, kCalls = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < kCalls; ++i) {
        // Each thread meets new series (codes) and series the others made.
        metrics.Observe("a.v1.S", "Get", i % 2 == 0 ? "OK" : (t % 2 == 0 ? "ABORTED" : "INTERNAL"),
                        std::chrono::microseconds(i));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const RpcSeries series = Read(registry);
  EXPECT_EQ(series.requests.at("a.v1.S/Get/OK"), kThreads * kCalls / 2);
  EXPECT_EQ(series.requests.at("a.v1.S/Get/ABORTED"), kThreads / 2 * kCalls / 2);
  EXPECT_EQ(series.requests.at("a.v1.S/Get/INTERNAL"), kThreads / 2 * kCalls / 2);
  EXPECT_EQ(series.latency_counts.at("a.v1.S/Get"), uint64_t{kThreads * kCalls});
}

}  // namespace
}  // namespace sqms::runtime
