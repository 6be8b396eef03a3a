// sqmsctl kpi's renderings, from hand-made answers of the metrics service.
#include "tools/sqmsctl/kpi_view.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

namespace sqms::tools {
namespace {

namespace mv1 = ::sqms::metrics::v1;
using google::protobuf::util::TimeUtil;
using ::testing::HasSubstr;
using ::testing::Not;

// Times shown in Shanghai, the operator's default zone; UTC again after.
class KpiViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::TimeZone shanghai;
    ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
    SetDisplayZone(shanghai);
  }
  void TearDown() override { SetDisplayZone(absl::UTCTimeZone()); }
};

mv1::KpiDefinition Definition(const std::string& name, const std::string& unit,
                              mv1::Direction direction) {
  mv1::KpiDefinition d;
  d.set_name(name);
  d.set_unit(unit);
  d.set_direction(direction);
  return d;
}

mv1::ListKpiDefinitionsResponse Definitions() {
  mv1::ListKpiDefinitionsResponse r;
  mv1::KpiDefinition* answer = r.add_kpis();
  *answer = Definition("answer_rate", "percent", mv1::DIRECTION_HIGHER_IS_BETTER);
  answer->set_title("Call answer rate 接通率");
  answer->set_formula("answered / offered × 100 %");
  answer->set_numerator("calls_answered");
  answer->set_denominator("calls_offered");
  *r.add_kpis() = Definition("average_answer_seconds", "seconds", mv1::DIRECTION_LOWER_IS_BETTER);
  *r.add_kpis() = Definition("nps", "score", mv1::DIRECTION_HIGHER_IS_BETTER);
  *r.add_kpis() = Definition("complaints", "count", mv1::DIRECTION_LOWER_IS_BETTER);
  return r;
}

// A day of department `unit`: 2026-12-02 in Shanghai = 2026-12-01T16:00Z.
mv1::KpiValue Value(const std::string& kpi, const std::string& unit, double value,
                    int64_t numerator, int64_t denominator) {
  mv1::KpiValue v;
  v.set_kpi(kpi);
  v.set_period("2026-12-02");
  v.set_size(mv1::WINDOW_SIZE_DAY);
  *v.mutable_start() = TimeUtil::SecondsToTimestamp(1796140800);  // 2026-12-01T16:00:00Z
  *v.mutable_end() = TimeUtil::SecondsToTimestamp(1796140800 + 86400);
  v.set_dimension("department");
  v.set_unit(unit);
  v.set_value(value);
  v.set_numerator(numerator);
  v.set_denominator(denominator);
  return v;
}

TEST_F(KpiViewTest, NumbersInTheirUnitsWithARealMinusSign) {
  EXPECT_EQ(FormatKpiNumber(92.44, "percent"), "92.44 %");
  EXPECT_EQ(FormatKpiNumber(100, "percent"), "100.00 %");
  EXPECT_EQ(FormatKpiNumber(37.4, "seconds"), "37 s");
  EXPECT_EQ(FormatKpiNumber(4.46, "seconds"), "4.5 s");
  EXPECT_EQ(FormatKpiNumber(-12, "score"), "\u221212");
  EXPECT_EQ(FormatKpiNumber(81.5, "score"), "81.5");
  EXPECT_EQ(FormatKpiNumber(1204, "count"), "1204");
  EXPECT_EQ(FormatKpiNumber(0.123456, "unknown"), "0.1235");
  // A negative that rounds to zero shows no sign.
  EXPECT_EQ(FormatKpiNumber(-0.001, "percent"), "0.00 %");
}

// The complaint rate per 10,000 passengers is a fraction most days: as a
// count it printed 0.35 as "0".
TEST_F(KpiViewTest, RatesPerTenThousandKeepTheirDecimals) {
  EXPECT_EQ(FormatKpiNumber(0.35, "per_10000"), "0.35 \u2031");
  EXPECT_EQ(FormatKpiNumber(12, "per_10000"), "12.00 \u2031");
  EXPECT_EQ(FormatKpiChange(-0.1, "per_10000"), "\u22120.10 \u2031");
  EXPECT_EQ(FormatKpiAgainstTarget(0.499, 0.5, "per_10000"),
            std::make_pair(std::string("0.49 \u2031"), std::string("0.50 \u2031")));
}

