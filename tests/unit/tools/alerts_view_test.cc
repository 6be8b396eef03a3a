// sqmsctl incident|plan|risk|silence|drill's renderings, from hand-made
// answers of the alerts service.
#include "tools/sqmsctl/alerts_view.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace sqms::tools {
namespace {

namespace av1 = ::sqms::alerts::v1;
using google::protobuf::util::TimeUtil;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// 2026-12-02T10:00:00+08:00.
constexpr int64_t kOpened = 1796176800;

// Times shown in Shanghai, the operator's default zone; UTC again after.
class AlertsViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::TimeZone shanghai;
    ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
    SetDisplayZone(shanghai);
  }
  void TearDown() override { SetDisplayZone(absl::UTCTimeZone()); }
};

google::protobuf::Timestamp At(int64_t seconds_after_opening) {
  return TimeUtil::SecondsToTimestamp(kOpened + seconds_after_opening);
}

av1::Incident Incident() {
  av1::Incident i;
  i.set_id("INC-20261202-0001");
  i.set_plan_id("safety-complaint");
  i.set_risk_id("safety-incident");
  i.set_title("Safety complaint at 北京南");
  i.set_level("I");
  i.set_state(av1::INCIDENT_STATE_ACKNOWLEDGED);
  (*i.mutable_labels())["station"] = "北京南";
  (*i.mutable_labels())["region"] = "north";
  *i.mutable_opened_at() = At(0);
  *i.mutable_acknowledged_at() = At(125);
  i.set_acknowledged_by("li-wei");
  i.set_tier(1);
  i.set_repeat(0);
  i.set_alerts_firing(2);
  i.set_alerts_total(3);
  i.set_version(7);
  i.add_linked_complaints("C-1");
  i.add_linked_complaints("C-2");
  av1::StepStatus* confirm = i.add_steps();
  confirm->set_index(0);
  confirm->set_title("Confirm the report (核实情况)");
  confirm->set_owner_role("duty-manager");
  confirm->set_expected_minutes(5);
  confirm->set_done(true);
  *confirm->mutable_done_at() = At(240);
  confirm->set_done_by("li-wei");
  av1::StepStatus* scene = i.add_steps();
  scene->set_index(1);
  scene->set_title("Send staff to the scene");
  scene->set_owner_role("station-master");
  scene->set_expected_minutes(90);
  av1::TimelineEntry* opened = i.add_timeline();
  *opened->mutable_at() = At(0);
  opened->set_actor("system");
  opened->set_kind("opened");
  opened->set_text("plan safety-complaint\nfirst alert");
  av1::Delivery* ok = i.add_deliveries();
  ok->set_id("D-1");
  ok->set_target("ops-webhook");
  ok->set_tier(0);
  ok->set_status("delivered");
  ok->set_attempts(1);
  ok->set_last_http_status(200);
  ok->set_last_latency_ms(12);
  av1::Delivery* failing = i.add_deliveries();
  failing->set_id("D-2");
  failing->set_target("duty-dingtalk");
  failing->set_tier(0);
  failing->set_repeat(1);
  failing->set_status("pending");
  failing->set_attempts(3);
  failing->set_last_http_status(503);
  failing->set_last_latency_ms(40);
  failing->set_last_error("HTTP 503");
  av1::Delivery* waiting = i.add_deliveries();
  waiting->set_id("D-3");
  waiting->set_target("ops-webhook");
  waiting->set_tier(1);
  waiting->set_status("pending");
  return i;
}

TEST_F(AlertsViewTest, IncidentsTableHasOneRowPerIncident) {
  av1::ListIncidentsResponse response;
  *response.add_incidents() = Incident();
  av1::Incident drill = Incident();
  drill.set_id("INC-20261202-0002");
  drill.set_drill(true);
  drill.set_state(av1::INCIDENT_STATE_TRIGGERED);
  drill.set_tier(0);
  drill.set_repeat(2);
  *response.add_incidents() = drill;
  drill.set_id("INC-20261202-0003");
  drill.set_title("[DRILL] Safety complaint");  // the service's drill titles
  *response.add_incidents() = drill;
  const std::string out = IncidentsTable(response).Render();
  EXPECT_THAT(out, StartsWith("ID                 LEVEL  STATE         PLAN              TITLE"));
  EXPECT_THAT(out, HasSubstr("INC-20261202-0001  I      acknowledged  safety-complaint  Safety "
                             "complaint at 北京南          2026-12-02T10:00:00+08:00  2     2/3"));
  EXPECT_THAT(out, HasSubstr("triggered     safety-complaint  Safety complaint at 北京南 [drill]"));
  EXPECT_THAT(out, HasSubstr("[DRILL] Safety complaint            2026"));
  EXPECT_THAT(out, HasSubstr("1 r2  2/3"));  // tiers from 1, as the timeline says
}

