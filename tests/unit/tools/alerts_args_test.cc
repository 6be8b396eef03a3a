// sqmsctl incident|silence|drill's flags → sqms.alerts.v1 requests; bad
// flags are named; the commands parse as documented.
#include "tools/sqmsctl/alerts_args.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tools/sqmsctl/commands.h"
#include "tools/sqmsctl/output.h"

namespace sqms::tools {
namespace {

namespace av1 = ::sqms::alerts::v1;
using ::testing::ElementsAre;
using ::testing::Pair;

MATCHER_P(FailsNaming, text, "") {
  return !arg.ok() && arg.status().code() == absl::StatusCode::kInvalidArgument &&
         absl::StrContains(arg.status().message(), text);
}

// 2026-12-02T02:00:00Z.
const absl::Time kNow = absl::FromUnixSeconds(1796176800);

TEST(AlertsArgsTest, LabelsAreNameEqualsValue) {
  auto labels = ParseLabelFlags("--label", {"station=北京南", "alertname=smoke", "x=a=b"});
  ASSERT_TRUE(labels.ok()) << labels.status();
  EXPECT_THAT(*labels, ElementsAre(Pair("alertname", "smoke"), Pair("station", "北京南"),
                                   Pair("x", "a=b")));
  EXPECT_THAT(ParseLabelFlags("--label", {"station"}),
              FailsNaming("--label \"station\": not NAME=VALUE"));
  EXPECT_THAT(ParseLabelFlags("--annotation", {"1st=x"}),
              FailsNaming("--annotation \"1st=x\": bad name \"1st\""));
  EXPECT_THAT(ParseLabelFlags("--label", {"a-b=x"}), FailsNaming("bad name \"a-b\""));
  EXPECT_THAT(ParseLabelFlags("--label", {"station="}), FailsNaming("empty value"));
  EXPECT_THAT(ParseLabelFlags("--label", {"a=1", "a=2"}),
              FailsNaming("--label \"a=2\": \"a\" given twice"));
}

TEST(AlertsArgsTest, MatchersTakeTheFourOperatorsAndOptionalQuotes) {
  struct Case {
    const char* text;
    const char* label;
    const char* op;
    const char* value;
  };
  for (const Case& c : {Case{"alertname=kpi_breached", "alertname", "=", "kpi_breached"},
                        Case{"severity!=info", "severity", "!=", "info"},
                        Case{"station=~\"北京.*\"", "station", "=~", "北京.*"},
                        Case{"dept!~ops|noc", "dept", "!~", "ops|noc"},
                        Case{"a==b", "a", "=", "=b"},
                        Case{"region=\"\"", "region", "=", ""}}) {
    absl::StatusOr<av1::Matcher> m = ParseMatcher(c.text);
    ASSERT_TRUE(m.ok()) << c.text << ": " << m.status();
    EXPECT_EQ(m->label(), c.label) << c.text;
    EXPECT_EQ(m->op(), c.op) << c.text;
    EXPECT_EQ(m->value(), c.value) << c.text;
  }
  EXPECT_THAT(ParseMatcher("station"), FailsNaming("--matcher \"station\": not NAME OP VALUE"));
  EXPECT_THAT(ParseMatcher("a~b"), FailsNaming("OP one of = != =~ !~"));
  EXPECT_THAT(ParseMatcher("=x"), FailsNaming("bad label name \"\""));
  EXPECT_THAT(ParseMatcher("a b=x"), FailsNaming("bad label name \"a b\""));
}

TEST(AlertsArgsTest, WeekdaysAreListsAndRanges) {
  EXPECT_THAT(*ParseWeekdays("mon,sun"), ElementsAre("mon", "sun"));
  EXPECT_THAT(*ParseWeekdays("mon-wed,sat,tue"), ElementsAre("mon", "tue", "wed", "sat"));
  EXPECT_THAT(ParseWeekdays("monday"),
              FailsNaming("--weekly \"monday\": \"monday\" is not a weekday"));
  EXPECT_THAT(ParseWeekdays("fri-mon"), FailsNaming("range \"fri-mon\" runs backwards"));
  EXPECT_THAT(ParseWeekdays("mon,"), FailsNaming("\"\" is not a weekday"));
}

TEST(AlertsArgsTest, RaiseNeedsALabelAndMarksResolvedAndDrill) {
  EXPECT_THAT(BuildRaiseAlertRequest({}), FailsNaming("--label is required"));
  RaiseFlags flags;
  flags.labels = {"alertname=platform_crowding", "station=北京南"};
  flags.annotations = {"summary=platform 3 crowded"};
  absl::StatusOr<av1::RaiseAlertRequest> firing = BuildRaiseAlertRequest(flags);
  ASSERT_TRUE(firing.ok()) << firing.status();
  EXPECT_EQ(firing->labels().at("station"), "北京南");
  EXPECT_EQ(firing->annotations().at("summary"), "platform 3 crowded");
  EXPECT_EQ(firing->status(), av1::ALERT_STATUS_FIRING);
  EXPECT_FALSE(firing->drill());
  EXPECT_EQ(firing->request_id(), "");  // the command's to set
  flags.resolved = true;
  flags.drill = true;
  absl::StatusOr<av1::RaiseAlertRequest> resolved = BuildRaiseAlertRequest(flags);
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->status(), av1::ALERT_STATUS_RESOLVED);
  EXPECT_TRUE(resolved->drill());
  flags.annotations = {"summary"};
  EXPECT_THAT(BuildRaiseAlertRequest(flags), FailsNaming("--annotation \"summary\""));
}

TEST(AlertsArgsTest, DrillStartCarriesThePlanAndLabels) {
  absl::StatusOr<av1::StartDrillRequest> r =
      BuildStartDrillRequest({.plan = "safety-complaint", .labels = {"station=演练站"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->plan_id(), "safety-complaint");
  EXPECT_EQ(r->labels().at("station"), "演练站");
  EXPECT_THAT(BuildStartDrillRequest({.plan = "p", .labels = {"bad"}}),
              FailsNaming("--label \"bad\""));
}

SilenceCreateFlags OneOff() {
  SilenceCreateFlags flags;
  flags.matchers = {"alertname=kpi_breached", "department=~\"ops.*\""};
  flags.comment = "known network work";
  return flags;
}

TEST(AlertsArgsTest, OneOffSilenceEndsAfterADurationOrAtATime) {
  SilenceCreateFlags flags = OneOff();
  flags.ends = "1h30m";
  absl::StatusOr<av1::CreateSilenceRequest> r = BuildCreateSilenceRequest(flags, kNow);
  ASSERT_TRUE(r.ok()) << r.status();
  const av1::Silence& s = r->silence();
  ASSERT_EQ(s.matchers_size(), 2);
  EXPECT_EQ(s.matchers(1).op(), "=~");
  EXPECT_EQ(s.matchers(1).value(), "ops.*");
  EXPECT_FALSE(s.has_starts_at());  // the service starts it now
  EXPECT_EQ(s.ends_at().seconds(), absl::ToUnixSeconds(kNow + absl::Minutes(90)));
  EXPECT_FALSE(s.has_recurrence());
  EXPECT_EQ(s.comment(), "known network work");

  flags.ends = "";
  flags.until = "2026-12-02T12:00:00+08:00";
  r = BuildCreateSilenceRequest(flags, kNow);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->silence().ends_at().seconds(), absl::ToUnixSeconds(kNow + absl::Hours(2)));
}

// Not through Unix nanoseconds, which end in 2262: a far end is sent as
// given, and one past what a timestamp holds is named.
TEST(AlertsArgsTest, AFarSilenceEndIsSentAsGivenNotCutShort) {
  SilenceCreateFlags flags = OneOff();
  flags.until = "9999-12-31T23:59:59Z";
  absl::StatusOr<av1::CreateSilenceRequest> r = BuildCreateSilenceRequest(flags, kNow);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->silence().ends_at().seconds(), 253402300799);
  EXPECT_EQ(r->silence().ends_at().nanos(), 0);
  flags.until = "2300-01-01T00:00:00.25+08:00";
  r = BuildCreateSilenceRequest(flags, kNow);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->silence().ends_at().seconds(), 10413792000 - 8 * 3600);
  EXPECT_EQ(r->silence().ends_at().nanos(), 250000000);