TEST_F(KpiViewTest, TwoDecimalsAndHalvesRoundAwayFromZero) {
  EXPECT_EQ(FormatKpiNumber(94.952, "percent"), "94.95 %") << "not 95.0 % beside a 95 % target";
  EXPECT_EQ(FormatKpiNumber(-6.25, "score"), "\u22126.25") << "NPS −6.25 is not −6.2";
  EXPECT_EQ(FormatKpiNumber(-6.125, "score"), "\u22126.13") << "a half away from zero, not to even";
  EXPECT_EQ(FormatKpiNumber(0.125, "percent"), "0.13 %");
  EXPECT_EQ(FormatKpiNumber(2.5, "count"), "3");
  EXPECT_EQ(FormatKpiNumber(0.25, "seconds"), "0.3 s");
}

TEST_F(KpiViewTest, AValueOnTheWrongSideOfItsTargetNeverPrintsAsTheTarget) {
  EXPECT_EQ(FormatKpiAgainstTarget(94.999, 95, "percent"),
            std::make_pair(std::string("94.99 %"), std::string("95.00 %")));
  EXPECT_EQ(FormatKpiAgainstTarget(3600.4, 3600, "seconds"),
            std::make_pair(std::string("3601 s"), std::string("3600 s")));
  EXPECT_EQ(FormatKpiAgainstTarget(-10.001, -10, "score"),
            std::make_pair(std::string("\u221210.01"), std::string("\u221210")));
  // Otherwise as FormatKpiNumber, and a value equal to its threshold as it is.
  EXPECT_EQ(FormatKpiAgainstTarget(94.952, 95, "percent"),
            std::make_pair(std::string("94.95 %"), std::string("95.00 %")));
  EXPECT_EQ(FormatKpiAgainstTarget(95, 95, "percent"),
            std::make_pair(std::string("95.00 %"), std::string("95.00 %")));
}

TEST_F(KpiViewTest, ChangesAreSignedAndPercentagesInPoints) {
  EXPECT_EQ(FormatKpiChange(-1.25, "percent"), "\u22121.25 pp");
  EXPECT_EQ(FormatKpiChange(3, "seconds"), "+3.0 s");
  EXPECT_EQ(FormatKpiChange(-30, "seconds"), "\u221230 s");
  EXPECT_EQ(FormatKpiChange(5, "count"), "+5");
  EXPECT_EQ(FormatKpiChange(0, "percent"), "+0.00 pp");
}

TEST_F(KpiViewTest, DefinitionsTable) {
  const std::string text = KpiDefinitionsTable(Definitions()).Render();
  EXPECT_THAT(text, HasSubstr("NAME"));
  EXPECT_THAT(text, HasSubstr("DIRECTION"));
  EXPECT_THAT(text, HasSubstr("answer_rate"));
  EXPECT_THAT(text, HasSubstr("Call answer rate 接通率"));
  EXPECT_THAT(text, HasSubstr("answered / offered × 100 %"));
  EXPECT_THAT(text, HasSubstr("higher is better"));
  EXPECT_THAT(text, HasSubstr("lower is better"));
}

