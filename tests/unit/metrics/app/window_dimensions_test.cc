// metrics.yaml's `window_dimensions` (domain/window_dimensions.h): what the
// file sets and the errors naming its keys; a query, watch, target or surge
// on a dimension its window size does not keep is refused on "dimension".
// (That the processor writes no such cell: kpi_processor_test.cc.)

#include <gtest/gtest.h>

#include <string>

#include "services/metrics/app/kpi_queries.h"
#include "services/metrics/app/kpi_watch.h"
#include "services/metrics/config/metrics_config.h"
#include "sqms/runtime/field_violation.h"
#include "tests/source_path.h"
#include "tests/support/fake_clock.h"
#include "tests/unit/metrics/app/settings_file.h"
#include "tests/unit/metrics/app/stub_kpi_reader.h"

namespace sqms::metrics {
namespace {

using domain::Dimension;
using domain::WindowSize;

absl::StatusOr<config::MetricsSettings> Load(const std::string& yaml) {
  return testing::LoadSettingsText(yaml, "window-dimensions");
}

std::string ErrorOf(const std::string& yaml) {
  return testing::SettingsError(yaml, "window-dimensions");
}

TEST(WindowDimensionsConfigTest, AListedSizeKeepsOnlyItsDimensionsTheOthersKeepAll) {
  auto settings = Load("window_dimensions: {minute: [total, department, channel]}\n");
  ASSERT_TRUE(settings.ok()) << settings.status();
  const domain::WindowDimensions& kept = settings->window_dimensions;
  EXPECT_EQ(kept.KeptNames(WindowSize::kMinute), "total, department, channel");
  EXPECT_FALSE(kept.Keeps(WindowSize::kMinute, Dimension::kAgent));
  for (WindowSize size : domain::AllWindowSizes()) {
    if (size == WindowSize::kMinute) continue;
    for (Dimension d : domain::AllDimensions()) EXPECT_TRUE(kept.Keeps(size, d));
  }
  auto defaults = Load("grace: 5m\n");
  ASSERT_TRUE(defaults.ok());
  EXPECT_TRUE(defaults->window_dimensions.Keeps(WindowSize::kMinute, Dimension::kAgent));
}

TEST(WindowDimensionsConfigTest, ErrorsNameTheFileTheKeyAndTheProblem) {
  EXPECT_NE(ErrorOf("window_dimensions: {fortnight: [total]}\n")
                .find("window_dimensions.fortnight: not a window size"),
            std::string::npos);
  EXPECT_NE(ErrorOf("window_dimensions: {minute: [total, planet]}\n")
                .find("window_dimensions.minute[1]: unknown dimension 'planet'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("window_dimensions: {minute: []}\n")
                .find("window_dimensions.minute: must be a list of at least one dimension"),
            std::string::npos);
  EXPECT_NE(ErrorOf("window_dimensions: {week: [total]}\n"
                    "targets:\n  - {kpi: answer_rate, dimension: department, window: week, "
                    "threshold: 90}\n")
                .find("targets[0].dimension: 'department' is not kept for week windows "
                      "(window_dimensions.week: total)"),
            std::string::npos);
  EXPECT_NE(ErrorOf("window_dimensions: {month: [total]}\n")
                .find("window_dimensions.month: must keep department: the sqms_kpi_value gauges"),
            std::string::npos);
  EXPECT_NE(ErrorOf("window_dimensions: {hour: [total]}\n"
                    "surges:\n  - {kpi: complaint_volume, dimension: station}\n")
                .find("surges[0].dimension: 'station' is not kept for hour windows"),
            std::string::npos);
}

// domain/kpi_breakdown.h: a KPI whose events cannot name a unit of the
// dimension (calls offered carry no agent) is refused by it, in the file
// and in every read.
TEST(WindowDimensionsConfigTest, ATargetOrSurgeOfAKpiNotBrokenDownByItsDimensionIsRefused) {
  EXPECT_NE(ErrorOf("targets:\n  - {kpi: answer_rate, dimension: agent, window: day, "
                    "threshold: 90}\n")
                .find("targets[0].dimension: answer_rate is not broken down by agent: "
                      "call_offered events carry no agent"),
            std::string::npos);
  EXPECT_NE(ErrorOf("surges:\n  - {kpi: complaint_volume, dimension: plan}\n")
                .find("surges[0].dimension: complaint_volume is not broken down by plan"),
            std::string::npos);
}

TEST(WindowDimensionsConfigTest, TheShippedFileKeepsWhatItsTargetsAndSurgesUse) {
  auto settings =
      config::LoadSettings(sqms::testing::SourceFile("services/metrics/config/metrics.yaml"));
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_FALSE(settings->window_dimensions.Keeps(WindowSize::kMinute, Dimension::kAgent));
}

class KeptDimensionQueryTest : public ::testing::Test {
 protected:
  KeptDimensionQueryTest() : clock_(absl::FromUnixSeconds(1'796'191'200)) {
    app::QueryConfig config;
    config.window_dimensions.KeepOnly(WindowSize::kMinute, std::vector{Dimension::kTotal});
    queries_ = std::make_unique<app::KpiQueries>(reader_, clock_, config);
  }
  static std::string Violation(const absl::Status& status) {
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    std::string out;
    for (const auto& v : runtime::FieldViolations(status)) out += v.field + ": " + v.description;
    return out;
  }
  // average_speed_of_answer of `dimension` ("" = total) in the current window of `size`.
  static app::KpiRequest Get(WindowSize size, const std::string& dimension) {
    app::KpiRequest r;
    r.kpi = "average_speed_of_answer";  // broken down by agent (kpi_breakdown.h)
    r.period.size = size;
    r.dimension = dimension;
    if (!dimension.empty()) r.unit = "a-1";
    return r;
  }

  testing::StubKpiReader reader_;
  sqms::testing::FakeClock clock_;
  std::unique_ptr<app::KpiQueries> queries_;
};

TEST_F(KeptDimensionQueryTest, EveryReadOfANotKeptDimensionIsRefusedOnDimension) {
  const std::string expected = "dimension: 'agent' is not kept for minute windows (kept: total)";
  EXPECT_EQ(Violation(queries_->Get(Get(WindowSize::kMinute, "agent")).status()), expected);
  EXPECT_EQ(Violation(queries_->Explain(Get(WindowSize::kMinute, "agent")).status()), expected);

  app::RangeRequest range;
  range.kpis = {"average_speed_of_answer"};
  range.size = WindowSize::kMinute;
  range.from = "2026-12-02T10:05";
  range.dimension = "agent";
  EXPECT_EQ(Violation(queries_->Query(range).status()), expected);

  app::RankRequest rank;
  rank.period.size = WindowSize::kMinute;
  rank.dimension = "agent";
  rank.kpis = {{"average_speed_of_answer", 1.0}};
  EXPECT_EQ(Violation(queries_->Rank(rank).status()), expected);

  app::WatchRequest watch;
  watch.kpis = {"average_speed_of_answer"};
  watch.size = WindowSize::kMinute;
  watch.dimension = "agent";
  EXPECT_EQ(Violation(app::CheckWatch(watch, queries_->config().window_dimensions).status()),
            expected);

  // The total of a minute and an agent's hour are kept.
  EXPECT_TRUE(queries_->Get(Get(WindowSize::kMinute, "")).ok());
  EXPECT_TRUE(queries_->Get(Get(WindowSize::kHour, "agent")).ok());
  watch.size = WindowSize::kHour;
  EXPECT_TRUE(app::CheckWatch(watch, queries_->config().window_dimensions).ok());
}

TEST_F(KeptDimensionQueryTest, AKpiNotBrokenDownByTheDimensionIsRefusedOnItsField) {
  app::WatchRequest watch;
  watch.kpis = {"average_speed_of_answer", "answer_rate"};
  watch.size = WindowSize::kHour;
  watch.dimension = "agent";
  const absl::Status refused =
      app::CheckWatch(watch, queries_->config().window_dimensions).status();
  EXPECT_EQ(Violation(refused),
            "kpis[1]: answer_rate is not broken down by agent: call_offered events carry no agent");

  app::KpiRequest get = Get(WindowSize::kHour, "agent");
  get.kpi = "answer_rate";
  EXPECT_EQ(Violation(queries_->Get(get).status()),
            "kpi: answer_rate is not broken down by agent: call_offered events carry no agent");
  app::RangeRequest range;
  range.kpis = {"complaint_volume"};
  range.size = WindowSize::kDay;
  range.from = "2026-12-02";
  range.dimension = "plan";
  EXPECT_EQ(Violation(queries_->Query(range).status()),
            "kpis[0]: complaint_volume is not broken down by plan: complaint_submitted events "
            "carry no plan");
  app::RankRequest rank;
  rank.period.size = WindowSize::kDay;
  rank.dimension = "agent";
  rank.kpis = {{"average_speed_of_answer", 1.0}, {"service_level", 1.0}};
  EXPECT_EQ(Violation(queries_->Rank(rank).status()),
            "kpis[1].kpi: service_level is not broken down by agent: call_abandoned events carry "
            "no agent");
}

TEST_F(KeptDimensionQueryTest, AUnitWithTheTotalAndABadRangeLabelAreRefusedOnTheirFields) {
  app::KpiRequest get = Get(WindowSize::kHour, "");
  get.unit = "ticketing-center";
  EXPECT_EQ(Violation(queries_->Get(get).status()),
            "unit: 'ticketing-center' needs its dimension; the total's only unit is all");
  get.unit = "all";
  EXPECT_TRUE(queries_->Get(get).ok());

  app::RangeRequest range;
  range.kpis = {"answer_rate"};
  range.size = WindowSize::kDay;
  range.from = "2026-12-01";
  range.unit = "ticketing-center";
  EXPECT_EQ(Violation(queries_->Query(range).status()),
            "unit: 'ticketing-center' needs its dimension; the total's only unit is all");
  app::WatchRequest watch;
  watch.kpis = {"answer_rate"};
  watch.size = WindowSize::kHour;
  watch.unit = "ticketing-center";
  EXPECT_EQ(Violation(app::CheckWatch(watch, queries_->config().window_dimensions).status()),
            "unit: 'ticketing-center' needs its dimension; the total's only unit is all");
  range.unit = "";
  range.from = "2026-13-01";
  EXPECT_EQ(Violation(queries_->Query(range).status()), "from: '2026-13-01' is not a day label");
}

TEST_F(KeptDimensionQueryTest, AKpiListedTwiceIsRefusedOnItsSecondPlace) {
  app::RangeRequest range;
  range.kpis = {"answer_rate", "complaint_volume", "answer_rate"};
  range.size = WindowSize::kDay;
  range.from = "2026-12-02";
  EXPECT_EQ(Violation(queries_->Query(range).status()), "kpis[2]: already listed at index 0");
  app::RankRequest rank;
  rank.period.size = WindowSize::kDay;
  rank.dimension = "department";
  rank.kpis = {{"answer_rate", 1.0}, {"answer_rate", 2.0}};
  EXPECT_EQ(Violation(queries_->Rank(rank).status()), "kpis[1].kpi: already listed at index 0");
}

}  // namespace
}  // namespace sqms::metrics