TEST_F(AlertsViewTest, IncidentWatchLinesKeepTheirColumns) {
  const absl::Time received = absl::FromUnixSeconds(kOpened + 90);
  av1::Incident i = Incident();
  i.set_version(4);
  EXPECT_EQ(IncidentWatchHeader(),
            "AT                         ID                     LEVEL  STATE         TIER    "
            "FIRING  VERSION  PLAN                      TITLE");
  EXPECT_EQ(IncidentWatchLine(i, received),
            "2026-12-02T10:01:30+08:00  INC-20261202-0001      I      acknowledged  2       "
            "2/3     4        safety-complaint          Safety complaint at 北京南");
  i.set_drill(true);
  EXPECT_THAT(IncidentWatchLine(i, received), EndsWith("北京南 [drill]"));
}

TEST_F(AlertsViewTest, IncidentDetailAfterACommandShowsStateAndSteps) {
  const std::string out = IncidentDetail(Incident(), false);
  EXPECT_THAT(out, StartsWith("id:             INC-20261202-0001\n"
                              "title:          Safety complaint at 北京南\n"
                              "state:          acknowledged (version 7)\n"
                              "level:          I\n"
                              "plan:           safety-complaint\n"
                              "risk:           safety-incident\n"
                              "labels:         region=north, station=北京南\n"
                              "opened:         2026-12-02T10:00:00+08:00\n"
                              "acknowledged:   2026-12-02T10:02:05+08:00 by li-wei\n"
                              "escalation:     tier 2 notified last\n"
                              "alerts:         2 firing of 3\n"
                              "complaints:     C-1, C-2\n"
                              "steps:\n"
                              "  #  DONE  TITLE"));
  EXPECT_THAT(out, HasSubstr("  0  yes   Confirm the report (核实情况)  duty-manager    5m        "
                             "2026-12-02T10:04:00+08:00  li-wei\n"));
  EXPECT_THAT(out,
              HasSubstr("  1  -     Send staff to the scene        station-master  1h30m     -\n"));
  EXPECT_THAT(out, Not(HasSubstr("timeline")));
  EXPECT_THAT(out, Not(HasSubstr("deliveries")));
  EXPECT_THAT(out, Not(HasSubstr("resolved:")));
}

TEST_F(AlertsViewTest, FullIncidentDetailShowsTimelineAndEveryDelivery) {
  av1::Incident i = Incident();
  i.set_drill(true);
  i.set_outage(true);
  *i.mutable_next_escalation_at() = At(600);
  const std::string out = IncidentDetail(i, true);
  EXPECT_THAT(out, HasSubstr("state:          acknowledged [drill] (version 7)\n"));
  EXPECT_THAT(out, HasSubstr("escalation:     tier 2 notified last; next escalation "
                             "2026-12-02T10:10:00+08:00\n"));
  EXPECT_THAT(out, HasSubstr("outage:         yes"));
  EXPECT_THAT(out, HasSubstr("timeline:\n  AT                         ACTOR   KIND    TEXT\n"
                             "  2026-12-02T10:00:00+08:00  system  opened  plan safety-complaint "
                             "first alert\n"));
  EXPECT_THAT(out, HasSubstr("deliveries:\n  ID   TARGET         TIER  STATUS     ATTEMPTS  HTTP  "
                             "LATENCY  ERROR\n"));
  EXPECT_THAT(out, HasSubstr("  D-1  ops-webhook    1     delivered  1         200   12 ms\n"));
  EXPECT_THAT(out, HasSubstr("  D-2  duty-dingtalk  1 r1  pending    3         503   40 ms    "
                             "HTTP 503\n"));
  EXPECT_THAT(out, HasSubstr("  D-3  ops-webhook    2     pending    0         -     -\n"));
}

