// sqmsctl kpi's flags → sqms.metrics.v1 requests; bad flags are named.
#include "tools/sqmsctl/kpi_args.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "tools/sqmsctl/commands.h"

namespace sqms::tools {
namespace {

namespace mv1 = ::sqms::metrics::v1;
using ::testing::HasSubstr;

MATCHER_P(FailsNaming, text, "") {
  return !arg.ok() && arg.status().code() == absl::StatusCode::kInvalidArgument &&
         absl::StrContains(arg.status().message(), text);
}

TEST(KpiArgsTest, PeriodIsASizeAndAnOptionalLabel) {
  absl::StatusOr<mv1::Period> day = ParsePeriod("--period", "day");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(day->size(), mv1::WINDOW_SIZE_DAY);
  EXPECT_EQ(day->label(), "");
  absl::StatusOr<mv1::Period> labelled = ParsePeriod("--period", "day:2026-12-02");
  ASSERT_TRUE(labelled.ok());
  EXPECT_EQ(labelled->label(), "2026-12-02");
  for (const char* ok : {"minute:2026-12-02T10:05", "hour:2026-12-02T10", "week:2026-W49",
                         "month:2026-12", "quarter:2026-Q4", "MONTH"}) {
    EXPECT_TRUE(ParsePeriod("--period", ok).ok()) << ok;
  }
}

TEST(KpiArgsTest, BadPeriodsNameTheFlagAndWhatIsExpected) {
  EXPECT_THAT(ParsePeriod("--period", "fortnight"),
              FailsNaming("--period \"fortnight\": unknown window size; one of: minute, hour, "
                          "day, week, month, quarter"));
  EXPECT_THAT(ParsePeriod("--period", "day:2026-12"),
              FailsNaming("--period \"2026-12\": not a day label (e.g. 2026-12-02)"));
  EXPECT_THAT(ParsePeriod("--period", "week:2026-49"), FailsNaming("e.g. 2026-W49"));
  EXPECT_THAT(ParsePeriod("--period", "day:"), FailsNaming("empty label"));
  EXPECT_THAT(ParsePeriod("--period", ""), FailsNaming("--period is required"));
}

TEST(KpiArgsTest, GetRequestFromFlags) {
  KpiGetFlags flags;
  flags.kpi = "answer_rate";
  flags.period = "day:2026-12-02";
  flags.by = "department";
  flags.unit = "ticketing-center";
  flags.compare = "2026-11-25";
  flags.drill = true;
  absl::StatusOr<mv1::GetKpiRequest> request = BuildGetKpiRequest(flags);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->kpi(), "answer_rate");
  EXPECT_EQ(request->period().size(), mv1::WINDOW_SIZE_DAY);
  EXPECT_EQ(request->dimension(), "department");
  EXPECT_EQ(request->unit(), "ticketing-center");
  EXPECT_FALSE(request->compare_previous());
  EXPECT_EQ(request->baseline().size(), mv1::WINDOW_SIZE_DAY);
  EXPECT_EQ(request->baseline().label(), "2026-11-25");
  EXPECT_TRUE(request->drill());