  flags.until = "10000-01-01T00:00:00Z";
  EXPECT_THAT(BuildCreateSilenceRequest(flags, kNow),
              FailsNaming("--until \"10000-01-01T00:00:00Z\": is after 9999-12-31T23:59:59Z"));
  flags.until = "";
  flags.ends = "inf";
  EXPECT_THAT(BuildCreateSilenceRequest(flags, kNow), FailsNaming("--ends \"inf\""));
}

TEST(AlertsArgsTest, BadSilencesAreNamed) {
  SilenceCreateFlags flags = OneOff();
  EXPECT_THAT(BuildCreateSilenceRequest(flags, kNow),
              FailsNaming("--ends DURATION or --until TIME is required"));
  flags.ends = "2 hours";
  EXPECT_THAT(BuildCreateSilenceRequest(flags, kNow),
              FailsNaming("--ends \"2 hours\": not a positive duration"));
  flags.ends = "-1h";
  EXPECT_THAT(BuildCreateSilenceRequest(flags, kNow), FailsNaming("not a positive duration"));
  flags.ends = "2h";
  flags.until = "2026-12-03T00:00:00Z";
  EXPECT_THAT(BuildCreateSilenceRequest(flags, kNow), FailsNaming("give one of them"));
  flags.ends = "";
  flags.until = "tomorrow";
  EXPECT_THAT(BuildCreateSilenceRequest(flags, kNow),
              FailsNaming("--until \"tomorrow\": not an RFC 3339 time"));
  flags.until = "2026-12-01T00:00:00Z";
  EXPECT_THAT(BuildCreateSilenceRequest(flags, kNow), FailsNaming("is in the past"));
  flags.until = "2026-12-03T00:00:00Z";
  flags.matchers = {"station~x"};
  EXPECT_THAT(BuildCreateSilenceRequest(flags, kNow), FailsNaming("--matcher \"station~x\""));
  flags.matchers = {};
  EXPECT_THAT(BuildCreateSilenceRequest(flags, kNow), FailsNaming("--matcher is required"));
  flags = OneOff();
  flags.ends = "2h";
  flags.comment = "";
  EXPECT_THAT(BuildCreateSilenceRequest(flags, kNow), FailsNaming("--comment is required"));
}

