// The complaint rate is complaints per 10,000 of a volume base (投诉率,
// requirements §2), a fraction most days: 35 complaints of 1,000,000
// passengers is 0.35 per 10,000. Its definition said unit "count", and
// whoever formats by the unit (sqmsctl: counts have no decimals) showed
// "0" — every day under one complaint per 10,000 read as none, and 1.5 and
// 2.4 both as "2". Its unit is "per_10000" now.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/metrics/app/kpi_queries.h"
#include "services/metrics/codec/kpi_codec.h"
#include "tests/support/fake_clock.h"
#include "tests/unit/metrics/app/stub_kpi_reader.h"

namespace sqms::metrics {
namespace {

using ::testing::DoubleNear;
using ::testing::Optional;

TEST(ComplaintRateUnitTest, TheRateIsPerTenThousandNotACount) {
  const domain::KpiDefinition& rate = *domain::FindKpi("complaint_rate");
  EXPECT_EQ(rate.unit, domain::Unit::kPerTenThousand);
  codec::pb::KpiDefinition d;
  codec::ToProto(rate, &d);
  EXPECT_EQ(d.unit(), "per_10000");
  // The volume itself stays a count.
  codec::ToProto(*domain::FindKpi("complaint_volume"), &d);
  EXPECT_EQ(d.unit(), "count");
}

TEST(ComplaintRateUnitTest, ThirtyFiveComplaintsOfAMillionPassengersIsZeroPointThirtyFive) {
  sqms::testing::FakeClock clock(absl::FromUnixSeconds(1'796'191'200));
  testing::StubKpiReader reader;
  const domain::Window yesterday = domain::PreviousWindow(
      domain::WindowOf(clock.Now(), domain::WindowSize::kDay, absl::UTCTimeZone()),
      absl::UTCTimeZone());
  reader.Set(yesterday, "all", domain::Counter::kComplaints, 36);
  reader.Set(yesterday, "all", domain::Counter::kComplaintsDuplicate, 1);
  app::QueryConfig config;
  config.bases.volumes.push_back({.dimension = domain::Dimension::kTotal, .unit = "all",
                                  .per_day = 1'000'000});
  app::KpiQueries queries(reader, clock, config);
  app::KpiRequest request;
  request.kpi = "complaint_rate";
  request.period = {.size = domain::WindowSize::kDay,
                    .label = domain::WindowLabel(yesterday, absl::UTCTimeZone())};
  auto result = queries.Get(request);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->value.value, Optional(DoubleNear(0.35, 1e-12)));

  codec::pb::KpiValue v;
  codec::ToProto(*result, &v);
  codec::pb::KpiDefinition d;
  codec::ToProto(*result->kpi, &d);
  EXPECT_NE(d.unit(), "count") << "a client would print " << v.value() << " as a whole number";
}

}  // namespace
}  // namespace sqms::metrics