  flags.compare = "previous";
  request = BuildGetKpiRequest(flags);
  ASSERT_TRUE(request.ok());
  EXPECT_TRUE(request->compare_previous());
  EXPECT_FALSE(request->has_baseline());
}

TEST(KpiArgsTest, GetRejectsInconsistentFlags) {
  KpiGetFlags flags;
  flags.kpi = "answer_rate";
  flags.period = "month";
  flags.by = "department";
  EXPECT_THAT(BuildGetKpiRequest(flags), FailsNaming("--by department needs --unit"));
  flags.by = "";
  flags.unit = "ticketing-center";
  EXPECT_THAT(BuildGetKpiRequest(flags), FailsNaming("--unit \"ticketing-center\": needs --by"));
  flags.by = "shift";
  EXPECT_THAT(BuildGetKpiRequest(flags),
              FailsNaming("--by \"shift\": unknown dimension; one of: total, department"));
  flags.by = "department";
  flags.compare = "2026-12-01";
  EXPECT_THAT(BuildGetKpiRequest(flags),
              FailsNaming("--compare \"2026-12-01\": not a month label (e.g. 2026-12); or "
                          "--compare previous"));
  flags.compare = "";
  flags.kpi = "answer_rate,abandon_rate";
  EXPECT_THAT(BuildGetKpiRequest(flags), FailsNaming("one KPI only"));
  flags.kpi = "Answer Rate";
  EXPECT_THAT(BuildGetKpiRequest(flags), FailsNaming("bad KPI name \"Answer Rate\""));
}

TEST(KpiArgsTest, QueryRequestFromFlags) {
  KpiQueryFlags flags;
  flags.kpis = "answer_rate,average_answer_seconds";
  flags.period = "day";
  flags.from = "2026-12-01";
  flags.to = "2026-12-07";
  flags.by = "department";
  flags.compare = "previous";
  absl::StatusOr<mv1::QueryKpisRequest> request = BuildQueryKpisRequest(flags);
  ASSERT_TRUE(request.ok()) << request.status();
  ASSERT_EQ(request->kpis_size(), 2);
  EXPECT_EQ(request->kpis(1), "average_answer_seconds");
  EXPECT_EQ(request->size(), mv1::WINDOW_SIZE_DAY);
  EXPECT_EQ(request->from(), "2026-12-01");
  EXPECT_EQ(request->to(), "2026-12-07");
  EXPECT_EQ(request->dimension(), "department");
  EXPECT_EQ(request->unit(), "");  // every unit seen
  EXPECT_TRUE(request->compare_previous());
}

TEST(KpiArgsTest, QueryRejectsBadFlags) {
  KpiQueryFlags flags;
  flags.kpis = "answer_rate";
  flags.period = "day:2026-12-01";
  flags.from = "2026-12-01";
  EXPECT_THAT(BuildQueryKpisRequest(flags), FailsNaming("--period \"day:2026-12-01\": a size only"));
  flags.period = "day";
  flags.to = "2026-12";
  EXPECT_THAT(BuildQueryKpisRequest(flags), FailsNaming("--to \"2026-12\": not a day label"));
  flags.to = "";
  flags.from = "";
  EXPECT_THAT(BuildQueryKpisRequest(flags), FailsNaming("--from is required"));
  flags.from = "2026-12-01";
  flags.compare = "2026-11-30";
  EXPECT_THAT(BuildQueryKpisRequest(flags), FailsNaming("--compare \"2026-11-30\""));
  flags.compare = "";
  flags.kpis = "answer_rate,answer_rate";
  EXPECT_THAT(BuildQueryKpisRequest(flags), FailsNaming("given twice"));
  flags.kpis = "";
  for (int i = 0; i < 21; ++i) flags.kpis += (i ? ",k" : "k") + std::to_string(i);
  EXPECT_THAT(BuildQueryKpisRequest(flags), FailsNaming("at most 20 KPIs"));
}

TEST(KpiArgsTest, RankRequestWithWeights) {
  KpiRankFlags flags;
  flags.period = "month:2026-11";
  flags.by = "department";
  flags.kpis = "answer_rate=2,satisfaction_rate=1,nps";
  flags.bottom = 2;
  absl::StatusOr<mv1::RankUnitsRequest> request = BuildRankUnitsRequest(flags);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->period().label(), "2026-11");
  EXPECT_EQ(request->dimension(), "department");
  ASSERT_EQ(request->kpis_size(), 3);
  EXPECT_EQ(request->kpis(0).kpi(), "answer_rate");
  EXPECT_EQ(request->kpis(0).weight(), 2);
  EXPECT_EQ(request->kpis(2).weight(), 1);  // no weight: 1
  EXPECT_EQ(request->bottom_n(), 2);
  EXPECT_FALSE(request->has_min_sample()) << "not given: the service's default";
  flags.min_sample = 0;
  request = BuildRankUnitsRequest(flags);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(request->has_min_sample());
  EXPECT_EQ(request->min_sample(), 0);
}