TEST_F(AlertsViewTest, EmptySectionsSayNone) {
  av1::Incident bare;
  bare.set_id("INC-1");
  const std::string out = IncidentDetail(bare, true);
  EXPECT_THAT(out, HasSubstr("steps:\n  (none)\ntimeline:\n  (none)\ndeliveries:\n  (none)\n"));
}

TEST_F(AlertsViewTest, RaiseAlertShowsEachPlansDecision) {
  av1::RaiseAlertResponse response;
  response.set_fingerprint("9f2c01");
  EXPECT_EQ(RaiseAlertText(response), "fingerprint:    9f2c01\nno plan matched\n");
  av1::AlertDecision* opened = response.add_decisions();
  opened->set_plan_id("safety-complaint");
  opened->set_outcome(av1::OUTCOME_OPENED);
  opened->set_incident_id("INC-1");
  av1::AlertDecision* silenced = response.add_decisions();
  silenced->set_plan_id("complaint-surge");
  silenced->set_outcome(av1::OUTCOME_SILENCED);
  silenced->set_silence_id("S-1");
  av1::AlertDecision* inhibited = response.add_decisions();
  inhibited->set_plan_id("p1-sla-breach");
  inhibited->set_outcome(av1::OUTCOME_INHIBITED);
  inhibited->set_inhibited_by("INC-0");
  EXPECT_EQ(RaiseAlertText(response),
            "fingerprint:    9f2c01\n"
            "PLAN              OUTCOME    INCIDENT  DETAIL\n"
            "safety-complaint  opened     INC-1\n"
            "complaint-surge   silenced             silence S-1\n"
            "p1-sla-breach     inhibited            inhibited by INC-0\n");
}

av1::Plan Plan() {
  av1::Plan p;
  p.set_id("complaint-surge");
  p.set_name("Complaint surge (投诉激增)");
  p.set_risk_id("complaint-surge");
  p.set_level("III");
  p.set_version(2);
  p.add_group_by("department");
  p.set_auto_resolve(true);
  av1::Trigger* t = p.add_triggers();
  for (auto [label, op, value] : {std::tuple{"alertname", "=", "complaint_submitted"},
                                  std::tuple{"category", "!~", "safety|other"}}) {
    av1::Matcher* m = t->add_matchers();
    m->set_label(label);
    m->set_op(op);
    m->set_value(value);
  }
  t->set_count(5);
  t->set_within_seconds(3600);
  av1::Step* s = p.add_steps();
  s->set_title("Check the queue");
  s->set_owner_role("shift-supervisor");
  s->set_expected_minutes(10);
  av1::Tier* first = p.add_escalation();
  first->add_notify("rotation:noc");
  first->add_notify("role:shift-supervisor");
  first->add_targets("ops-webhook");
  first->set_ack_timeout_seconds(300);
  first->set_repeats(1);
  av1::Tier* second = p.add_escalation();
  second->add_notify("role:department-head");
  second->add_targets("ops-webhook");
  second->add_targets("duty-dingtalk");
  second->set_ack_timeout_seconds(5400);
  return p;
}

TEST_F(AlertsViewTest, MatchersAndTriggersReadAsAlertmanagerText) {
  const av1::Trigger t = Plan().triggers(0);
  EXPECT_EQ(MatcherText(t.matchers(0)), "alertname=\"complaint_submitted\"");
  EXPECT_EQ(TriggerText(t),
            "{alertname=\"complaint_submitted\", category!~\"safety|other\"} ×5 within 1h");
  av1::Trigger every = t;
  every.set_count(1);
  EXPECT_THAT(TriggerText(every), Not(HasSubstr("within")));
}

TEST_F(AlertsViewTest, SecondsTakeTheShortestForm) {
  EXPECT_EQ(SecondsText(300), "5m");
  EXPECT_EQ(SecondsText(5400), "1h30m");
  EXPECT_EQ(SecondsText(125.4), "2m5s");
  EXPECT_EQ(SecondsText(0), "0s");
  EXPECT_EQ(SecondsText(0.4), "0s");
  EXPECT_EQ(SecondsText(-1), "-");
}

