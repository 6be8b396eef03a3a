// A QueryKpis answer is bounded (app::kMaxQueryValues): a query over many
// periods, KPIs and every unit of a dimension is refused before a value is
// computed, naming what to narrow; the same query for one unit answers.

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "services/metrics/app/kpi_queries.h"
#include "sqms/runtime/field_violation.h"
#include "tests/support/fake_clock.h"
#include "tests/unit/metrics/app/stub_kpi_reader.h"

namespace sqms::metrics {
namespace {

using domain::Counter;
using domain::WindowSize;

class QuerySizeTest : public ::testing::Test {
 protected:
  // 2026-12-03T00:00Z; 300 stations counted calls in each of the last 400 hours.
  QuerySizeTest() : clock_(absl::FromUnixSeconds(1'796'256'000)) {
    app::QueryConfig config;
    queries_ = std::make_unique<app::KpiQueries>(reader_, clock_, config);
    domain::Window w =
        domain::WindowOf(clock_.Now() - absl::Hours(400), WindowSize::kHour, absl::UTCTimeZone());
    for (int h = 0; h < 400; ++h, w = domain::NextWindow(w, absl::UTCTimeZone())) {
      for (int s = 0; s < 300; ++s)
        reader_.Set(w, absl::StrCat("station-", s), Counter::kCallsOffered, 1);
    }
  }
  app::RangeRequest Range(int kpis) const {
    app::RangeRequest r;
    const std::vector<std::string> names = {"answer_rate", "abandonment_rate", "complaint_volume",
                                            "satisfaction_rate"};
    r.kpis.assign(names.begin(), names.begin() + kpis);
    r.size = WindowSize::kHour;
    r.from = "2026-11-16T08";
    r.to = "2026-12-02T23";
    r.dimension = "station";
    return r;
  }

  testing::StubKpiReader reader_;
  sqms::testing::FakeClock clock_;
  std::unique_ptr<app::KpiQueries> queries_;
};

TEST_F(QuerySizeTest, EveryUnitOfManyPeriodsAndKpisIsRefusedOnUnit) {
  auto result = queries_->Query(Range(4));
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << result.status();
  const auto violations = runtime::FieldViolations(result.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "unit");
  EXPECT_NE(violations[0].description.find("would answer 480000 values"), std::string::npos)
      << violations[0].description;
}

TEST_F(QuerySizeTest, TheSameQueryForOneUnitAnswers) {
  app::RangeRequest range = Range(4);
  range.unit = "station-7";
  auto result = queries_->Query(range);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->size(), 400u * 4u);
}

TEST_F(QuerySizeTest, EveryUnitWithinTheBoundAnswers) {
  app::RangeRequest range = Range(1);
  range.from = "2026-12-02T00";  // 24 hours × 1 KPI × 300 stations
  auto result = queries_->Query(range);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->size(), 24u * 300u);
}

}  // namespace
}  // namespace sqms::metrics