TEST(AlertsArgsTest, MaintenanceWindowRecursAndMayBeOpenEnded) {
  SilenceCreateFlags flags = OneOff();
  flags.weekly = "mon,sun";
  flags.start = "01:00";
  flags.minutes = "120";
  absl::StatusOr<av1::CreateSilenceRequest> r = BuildCreateSilenceRequest(flags, kNow);
  ASSERT_TRUE(r.ok()) << r.status();
  const av1::Recurrence& rec = r->silence().recurrence();
  EXPECT_THAT(rec.weekdays(), ElementsAre("mon", "sun"));
  EXPECT_EQ(rec.start(), "01:00");
  EXPECT_EQ(rec.duration_minutes(), 120);
  EXPECT_FALSE(r->silence().has_ends_at());  // until expired

  flags.weekly = "";  // every day
  flags.ends = "30d";
  EXPECT_THAT(BuildCreateSilenceRequest(flags, kNow), FailsNaming("--ends \"30d\""));
  flags.ends = "720h";
  r = BuildCreateSilenceRequest(flags, kNow);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->silence().recurrence().weekdays().empty());
  EXPECT_TRUE(r->silence().has_ends_at());
}

TEST(AlertsArgsTest, BadMaintenanceWindowsAreNamed) {
  SilenceCreateFlags flags = OneOff();
  flags.weekly = "mon";
  EXPECT_THAT(BuildCreateSilenceRequest(flags, kNow), FailsNaming("need --start HH:MM"));
  flags.start = "25:00";
  flags.minutes = "60";
  EXPECT_THAT(BuildCreateSilenceRequest(flags, kNow),
              FailsNaming("--start \"25:00\": not a time of day"));
  flags.start = "1:00";
  EXPECT_TRUE(BuildCreateSilenceRequest(flags, kNow).ok());
  flags.minutes = "0";
  EXPECT_THAT(BuildCreateSilenceRequest(flags, kNow),
              FailsNaming("--minutes \"0\": the window's length must be 1..10080"));
  flags.minutes = "10081";
  EXPECT_THAT(BuildCreateSilenceRequest(flags, kNow), FailsNaming("--minutes \"10081\""));
  flags.minutes = "1h";
  EXPECT_THAT(BuildCreateSilenceRequest(flags, kNow),
              FailsNaming("--minutes \"1h\": the window's length must be 1..10080"));
  flags.minutes = "";  // --start without --minutes: say it is missing, not "0"
  EXPECT_THAT(BuildCreateSilenceRequest(flags, kNow),
              FailsNaming("--minutes is required with --start"));
  flags.minutes = "60";
  flags.weekly = "weekends";
  EXPECT_THAT(BuildCreateSilenceRequest(flags, kNow), FailsNaming("--weekly \"weekends\""));
}