TEST_F(KpiViewTest, CellShowsCountsRevisionAndChangeOnRequest) {
  const KpiCatalog catalog = CatalogOf(Definitions());
  mv1::KpiValue v = Value("answer_rate", "ticketing-center", 92.4, 924, 1000);
  EXPECT_EQ(KpiCell(v, catalog, false), "92.40 %");
  EXPECT_EQ(KpiCell(v, catalog, true), "92.40 % (924/1000)");
  v.set_revision(2);
  v.mutable_comparison()->set_baseline_label("2026-12-01");
  v.mutable_comparison()->set_baseline_value(93.6);
  v.mutable_comparison()->set_change(-1.2);
  v.mutable_comparison()->set_significant(true);
  EXPECT_EQ(KpiCell(v, catalog, false), "92.40 % r2 Δ\u22121.20 pp*");
  // No sample: the denominator was 0.
  mv1::KpiValue empty = Value("answer_rate", "x", 0, 0, 0);
  empty.clear_value();
  EXPECT_EQ(KpiCell(empty, catalog, true), "- (0/0)");
  // A KPI this client does not know: a bare number.
  EXPECT_EQ(KpiCell(Value("new_kpi", "x", 3.25, 13, 4), catalog, false), "3.25");
}

TEST_F(KpiViewTest, ValueDetailShowsTheWindowInTheOperatorsZone) {
  mv1::KpiValue v = Value("answer_rate", "ticketing-center", 92.4, 924, 1000);
  v.set_closed(true);
  v.set_revision(1);
  v.mutable_comparison()->set_baseline_label("2026-12-01");
  v.mutable_comparison()->set_baseline_value(93.6);
  v.mutable_comparison()->set_change(-1.2);
  const std::string text = KpiValueDetail(v, CatalogOf(Definitions()));
  EXPECT_THAT(text, HasSubstr("kpi:         answer_rate — Call answer rate 接通率\n"));
  EXPECT_THAT(text, HasSubstr("period:      2026-12-02 (day, 2026-12-02T00:00:00+08:00 → "
                              "2026-12-03T00:00:00+08:00, closed)\n"));
  EXPECT_THAT(text, HasSubstr("unit:        department ticketing-center\n"));
  EXPECT_THAT(text, HasSubstr("value:       92.40 % (924/1000)\n"));
  EXPECT_THAT(text, HasSubstr("revision:    r1 (corrected by late events"));
  EXPECT_THAT(text, HasSubstr("baseline:    2026-12-01: 93.60 %\n"));
  EXPECT_THAT(text, HasSubstr("change:      \u22121.20 pp (not significant)\n"));
}

TEST_F(KpiViewTest, ValueDetailWithoutSampleOrComparison) {
  mv1::KpiValue v = Value("answer_rate", "all", 0, 0, 0);
  v.clear_value();
  v.set_dimension("total");
  const std::string text = KpiValueDetail(v, CatalogOf(Definitions()));
  EXPECT_THAT(text, HasSubstr("unit:        total\n"));
  EXPECT_THAT(text, HasSubstr("value:       - (no sample: denominator 0)\n"));
  EXPECT_THAT(text, HasSubstr("open)"));
  EXPECT_THAT(text, Not(HasSubstr("baseline")));
  EXPECT_THAT(text, Not(HasSubstr("revision")));
}

TEST_F(KpiViewTest, QueryTableHasOneRowPerPeriodAndUnitAndOneColumnPerKpi) {
  mv1::QueryKpisResponse r;
  // By period, then kpi, then unit, as the service answers.
  *r.add_values() = Value("answer_rate", "customer-service", 92.4, 924, 1000);
  *r.add_values() = Value("answer_rate", "ticketing-center", 88.0, 88, 100);
  *r.add_values() = Value("average_answer_seconds", "customer-service", 37.2, 34373, 924);
  mv1::KpiValue late = Value("average_answer_seconds", "ticketing-center", 12.0, 1056, 88);
  late.set_revision(2);
  *r.add_values() = late;
  mv1::KpiValue next = Value("answer_rate", "customer-service", 95.0, 95, 100);
  next.set_period("2026-12-03");
  *r.add_values() = next;
  const Table table = KpiQueryTable(r, {"answer_rate", "average_answer_seconds"}, "department",
                                    CatalogOf(Definitions()), false);
  EXPECT_EQ(table.Render(),
            "PERIOD      DEPARTMENT        answer_rate  average_answer_seconds\n"
            "2026-12-02  customer-service  92.40 %      37 s\n"
            "2026-12-02  ticketing-center  88.00 %      12 s r2\n"
            "2026-12-03  customer-service  95.00 %      -\n");
}