TEST_F(AlertsViewTest, PlanListAndDetail) {
  av1::ListPlansResponse response;
  *response.add_plans() = Plan();
  EXPECT_EQ(PlansTable(response).Render(),
            "ID               NAME                        LEVEL  RISK             TRIGGERS  STEPS  "
            "TIERS  FLAGS\n"
            "complaint-surge  Complaint surge (投诉激增)  III    complaint-surge  1         1      "
            "2      auto-resolve\n");
  const std::string out = PlanDetail(Plan());
  EXPECT_THAT(out, HasSubstr("group by:       department\n"));
  EXPECT_THAT(out, HasSubstr("ack expiry:     never (holds until resolved)\n"));
  EXPECT_THAT(out, HasSubstr("triggers:\n  {alertname=\"complaint_submitted\", "
                             "category!~\"safety|other\"} ×5 within 1h\n"));
  EXPECT_THAT(out, HasSubstr("steps:\n  #  TITLE            OWNER             EXPECTED\n"
                             "  0  Check the queue  shift-supervisor  10m\n"));
  EXPECT_THAT(out, HasSubstr("escalation:\n"
                             "  TIER  NOTIFY                               "
                             "TARGETS                     ACK TIMEOUT  REPEATS\n"
                             "  1     rotation:noc, role:shift-supervisor  "
                             "ops-webhook                 5m           1\n"
                             "  2     role:department-head                 "
                             "ops-webhook, duty-dingtalk  1h30m        0\n"));
}

TEST_F(AlertsViewTest, RisksHighestScoreFirst) {
  av1::ListRisksResponse response;
  av1::Risk* low = response.add_risks();
  low->set_id("complaint-surge");
  low->set_name("Complaint surge");
  low->set_probability(3);
  low->set_impact(2);
  low->set_score(6);
  low->set_level("medium");
  low->add_plans("complaint-surge");
  av1::Risk* high = response.add_risks();
  high->set_id("mass-delay");
  high->set_name("Mass delay (大面积晚点)");
  high->set_probability(3);
  high->set_impact(4);
  high->set_score(12);
  high->set_level("high");
  EXPECT_EQ(RisksTable(response).Render(),
            "ID               NAME                     PROBABILITY  IMPACT  SCORE  LEVEL   PLANS\n"
            "mass-delay       Mass delay (大面积晚点)  3            4       12     high    -\n"
            "complaint-surge  Complaint surge          3            2       6      medium  "
            "complaint-surge\n");
}

TEST_F(AlertsViewTest, SilencesShowTheirWindow) {
  av1::ListSilencesResponse response;
  av1::Silence* once = response.add_silences();
  once->set_id("S-1");
  once->set_state("active");
  av1::Matcher* m = once->add_matchers();
  m->set_label("station");
  m->set_op("=~");
  m->set_value("北京.*");
  *once->mutable_starts_at() = At(0);
  *once->mutable_ends_at() = At(7200);
  once->set_created_by("zhang");
  once->set_comment("network work");
  av1::Silence* weekly = response.add_silences();
  *weekly = *once;
  weekly->set_id("S-2");
  weekly->set_state("pending");
  weekly->clear_ends_at();
  weekly->mutable_recurrence()->add_weekdays("mon");
  weekly->mutable_recurrence()->add_weekdays("sun");
  weekly->mutable_recurrence()->set_start("01:00");
  weekly->mutable_recurrence()->set_duration_minutes(120);
  av1::Silence* daily = response.add_silences();
  *daily = *weekly;
  daily->set_id("S-3");
  daily->mutable_recurrence()->clear_weekdays();
  av1::Silence* open = response.add_silences();
  *open = *daily;
  open->set_id("S-4");
  open->set_state("active");
  open->set_muting(true);
  av1::Silence* closed = response.add_silences();
  *closed = *open;
  closed->set_id("S-5");
  closed->set_muting(false);
  const std::string out = SilencesTable(response).Render();
  EXPECT_THAT(out, HasSubstr("S-4  active, in window  "));
  EXPECT_THAT(out, HasSubstr("S-5  active, between windows  "));
  EXPECT_THAT(out, HasSubstr("S-1  active                   station=~\"北京.*\"  "
                             "2026-12-02T10:00:00+08:00  2026-12-02T12:00:00+08:00  -"));
  EXPECT_THAT(out, HasSubstr("never                      mon,sun 01:00 for 2h  zhang"));
  EXPECT_THAT(out, HasSubstr("never                      daily 01:00 for 2h    zhang"));
}