// Parses `line` as sqmsctl would; the Cli afterwards.
struct Parsed {
  CLI::App app;
  Cli cli;
};
std::unique_ptr<Parsed> Parse(const std::string& line) {
  auto parsed = std::make_unique<Parsed>();
  parsed->app.fallthrough();
  RegisterGlobalFlags(parsed->app, parsed->cli.global);
  RegisterAlertsCommands(parsed->app, parsed->cli);
  parsed->app.parse(line, false);
  return parsed;
}

// --alerts-addr reaches every alerts command; the default follows the
// complaints (50051) and metrics (50061) services.
TEST(AlertsArgsTest, AlertsAddressFlag) {
  auto parsed = Parse("incident list");
  EXPECT_EQ(parsed->cli.global.alerts_server, "127.0.0.1:50071");
  EXPECT_TRUE(static_cast<bool>(parsed->cli.run));
  EXPECT_EQ(Parse("plan list --alerts-addr alerts:50071")->cli.global.alerts_server,
            "alerts:50071");
}

TEST(AlertsArgsTest, EveryCommandParses) {
  for (const char* line :
       {"incident list --active --plan p1-sla-breach --limit 5", "incident get INC-1",
        "incident ack INC-1 --comment on-my-way", "incident mitigate INC-1",
        "incident resolve INC-1 --request-id r-1", "incident close INC-1 --review done",
        "incident step INC-1 2", "incident note INC-1 called-back",
        "incident raise --label a=b --label c=d --annotation x=y --resolved --drill",
        "plan list", "plan get safety-complaint", "risk list", "silence list --all",
        "silence create --matcher a=b --matcher c!=d --ends 2h --comment why",
        "silence create --matcher a=b --weekly mon,sun --start 01:00 --minutes 120 --comment w",
        "silence expire S-1", "drill start safety-complaint --label station=x --label y=z",
        "drill report INC-1"}) {
    std::unique_ptr<Parsed> parsed;
    EXPECT_NO_THROW(parsed = Parse(line)) << line;
    EXPECT_TRUE(parsed && parsed->cli.run) << line;
  }
  EXPECT_THROW(Parse("incident close INC-1"), CLI::RequiredError);  // --review

  // One pair per --label: the plan after it is not swallowed as a label.
  EXPECT_NO_THROW(Parse("drill start --label a=b safety-complaint"));
}

TEST(AlertsArgsTest, LimitAndStepNumbersAreNamedWithTheirValue) {
  EXPECT_EQ(*ParseIncidentLimit("1"), 1);
  EXPECT_EQ(*ParseIncidentLimit("1000"), 1000);
  for (const char* bad : {"0", "1001", "-3", "ten", "5x", "+5", ""}) {
    EXPECT_THAT(ParseIncidentLimit(bad),
                FailsNaming(absl::StrCat("--limit \"", bad, "\": not a whole number in 1..1000")));
  }
  EXPECT_EQ(*ParseStepNumber("0"), 0);
  EXPECT_EQ(*ParseStepNumber("12"), 12);
  for (const char* bad : {"-1", "one", "1.5", "99999999999"}) {
    EXPECT_THAT(ParseStepNumber(bad),
                FailsNaming(absl::StrCat("N \"", bad,
                                         "\": not a step number (a whole number "
                                         "from 0: # in sqmsctl incident get)")));
  }
}

