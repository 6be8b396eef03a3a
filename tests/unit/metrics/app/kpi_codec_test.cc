// The API's KpiValue lets its value be checked from what it shows: for NPS
// the numerator is promoters − detractors (value = numerator / denominator
// × 100), and the definition names both counters.

#include "services/metrics/codec/kpi_codec.h"

#include <gtest/gtest.h>

#include "tests/support/fake_clock.h"
#include "tests/unit/metrics/app/stub_kpi_reader.h"

namespace sqms::metrics {
namespace {

TEST(KpiCodecTest, NpsReportsNetPromotersSoTheValueCanBeChecked) {
  sqms::testing::FakeClock clock(absl::FromUnixSeconds(1'796'191'200));
  testing::StubKpiReader reader;
  const domain::Window today =
      domain::WindowOf(clock.Now(), domain::WindowSize::kDay, absl::UTCTimeZone());
  reader.Set(today, "all", domain::Counter::kNpsResponses, 16);
  reader.Set(today, "all", domain::Counter::kNpsPromoters, 5);
  reader.Set(today, "all", domain::Counter::kNpsDetractors, 6);
  app::KpiQueries queries(reader, clock, app::QueryConfig{});
  app::KpiRequest request;
  request.kpi = "nps";
  request.period.size = domain::WindowSize::kDay;
  auto result = queries.Get(request);
  ASSERT_TRUE(result.ok()) << result.status();

  codec::pb::KpiValue v;
  codec::ToProto(*result, &v);
  EXPECT_DOUBLE_EQ(v.value(), -6.25);
  EXPECT_EQ(v.numerator(), -1);
  EXPECT_EQ(v.denominator(), 16);
  EXPECT_DOUBLE_EQ(100.0 * v.numerator() / v.denominator(), v.value());

  codec::pb::KpiDefinition d;
  codec::ToProto(*domain::FindKpi("nps"), &d);
  EXPECT_EQ(d.numerator(), "nps_promoters − nps_detractors");
  codec::ToProto(*domain::FindKpi("answer_rate"), &d);
  EXPECT_EQ(d.numerator(), "calls_answered");
}

}  // namespace
}  // namespace sqms::metrics