TEST(KpiArgsTest, RankRejectsBadFlags) {
  KpiRankFlags flags;
  flags.period = "month";
  flags.by = "department";
  flags.kpis = "answer_rate=0";
  EXPECT_THAT(BuildRankUnitsRequest(flags),
              FailsNaming("--kpi \"answer_rate=0\": weight of answer_rate must be a finite "
                          "number > 0"));
  flags.kpis = "answer_rate=inf";
  EXPECT_THAT(BuildRankUnitsRequest(flags), FailsNaming("not \"inf\""));
  flags.kpis = "answer_rate=heavy";
  EXPECT_THAT(BuildRankUnitsRequest(flags), FailsNaming("not \"heavy\""));
  flags.kpis = "=2";
  EXPECT_THAT(BuildRankUnitsRequest(flags), FailsNaming("bad item \"=2\""));
  flags.kpis = "";
  EXPECT_THAT(BuildRankUnitsRequest(flags), FailsNaming("--kpi is required"));
  flags.kpis = "answer_rate";
  flags.by = "total";
  EXPECT_THAT(BuildRankUnitsRequest(flags), FailsNaming("--by is required"));
  flags.by = "department";
  flags.bottom = 0;
  EXPECT_THAT(BuildRankUnitsRequest(flags), FailsNaming("--bottom \"0\": must be at least 1"));
  flags.bottom = 1;
  flags.min_sample = -5;
  EXPECT_THAT(BuildRankUnitsRequest(flags), FailsNaming("--min-sample \"-5\": must be at least 0"));
}

TEST(KpiArgsTest, WatchRequestFromFlags) {
  KpiWatchFlags flags;
  flags.kpis = "answer_rate,satisfaction_rate";
  flags.period = "day";
  flags.by = "department";
  flags.unit = "ticketing-center";
  flags.previous = 2;
  flags.drill = true;
  auto request = BuildWatchKpisRequest(flags);
  ASSERT_TRUE(request.ok()) << request.status();
  ASSERT_EQ(request->kpis_size(), 2);
  EXPECT_EQ(request->kpis(1), "satisfaction_rate");
  EXPECT_EQ(request->size(), mv1::WINDOW_SIZE_DAY);
  EXPECT_EQ(request->dimension(), "department");
  EXPECT_EQ(request->unit(), "ticketing-center");
  EXPECT_EQ(request->previous_windows(), 2);
  EXPECT_TRUE(request->drill());
}

TEST(KpiArgsTest, WatchRejectsALabelAndTooManyPreviousWindows) {
  KpiWatchFlags flags;
  flags.kpis = "answer_rate";
  flags.period = "day:2026-12-02";
  EXPECT_THAT(BuildWatchKpisRequest(flags), FailsNaming("a size only here"));
  flags.period = "hour";
  flags.previous = 32;
  EXPECT_THAT(BuildWatchKpisRequest(flags), FailsNaming("--previous \"32\": must be 0..31"));
  flags.previous = 0;
  flags.kpis = "";
  EXPECT_FALSE(BuildWatchKpisRequest(flags).ok());
}

TEST(KpiArgsTest, WatchParses) {
  CLI::App app;
  app.fallthrough();
  Cli cli;
  RegisterGlobalFlags(app, cli.global);
  RegisterKpiCommands(app, cli);
  app.parse("kpi watch answer_rate --period day --by department --previous 1", false);
  EXPECT_TRUE(static_cast<bool>(cli.run));
}

// The commands are registered under `kpi` and --metrics-addr reaches them
// (flag, or SQMS_METRICS_ADDR).
TEST(KpiArgsTest, MetricsAddressFlag) {
  CLI::App app;
  app.fallthrough();
  Cli cli;
  RegisterGlobalFlags(app, cli.global);
  RegisterKpiCommands(app, cli);
  EXPECT_EQ(cli.global.metrics_server, "127.0.0.1:50061");
  app.parse("kpi defs --metrics-addr metrics:50061", false);
  EXPECT_EQ(cli.global.metrics_server, "metrics:50061");
  EXPECT_TRUE(static_cast<bool>(cli.run));
}

}  // namespace
}  // namespace sqms::tools
