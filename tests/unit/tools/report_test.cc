#include "tools/loadgen/report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace sqms::loadgen {
namespace {

TEST(PercentileTest, NearestRank) {
  std::vector<int64_t> samples;
  for (int64_t i = 100; i >= 1; --i) samples.push_back(i);
  EXPECT_EQ(Percentile(samples, 0.5), 50);
  EXPECT_EQ(Percentile(samples, 0.99), 99);
  EXPECT_EQ(Percentile(samples, 0.999), 100);
  std::vector<int64_t> empty;
  EXPECT_EQ(Percentile(empty, 0.5), 0);
}

TEST(BenchReportTest, JsonHasTheContractKeys) {
  BenchReport report;
  report.sent = 1000;
  report.accepted = 990;
  report.errors = 10;
  report.duplicates = 40;
  report.seconds = 0.5;
  report.latencies_ns = {1'000'000, 2'000'000, 3'000'000};
  auto json = nlohmann::json::parse(report.ToJson());
  EXPECT_EQ(json["sent"], 1000);
  EXPECT_EQ(json["accepted"], 990);
  EXPECT_EQ(json["errors"], 10);
  EXPECT_EQ(json["duplicates"], 40);
  EXPECT_DOUBLE_EQ(json["throughput_per_s"].get<double>(), 1980.0);
  EXPECT_DOUBLE_EQ(json["p50_ms"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(json["p99_ms"].get<double>(), 3.0);
  EXPECT_DOUBLE_EQ(json["p999_ms"].get<double>(), 3.0);
  EXPECT_TRUE(json.contains("seconds"));
}

}  // namespace
}  // namespace sqms::loadgen