TEST_F(KpiViewTest, QueryTableWithCountsAndTheTotal) {
  mv1::QueryKpisResponse r;
  mv1::KpiValue v = Value("nps", "all", -12, -30, 250);  // net promoters: −30 / 250 × 100
  v.set_dimension("total");
  *r.add_values() = v;
  const std::string text =
      KpiQueryTable(r, {"nps"}, "", CatalogOf(Definitions()), true).Render();
  EXPECT_EQ(text,
            "PERIOD      UNIT  nps\n"
            "2026-12-02  all   \u221212 (\u221230/250)\n");
}

TEST_F(KpiViewTest, RankingTableFlagsTheWorstAndNamesTheExcluded) {
  mv1::RankUnitsResponse r;
  r.set_a(0.5);
  r.set_b(0.1);
  r.add_excluded("night-shift");
  mv1::RankedUnit* best = r.add_units();
  best->set_unit("customer-service");
  best->set_position(1);
  best->set_wrsr(0.8333);
  best->set_tier(3);
  *best->add_values() = Value("answer_rate", "customer-service", 95.5, 955, 1000);
  *best->add_values() = Value("nps", "customer-service", 31, 0, 0);
  mv1::RankedUnit* worst = r.add_units();
  worst->set_unit("ticketing-center");
  worst->set_position(2);
  worst->set_wrsr(0.1667);
  worst->set_tier(1);
  worst->set_flagged(true);
  *worst->add_values() = Value("answer_rate", "ticketing-center", 80.0, 80, 100);
  *worst->add_values() = Value("nps", "ticketing-center", -5, 0, 0);
  EXPECT_EQ(RankUnitsText(r, {"answer_rate", "nps"}, CatalogOf(Definitions())),
            "POS  UNIT              WRSR   TIER  FLAGGED  answer_rate  nps\n"
            "1    customer-service  0.833  3              95.50 %      31\n"
            "2    ticketing-center  0.167  1     yes      80.00 %      \u22125\n"
            "RSR = a + b·probit: a = 0.500, b = 0.100; tier 1 is the worst\n"
            "not ranked (no value or too small a sample for some KPI): night-shift\n");
}

TEST_F(KpiViewTest, ExplainShowsEverythingBehindTheValue) {
  mv1::KpiExplanation e;
  *e.mutable_definition() = Definitions().kpis(0);
  e.mutable_definition()->add_sources("call_offered");
  e.mutable_definition()->add_sources("call_answered");
  *e.mutable_value() = Value("answer_rate", "ticketing-center", 92.4, 924, 1000);
  e.mutable_value()->set_closed(true);
  (*e.mutable_counters())["calls_offered"] = 1000;
  (*e.mutable_counters())["calls_answered"] = 924;
  (*e.mutable_counters())["calls_abandoned"] = 76;
  (*e.mutable_events_by_type())["call_offered"] = 1000;
  (*e.mutable_events_by_type())["call_answered"] = 924;
  e.set_late_events(3);
  e.set_revision(2);
  const std::string text = ExplainKpiText(e);
  EXPECT_THAT(text, HasSubstr("value:       92.40 % (924/1000)\n"));
  EXPECT_THAT(text, HasSubstr("formula:     answered / offered × 100 %\n"));
  EXPECT_THAT(text, HasSubstr("numerator:   calls_answered = 924\n"));
  EXPECT_THAT(text, HasSubstr("denominator: calls_offered = 1000\n"));
  EXPECT_THAT(text, HasSubstr("sources:     call_offered, call_answered\n"));
  EXPECT_THAT(text, HasSubstr("late events: 3 counted after the window closed\n"));
  EXPECT_THAT(text, HasSubstr("revision:    r2 (corrected by late events"));
  // Counters sorted by name, whatever the map's order.
  EXPECT_THAT(text, HasSubstr("counters:\n"
                              "  COUNTER          VALUE\n"
                              "  calls_abandoned  76\n"
                              "  calls_answered   924\n"
                              "  calls_offered    1000\n"));
  EXPECT_THAT(text, HasSubstr("events:\n"
                              "  TYPE           COUNT\n"
                              "  call_answered  924\n"
                              "  call_offered   1000\n"));
}