TEST_F(AlertsViewTest, MutedAlertsShowWhatMutesThemForWhichPlan) {
  av1::ListMutedAlertsResponse response;
  av1::MutedAlert* a = response.add_alerts();
  a->set_fingerprint("9f2c41d07be5a113");
  *a->mutable_kept_at() = At(60);
  a->set_source("complaints");
  (*a->mutable_labels())["station"] = "北京南";
  (*a->mutable_labels())["alertname"] = "complaint_submitted";
  av1::MutedAlert::Mute* silenced = a->add_mutes();
  silenced->set_plan_id("safety");
  silenced->set_silence_id("sil-1");
  av1::MutedAlert::Mute* inhibited = a->add_mutes();
  inhibited->set_plan_id("outage");
  inhibited->set_inhibited_by("INC-7");
  const std::string out = MutedAlertsTable(response).Render();
  EXPECT_THAT(out, StartsWith("FINGERPRINT       KEPT                       SOURCE      MUTED BY"));
  EXPECT_THAT(out, HasSubstr(absl::StrCat(
                       "9f2c41d07be5a113  2026-12-02T10:01:00+08:00  complaints  ",
                       "safety: silence sil-1; outage: inhibited by INC-7  ",
                       "alertname=complaint_submitted, station=北京南\n")));
}

TEST_F(AlertsViewTest, MutedAlertsTextCountsThePageAndNamesTheNextToken) {
  av1::ListMutedAlertsResponse response;
  response.add_alerts()->set_fingerprint("9f2c41d07be5a113");
  response.set_matched(3);
  response.set_next_page_token("bTE6YWJj");
  const std::string out = MutedAlertsText(response);
  EXPECT_THAT(out, HasSubstr("\n1 of 3 muted alert(s)\nnext page: --page-token bTE6YWJj\n"));
  response.set_matched(1);
  response.clear_next_page_token();
  EXPECT_THAT(MutedAlertsText(response), EndsWith("\n1 muted alert(s)\n"));
}

TEST_F(AlertsViewTest, IncidentsTextCountsThePageAndNamesTheNextToken) {
  av1::ListIncidentsResponse response;
  response.add_incidents()->set_id("INC-1");
  response.set_next_page_token("aTE6YWJj");
  EXPECT_THAT(IncidentsText(response),
              EndsWith("\n1 incident(s)\nnext page: --page-token aTE6YWJj\n"));
  response.clear_next_page_token();
  EXPECT_THAT(IncidentsText(response), EndsWith("\n1 incident(s)\n"));
}

av1::DrillReport Report() {
  av1::DrillReport r;
  r.set_incident_id("INC-9");
  r.set_plan_id("safety-complaint");
  *r.mutable_started_at() = At(0);
  r.set_seconds_to_acknowledge(125);
  r.set_acknowledged_at_tier(1);
  r.set_seconds_to_resolve(-1);
  av1::DrillTier* t0 = r.add_tiers();
  t0->set_tier(0);
  *t0->mutable_notified_at() = At(1);
  av1::DrillTier* t1 = r.add_tiers();
  t1->set_tier(1);
  *t1->mutable_notified_at() = At(61);
  for (auto [title, expected, done, taken, late] :
       {std::tuple{"Confirm", 5, true, 4.0, false}, std::tuple{"Scene", 15, true, 20.5, true},
        std::tuple{"Report", 30, false, -1.0, false}}) {
    av1::DrillStep* s = r.add_steps();
    s->set_index(r.steps_size() - 1);
    s->set_title(title);
    s->set_expected_minutes(expected);
    s->set_done(done);
    s->set_minutes_taken(taken);
    s->set_late(late);
  }
  r.set_missed_steps(1);
  return r;
}