// docs/sqmsctl.md: a bad flag is named with its value, exit code 2 — and
// nothing is sent (the run fails before it dials the service).
TEST(AlertsArgsTest, BadNumbersOnTheCommandLineExitWithUsage) {
  struct Case {
    const char* line;
    const char* error;
  };
  for (const Case& c :
       {Case{"incident step INC-1 -1", "error: N \"-1\": not a step number"},
        Case{"incident list --limit 0", "error: --limit \"0\": not a whole number in 1..1000"},
        Case{"silence create --matcher service=x --start 01:00 --comment a",
             "error: --minutes is required with --start"}}) {
    std::unique_ptr<Parsed> parsed;
    ASSERT_NO_THROW(parsed = Parse(c.line)) << c.line;
    ASSERT_TRUE(parsed->cli.run) << c.line;
    ::testing::internal::CaptureStderr();
    const int code = parsed->cli.run();
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(code, kExitUsage) << c.line;
    EXPECT_THAT(err, ::testing::HasSubstr(c.error)) << c.line;
  }
}

TEST(AlertsArgsTest, PlanApplyReplacesTheVersionTheFileWasReadAt) {
  auto request = BuildUpsertPlanRequest(
      "plan.json", R"({"id": "outage", "name": "Outage", "version": "4"})", std::nullopt);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->plan().id(), "outage");
  EXPECT_EQ(request->plan().name(), "Outage");
  EXPECT_EQ(request->expected_version(), 4);
  auto create = BuildUpsertPlanRequest("plan.json", R"({"id": "new"})", std::nullopt);
  ASSERT_TRUE(create.ok()) << create.status();
  EXPECT_EQ(create->expected_version(), 0) << "a plan without a version is created";
  auto forced = BuildUpsertPlanRequest("plan.json", R"({"id": "outage", "version": "4"})", 7);
  ASSERT_TRUE(forced.ok()) << forced.status();
  EXPECT_EQ(forced->expected_version(), 7);
}

TEST(AlertsArgsTest, PlanApplyTakesWhatPlanGetPrints) {
  av1::Plan plan;
  plan.set_id("outage");
  plan.set_name("通信中断 outage");
  plan.set_level("II");
  plan.add_group_by("station");
  plan.add_known_issue_categories("network_fault");
  plan.set_resolve_after_seconds(600);
  plan.set_version(3);
  plan.add_triggers()->add_matchers()->set_value("CallPlatformDown");
  auto request = BuildUpsertPlanRequest("plan.json", ToJson(plan), std::nullopt);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->plan().SerializeAsString(), plan.SerializeAsString());
  EXPECT_EQ(request->expected_version(), 3);
}

TEST(AlertsArgsTest, PlanApplyNamesTheFileAndTheProblem) {
  EXPECT_THAT(BuildUpsertPlanRequest("p.json", "[1]", std::nullopt),
              FailsNaming("p.json: not a JSON object"));
  EXPECT_THAT(BuildUpsertPlanRequest("p.json", R"({"id": "x", "colour": 1})", std::nullopt),
              FailsNaming("p.json: "));
  EXPECT_THAT(BuildUpsertPlanRequest("p.json", R"({"name": "x"})", std::nullopt),
              FailsNaming("p.json: id is empty"));
  EXPECT_THAT(BuildUpsertPlanRequest("p.json", R"({"id": "x"})", -1),
              FailsNaming("--expected-version: must be >= 0"));
}

TEST(AlertsArgsTest, PlanApplyParses) {
  EXPECT_NO_THROW(Parse("plan apply plan.json"));
  EXPECT_NO_THROW(Parse("plan apply - --expected-version 3"));
}

}  // namespace
}  // namespace sqms::tools