TEST_F(KpiViewTest, ExplainOfAnOpenWindowNamesTheDenominatorItsValueUsed) {
  mv1::KpiExplanation e;
  *e.mutable_definition() = Definitions().kpis(0);
  e.mutable_definition()->set_open_denominator("calls_answered + calls_abandoned");
  *e.mutable_value() = Value("answer_rate", "ticketing-center", 96.0, 24, 25);
  e.mutable_value()->set_closed(false);
  EXPECT_THAT(ExplainKpiText(e),
              HasSubstr("denominator: calls_answered + calls_abandoned = 25 (calls with an "
                        "outcome while the window is open; calls_offered once it closes)\n"));
  e.mutable_value()->set_closed(true);
  EXPECT_THAT(ExplainKpiText(e), HasSubstr("denominator: calls_offered = 25\n"));
}

TEST_F(KpiViewTest, ExplainOfACountHasNoDenominatorLine) {
  mv1::KpiExplanation e;
  *e.mutable_definition() = Definition("complaints", "count", mv1::DIRECTION_LOWER_IS_BETTER);
  e.mutable_definition()->set_numerator("complaints");
  *e.mutable_value() = Value("complaints", "ticketing-center", 17, 17, 17);
  const std::string text = ExplainKpiText(e);
  EXPECT_THAT(text, HasSubstr("value:       17 (17/17)\n"));
  EXPECT_THAT(text, HasSubstr("numerator:   complaints = 17\n"));
  EXPECT_THAT(text, Not(HasSubstr("denominator")));
  EXPECT_THAT(text, HasSubstr("revision:    0 (as first computed)\n"));
  EXPECT_THAT(text, Not(HasSubstr("counters:")));
}

TEST_F(KpiViewTest, BreachesTableShowsEachEventAgainstItsTarget) {
  mv1::ListBreachesResponse r;
  ::sqms::events::v1::KpiEvent* e = r.add_events();
  e->set_type(::sqms::events::v1::KPI_EVENT_TYPE_BREACHED);
  *e->mutable_occurred_at() = TimeUtil::SecondsToTimestamp(1796140800 + 3600);  // 01:00 in Shanghai
  e->set_kpi("answer_rate");
  e->set_dimension("department");
  e->set_unit("ticketing-center");
  e->set_period("2026-12-02");
  e->set_value(75);
  e->set_threshold(90);
  e->set_sample(20);
  e->set_direction("higher_is_better");
  const std::string text = KpiBreachesTable(r, CatalogOf(Definitions())).Render();
  EXPECT_THAT(text, HasSubstr("breached"));
  EXPECT_THAT(text, HasSubstr("department=ticketing-center"));
  EXPECT_THAT(text, HasSubstr("75.00 %"));
  EXPECT_THAT(text, HasSubstr("≥ 90.00 %"));
  EXPECT_THAT(text, HasSubstr("2026-12-02T01:00:00+08:00"));
}

TEST_F(KpiViewTest, ABreachJustBelowItsTargetDoesNotReadAsMet) {
  mv1::ListBreachesResponse r;
  ::sqms::events::v1::KpiEvent* e = r.add_events();
  e->set_type(::sqms::events::v1::KPI_EVENT_TYPE_BREACHED);
  e->set_kpi("answer_rate");
  e->set_value(94.999);
  e->set_threshold(95);
  e->set_direction("higher_is_better");
  const std::string text = KpiBreachesTable(r, CatalogOf(Definitions())).Render();
  EXPECT_THAT(text, HasSubstr("94.99 %"));
  EXPECT_THAT(text, HasSubstr("≥ 95.00 %"));
}

}  // namespace
}  // namespace sqms::tools
