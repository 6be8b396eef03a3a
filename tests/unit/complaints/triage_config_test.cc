#include "services/complaints/config/triage_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>


#include "absl/strings/str_replace.h"
#include "tests/source_path.h"
#include "tests/unit/complaints/minimal_triage_config.h"

namespace sqms::complaints::config {
namespace {

using domain::Category;
using domain::Priority;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string ShippedPath() {
  return sqms::testing::SourceFile("services/complaints/config/triage.yaml");
}

constexpr const char* kMinimal = sqms::complaints::testing::kMinimalTriageConfig;

TEST(TriageConfigTest, ShippedDefaultLoads) {
  auto config = LoadTriageConfig(ShippedPath());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->categories.size(), 12u);
  EXPECT_EQ(config->categories[0].category, Category::kSafety);
  EXPECT_TRUE(config->categories[0].decisive);
  EXPECT_EQ(config->version.size(), 12u);
  EXPECT_FALSE(config->signals.empty());
  EXPECT_EQ(config->sla.size(), 4u);
  EXPECT_EQ(config->sla.at(Priority::kP1).first_response, absl::Minutes(30));
  EXPECT_FALSE(config->sla.at(Priority::kP1).business_hours);
  EXPECT_EQ(config->sla.at(Priority::kP1).follow_up, absl::Hours(24));
  // On business clocks "1d" is one business day (calendar.business_day).
  EXPECT_EQ(config->sla.at(Priority::kP2).resolution, absl::Hours(9) + absl::Minutes(30));
  EXPECT_EQ(config->sla.at(Priority::kP4).resolution, 5 * (absl::Hours(9) + absl::Minutes(30)));
  EXPECT_DOUBLE_EQ(config->at_risk_share, 0.8);
  EXPECT_EQ(config->max_customer_wait, absl::Hours(72));  // "3d": wall time, not business days
  EXPECT_EQ(config->calendar.zone.name(), "Asia/Shanghai");
  EXPECT_TRUE(config->calendar.holidays.contains(absl::CivilDay(2026, 10, 1)));
  EXPECT_TRUE(config->calendar.extra_workdays.contains(absl::CivilDay(2026, 10, 10)));
  EXPECT_EQ(config->calendar.week[6].end, config->calendar.week[6].start);  // Sunday closed
  EXPECT_EQ(config->duplicate_window, absl::Hours(24));
  EXPECT_EQ(config->idempotency_ttl, absl::Hours(24));
  // The model policy chosen by cross-validation (tools/triage-cv, ADR 0007).
  EXPECT_DOUBLE_EQ(config->model.model_weight, 4);
  EXPECT_DOUBLE_EQ(config->model.sentence_safety_probability, 0.8);
  EXPECT_DOUBLE_EQ(config->model.rules_win_score, 6);
  EXPECT_GT(config->model.safety_sure_probability, 1);  // unset: never
  // The general hotlines' queues are the customer service centre's.
  const domain::Triage triage(*config);
  ASSERT_NE(triage.DepartmentOfQueue("12306"), nullptr);
  EXPECT_EQ(*triage.DepartmentOfQueue("12306"), "customer-service");
  EXPECT_EQ(triage.DepartmentOfQueue("no-such-queue"), nullptr);
}

TEST(TriageConfigTest, ShippedDefaultClassifiesRealComplaints) {
  auto config = LoadTriageConfig(ShippedPath());
  ASSERT_TRUE(config.ok()) << config.status();
  domain::Triage triage(*config);
  struct Case {
    std::string text, station;
    Category category;
    Priority priority;
    std::string department;
  } cases[] = {
      {"车厢连接处有人吸烟，烟雾很大", "", Category::kSafety, Priority::kP1, "safety-office"},
      {"火车晚点三小时没有通知", "", Category::kTimeliness, Priority::kP3, "dispatch-center"},
      {"12306 退票一直不到账", "", Category::kTicketing, Priority::kP3, "ticketing-center"},
      {"在北京南改签被拒", "北京南", Category::kTicketing, Priority::kP3,
       "beijing-south-ticketing"},
      {"Network OUTAGE in my area, urgent", "", Category::kNetworkFault, Priority::kP1,
       "network-operations"},
      {"乘务员态度粗鲁", "", Category::kServiceAttitude, Priority::kP3, "service-quality"},
      {"车厢空调不制冷", "Beijing South", Category::kFacilities, Priority::kP3,
       "facilities-maintenance"},
      {"你好，咨询一下", "", Category::kOther, Priority::kP3, "customer-service"},
  };
  for (const Case& c : cases) {
    domain::Submission s;
    s.content = c.text;
    s.location.station = c.station;
    domain::Assessment a = triage.Assess(s);
    EXPECT_EQ(a.category, c.category) << c.text;
    EXPECT_EQ(a.priority, c.priority) << c.text;
    EXPECT_EQ(a.department, c.department) << c.text;
    EXPECT_TRUE(triage.HasDepartment(a.department)) << c.text;
  }
}

TEST(TriageConfigTest, MinimalConfigLoadsWithDefaults) {
  auto config = LoadTriageConfigFromString(kMinimal, "t.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->default_department, "customer-service");
  ASSERT_EQ(config->departments.size(), 1u);
  EXPECT_EQ(config->departments[0].id, "customer-service");
  EXPECT_EQ(config->departments[0].name, "客服中心");
  // Default business day is 8h.
  EXPECT_EQ(config->sla.at(Priority::kP2).resolution, absl::Hours(8));
  EXPECT_EQ(config->importance_by_category.at(Category::kSafety), domain::Level::kHigh);
}

TEST(TriageConfigTest, EachBadKeyIsNamed) {
  struct Case {
    std::string from, to, message;
  } cases[] = {
      {"resolution: 1d,", "resolution: 4x,",
       R"(t.yaml: sla.P2.resolution: "4x" is not a duration (use 30m, 4h, 2d))"},
      {"follow_up: 3d}", "follow_up: 0m}",
       R"(t.yaml: sla.P3.follow_up: "0m" is not a duration (use 30m, 4h, 2d))"},
      {"name: safety", "name: safty", R"(t.yaml: categories[0].name: unknown category "safty")"},
      {"importance: high", "importance: huge",
       R"(t.yaml: categories[0].importance: unknown level "huge" (use low, medium, high))"},
      {"keywords: [fire]", "keywords: fire", "t.yaml: categories[0].keywords: must be a list"},
      {"  P3: {first_response: 4h, resolution: 3d, follow_up: 3d}\n", "",
       "t.yaml: sla.P3: is required"},
      {"sla:\n", "sla:\n  P5: {first_response: 1h}\n",
       "t.yaml: sla.P5: unknown priority (use at_risk_share, max_customer_wait, P1, P2, P3, P4)"},
      {"sla:\n", "sla:\n  at_risk_share: 1.5\n",
       "t.yaml: sla.at_risk_share: must be between 0 and 1 (exclusive)"},
      {"sla:\n", "sla:\n  max_customer_wait: 91d\n",
       "t.yaml: sla.max_customer_wait: must be more than 0 and at most 90d"},
      {"clock: 24x7", "clock: weekly",
       R"(t.yaml: sla.P1.clock: "weekly" is not a clock (use business, 24x7))"},
      {"Asia/Shanghai", "Mars/Olympus",
       R"(t.yaml: calendar.time_zone: unknown time zone "Mars/Olympus" (e.g. Asia/Shanghai))"},
      {"\"08:30-18:00\"", "\"18:00-08:30\"",
       R"(t.yaml: calendar.hours.mon: "18:00-08:30" is not opening hours (use 08:30-18:00 or closed))"},
      {"{mon:", "{monday:", "t.yaml: calendar.hours.monday: unknown key"},
      {"  hours:", "  holidays: [2026-02-30]\n  hours:",
       R"(t.yaml: calendar.holidays[0]: "2026-02-30" is not a date (use 2026-10-01))"},
      {"  hours:", "  holidays: [2026-10-01]\n  workdays: [2026-10-01]\n  hours:",
       "t.yaml: calendar.workdays: 2026-10-01 is also a holiday"},
      {"calendar:\n", "colour: red\ncalendar:\n", "t.yaml: colour: unknown key"},
      {"importance: high}", "importance: high, decisive: maybe}",
       R"(t.yaml: categories[0].decisive: "maybe" is not true or false)"},
      {"calendar:\n", "signals:\n  - {name: x, raises: mood, keywords: [a]}\ncalendar:\n",
       R"(t.yaml: signals[0].raises: "mood" is not urgency or importance)"},
      {"calendar:\n", "negation: {window: 50}\ncalendar:\n",
       "t.yaml: negation.window: must be a whole number of tokens in 0..20"},
      {"calendar:\n", "routing:\n  rules:\n    - {category: safety}\ncalendar:\n",
       "t.yaml: routing.rules[0].department: is required"},
      {"calendar:\n", "routing:\n  rules:\n    - {department: x}\ncalendar:\n",
       "t.yaml: routing.rules[0]: needs a category, region or station"},
      // Routing names are the department ids complaints carry, never display names.
      {"calendar:\n",
       "routing:\n  rules:\n    - {category: safety, department: Safety Office}\n"
       "calendar:\n",
       "t.yaml: routing.rules[0].department: must be a department id: lowercase letters, digits "
       "and '-', at most 64 characters (e.g. ticketing-center)"},
      {"calendar:\n", "routing:\n  default: 客服中心\ncalendar:\n",
       "t.yaml: routing.default: must be a department id: lowercase letters, digits and '-', at "
       "most 64 characters (e.g. ticketing-center)"},
      // One list of departments, and routing names only listed ones.
      {"departments:\n  - {id: customer-service, name: 客服中心}\n", "",
       "t.yaml: departments: is required"},
      {"  - {id: customer-service, name: 客服中心}\n", "",
       "t.yaml: departments: must be a non-empty list of {id, name}"},
      {"{id: customer-service,", "{id: Customer Service,",
       "t.yaml: departments[0].id: must be a department id: lowercase letters, digits and '-'"},
      {"  - {id: customer-service, name: 客服中心}\n",
       "  - {id: customer-service, name: 客服中心}\n  - {id: customer-service, name: 客服}\n",
       R"(t.yaml: departments[1].id: department "customer-service" listed twice)"},
      {"name: 客服中心}", "name: \" \"}", "t.yaml: departments[0].name: must not be blank"},
      {"{id: customer-service, name: 客服中心}", "{id: customer-service}",
       "t.yaml: departments[0].name: is required"},
      {"name: 客服中心}", "name: 客服中心, head: wang}",
       "t.yaml: departments[0].head: unknown key"},
      // A call-center queue is one department's.
      {"name: 客服中心}", "name: 客服中心, queues: 12306}",
       "t.yaml: departments[0].queues: must be a list of queue names"},
      {"name: 客服中心}", "name: 客服中心, queues: [12306, \" \"]}",
       "t.yaml: departments[0].queues[1]: must not be blank"},
      {"  - {id: customer-service, name: 客服中心}\n",
       "  - {id: customer-service, name: 客服中心, queues: [\"12306\"]}\n"
       "  - {id: ticketing-center, name: 票务中心, queues: [vip, \"12306\"]}\n",
       R"(t.yaml: departments[1].queues[1]: queue "12306" is already department )"
       R"("customer-service"'s: a queue is one department's)"},
      {"calendar:\n",
       "routing:\n  rules:\n    - {category: safety, department: safety-office}\ncalendar:\n",
       R"(t.yaml: routing.rules[0].department: department "safety-office" is not one of )"
       "departments (list it there, with its name)"},
      {"calendar:\n", "routing:\n  default: no-such-dept\ncalendar:\n",
       R"(t.yaml: routing.default: department "no-such-dept" is not one of departments)"},
      {"{id: customer-service,", "{id: ticketing-center,",
       R"(t.yaml: routing.default: department "customer-service" (the default when )"
       "routing.default is unset) is not one of departments"},
      {"calendar:\n",
       "priority_matrix:\n  low: {low: P4, medium: P3, high: P3}\n"
       "  medium: {low: P3, medium: P3, high: P2}\n  high: {low: P2, medium: P2, high: P9}\n"
       "calendar:\n",
       R"(t.yaml: priority_matrix.high.high: unknown priority "P9")"},
      {"calendar:\n", "priority_matrix:\n  high: {low: P2, medium: P2, high: P1}\ncalendar:\n",
       "t.yaml: priority_matrix.low: is required"},
      {"calendar:\n", "duplicates: {window: soon}\ncalendar:\n",
       R"(t.yaml: duplicates.window: "soon" is not a duration (use 30m, 4h, 2d))"},
      {"calendar:\n", "urgency: {default: extreme}\ncalendar:\n",
       R"(t.yaml: urgency.default: unknown level "extreme")"},
      {"calendar:\n", "model: {sentence_safety_probability: 1.5}\ncalendar:\n",
       "t.yaml: model.sentence_safety_probability: must be between 0 and 1"},
      {"calendar:\n", "model: {model_weight: -1}\ncalendar:\n",
       "t.yaml: model.model_weight: must not be negative"},
      {"calendar:\n", "model: {safety_veto_score: 0}\ncalendar:\n",
       "t.yaml: model.safety_veto_score: must be greater than 0"},
  };
  for (const Case& c : cases) {
    std::string yaml = absl::StrReplaceAll(kMinimal, {{c.from, c.to}});
    ASSERT_NE(yaml, kMinimal) << "case does not apply: " << c.from;
    auto config = LoadTriageConfigFromString(yaml, "t.yaml");
    ASSERT_FALSE(config.ok()) << c.message;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(config.status().message()), StartsWith(c.message));
  }
}

TEST(TriageConfigTest, SyntaxErrorNamesThePosition) {
  auto config = LoadTriageConfigFromString("categories: [\n", "t.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(std::string(config.status().message()), StartsWith("t.yaml: line "));
  auto empty = LoadTriageConfigFromString("", "t.yaml");
  EXPECT_THAT(std::string(empty.status().message()), HasSubstr("must be a map"));
}

TEST(TriageConfigTest, MissingFileIsNotFound) {
  auto config = LoadTriageConfig("/nonexistent/triage.yaml");
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(config.status().message()), StartsWith("/nonexistent/triage.yaml"));
}

}  // namespace
}  // namespace sqms::complaints::config