TEST_F(AlertsViewTest, DrillReportShowsTimesStepsAndNoEarlierDrill) {
  EXPECT_EQ(DrillReportText(Report()),
            "incident:       INC-9\n"
            "plan:           safety-complaint\n"
            "started:        2026-12-02T10:00:00+08:00\n"
            "acknowledged:   after 2m5s at tier 2\n"
            "resolved:       not resolved\n"
            "tiers notified:\n"
            "  TIER  NOTIFIED                   AFTER\n"
            "  1     2026-12-02T10:00:01+08:00  1s\n"
            "  2     2026-12-02T10:01:01+08:00  1m1s\n"
            "steps (1 missed of 3):\n"
            "  #  STEP     EXPECTED  TAKEN   RESULT\n"
            "  0  Confirm  5m        4m      on time\n"
            "  1  Scene    15m       20m30s  late\n"
            "  2  Report   30m       -       missed\n"
            "previous drill: none (the first drill of this plan)\n");
}

// docs/alerts.md: missed steps are those not done by the drill's end, or,
// while it runs, past their expected minutes — as the service counted them.
TEST_F(AlertsViewTest, WhileADrillRunsAStepNotYetDueIsPendingNotMissed) {
  av1::DrillReport r = Report();
  r.set_missed_steps(0);  // 30 minutes for "Report" have not passed yet
  EXPECT_THAT(DrillReportText(r), HasSubstr("steps (0 missed of 3):\n"
                                            "  #  STEP     EXPECTED  TAKEN   RESULT\n"
                                            "  0  Confirm  5m        4m      on time\n"
                                            "  1  Scene    15m       20m30s  late\n"
                                            "  2  Report   30m       -       pending\n"));

  // Two more unfinished: one past due with "Report", one with no time set.
  for (auto [title, expected] : {std::pair{"Call back", 60}, std::pair{"Debrief", 0}}) {
    av1::DrillStep* s = r.add_steps();
    s->set_index(r.steps_size() - 1);
    s->set_title(title);
    s->set_expected_minutes(expected);
    s->set_minutes_taken(-1);
  }
  r.set_missed_steps(1);
  std::string out = DrillReportText(r);
  EXPECT_THAT(out, HasSubstr("  2  Report     30m       -       missed\n"));
  EXPECT_THAT(out, HasSubstr("  3  Call back  1h        -       pending\n"));
  EXPECT_THAT(out, HasSubstr("  4  Debrief    0s        -       pending\n"));

  r.set_seconds_to_resolve(5400);  // ended: every unfinished step is missed
  r.set_missed_steps(3);
  out = DrillReportText(r);
  EXPECT_THAT(out, HasSubstr("steps (3 missed of 5)"));
  EXPECT_THAT(out, HasSubstr("  3  Call back  1h        -       missed\n"));
  EXPECT_THAT(out, HasSubstr("  4  Debrief    0s        -       missed\n"));
}

TEST_F(AlertsViewTest, DrillReportComparesWithThePreviousDrill) {
  av1::DrillReport r = Report();
  r.set_seconds_to_resolve(1800);
  r.set_previous_incident_id("INC-3");
  r.set_previous_seconds_to_acknowledge(190);
  r.set_previous_seconds_to_resolve(1500);
  const std::string out = DrillReportText(r);
  EXPECT_THAT(out, HasSubstr("resolved:       after 30m\n"));
  EXPECT_THAT(out, HasSubstr("previous drill: INC-3\n"
                             "  acknowledged  3m10s then, 2m5s now (1m5s faster)\n"
                             "  resolved      25m then, 30m now (5m slower)\n"));
  r.set_previous_seconds_to_resolve(-1);
  EXPECT_THAT(DrillReportText(r), HasSubstr("  resolved      - then, 30m now\n"));
}

TEST_F(AlertsViewTest, StateNamesAreShort) {
  EXPECT_EQ(IncidentStateText(av1::INCIDENT_STATE_MITIGATING), "mitigating");
  EXPECT_EQ(IncidentStateText(av1::INCIDENT_STATE_UNSPECIFIED), "-");
}

}  // namespace
}  // namespace sqms::tools
