// The SLA clock inside the lifecycle: deadlines at creation, pause/resume
// shifting, pending timers and firing them.
#include <gtest/gtest.h>

#include "services/complaints/domain/lifecycle.h"
#include "services/complaints/domain/sla_clock.h"
#include "tests/unit/complaints/domain/test_config.h"

namespace sqms::complaints::domain {
namespace {

using test_support::At;
using test_support::TestTriageConfig;

Submission MakeSubmission(const std::string& title) {
  Submission s;
  s.channel = Channel::kApp;
  s.title = title;
  s.content = "详情见标题";
  s.complainant.phone = "13812345678";
  return s;
}

Command Cmd(CommandKind kind, absl::Time now) {
  Command c;
  c.kind = kind;
  c.actor = "agent-1";
  c.now = now;
  c.department = "billing-center";  // one of TestTriageConfig's departments
  c.findings = c.root_cause = c.corrective_action = "x";
  c.reply = "done";
  c.score = 4;
  c.satisfied = true;
  return c;
}

class SlaClockTest : public ::testing::Test {
 protected:
  Complaint Create(const std::string& title, absl::Time now) {
    return CreateComplaint(MakeSubmission(title), "c-1", "agent-1", now, triage_).complaint;
  }
  void Do(Complaint& c, CommandKind kind, absl::Time now) {
    auto events = Apply(c, Cmd(kind, now), triage_);
    ASSERT_TRUE(events.ok()) << events.status();
  }
  // Brings a fresh complaint to IN_PROGRESS at `now`.
  void Start(Complaint& c, absl::Time now) {
    Do(c, CommandKind::kAssign, now);
    Do(c, CommandKind::kStartHandling, now);
  }

  Triage triage_{TestTriageConfig()};
};

TEST_F(SlaClockTest, SafetyRunsOnTheAlwaysOpenClock) {
  absl::Time sunday_night = At(2026, 11, 22, 23);
  Complaint c = Create("车厢冒烟", sunday_night);
  EXPECT_EQ(c.priority, Priority::kP1);
  const SlaDeadline* fr = c.sla.Find(SlaTarget::kFirstResponse);
  ASSERT_NE(fr, nullptr);
  EXPECT_EQ(fr->due, sunday_night + absl::Minutes(30));
  EXPECT_EQ(fr->at_risk_at, sunday_night + absl::Minutes(24));
  EXPECT_EQ(c.sla.Find(SlaTarget::kResolution)->due, sunday_night + absl::Hours(4));
}

TEST_F(SlaClockTest, BusinessHoursDeadlinesSkipClosedTime) {
  // P3 (ticketing, medium × medium), first response 4h, created Friday 17:00.
  Complaint c = Create("退票问题", At(2026, 11, 20, 17));
  ASSERT_EQ(c.priority, Priority::kP3);
  const SlaDeadline* fr = c.sla.Find(SlaTarget::kFirstResponse);
  EXPECT_EQ(fr->due, At(2026, 11, 21, 12));          // 1h Friday + 3h Saturday
  EXPECT_EQ(fr->at_risk_at, At(2026, 11, 21, 11, 12));  // 80% of 4h = 3h12m
  EXPECT_FALSE(fr->met_at.has_value());
}

TEST_F(SlaClockTest, PauseAndResumeShiftUnmetDeadlines) {
  absl::Time t0 = At(2026, 11, 22, 10);  // Sunday; P1 is 24x7
  Complaint c = Create("fire alarm", t0);
  Start(c, t0 + absl::Minutes(5));
  Do(c, CommandKind::kWaitOnCustomer, t0 + absl::Hours(1));
  EXPECT_TRUE(c.sla.paused);
  EXPECT_EQ(c.sla.paused_since, t0 + absl::Hours(1));
  Do(c, CommandKind::kResume, t0 + absl::Hours(3));
  EXPECT_FALSE(c.sla.paused);
  EXPECT_EQ(c.sla.paused_total, absl::Hours(2));
  const SlaDeadline* res = c.sla.Find(SlaTarget::kResolution);
  EXPECT_EQ(res->due, t0 + absl::Hours(6));  // 3h were left at the pause
  EXPECT_EQ(res->at_risk_at, t0 + absl::Hours(5) + absl::Minutes(12));
  // The met first response does not move.
  EXPECT_EQ(c.sla.Find(SlaTarget::kFirstResponse)->due, t0 + absl::Minutes(30));
}

TEST_F(SlaClockTest, ResumePreservesRemainingBusinessTime) {
  // P3 created Monday 09:00: resolution 28h30m business.
  absl::Time t0 = At(2026, 11, 16, 9);
  Complaint c = Create("退票问题", t0);
  Start(c, t0);
  const absl::Time due_before = c.sla.Find(SlaTarget::kResolution)->due;
  const BusinessCalendar& cal = triage_.CalendarFor(c.priority);
  const absl::Time paused = At(2026, 11, 16, 17);
  const absl::Duration remaining = cal.Between(paused, due_before);
  Do(c, CommandKind::kWaitOnCustomer, paused);
  const absl::Time resumed = At(2026, 11, 18, 14);  // Wednesday afternoon
  Do(c, CommandKind::kResume, resumed);
  EXPECT_EQ(c.sla.Find(SlaTarget::kResolution)->due, cal.Add(resumed, remaining));
  EXPECT_EQ(cal.Between(resumed, c.sla.Find(SlaTarget::kResolution)->due), remaining);
  EXPECT_EQ(c.sla.paused_total, resumed - paused);
}

TEST_F(SlaClockTest, AMetTargetRecordsTheWorkingTimeSinceReceipt) {
  // P3 created Friday 17:00, handling started Saturday 12:00: 19 h of wall
  // time, of which 1 h Friday and 3 h Saturday are open.
  Complaint c = Create("退票问题", At(2026, 11, 20, 17));
  Start(c, At(2026, 11, 21, 12));
  const SlaDeadline* fr = c.sla.Find(SlaTarget::kFirstResponse);
  ASSERT_TRUE(fr->met_at.has_value());
  EXPECT_EQ(fr->met_after_working, absl::Hours(4));
  EXPECT_FALSE(c.sla.Find(SlaTarget::kResolution)->met_after_working.has_value());
}

TEST_F(SlaClockTest, WorkingTimeLeavesOutTheOpenTimePaused) {
  // P3 created and started Monday 09:00, waiting on the customer from
  // Monday 17:00 to Wednesday 14:00, resolved Wednesday 16:00: worked 8 h
  // Monday and 2 h Wednesday. The pause held 1 h Monday, 9.5 h Tuesday and
  // 5.5 h Wednesday of open time.
  Complaint c = Create("退票问题", At(2026, 11, 16, 9));
  Start(c, At(2026, 11, 16, 9));
  Do(c, CommandKind::kWaitOnCustomer, At(2026, 11, 16, 17));
  const BusinessCalendar& cal = triage_.CalendarFor(c.priority);
  EXPECT_EQ(WorkingTimeSince(c.sla, c.received_at, At(2026, 11, 17, 12), cal), absl::Hours(8))
      << "a pause still running counts up to now";
  Do(c, CommandKind::kResume, At(2026, 11, 18, 14));
  EXPECT_EQ(c.sla.paused_working, absl::Hours(16));
  Do(c, CommandKind::kResolve, At(2026, 11, 18, 16));
  EXPECT_EQ(c.sla.Find(SlaTarget::kFirstResponse)->met_after_working, absl::ZeroDuration());
  EXPECT_EQ(c.sla.Find(SlaTarget::kResolution)->met_after_working, absl::Hours(10));
}

TEST_F(SlaClockTest, AReclassifiedDeadlineAddsTheOpenTimePausedNotTheWallTime) {
  // As above, paused 16 h of open time (45 h of wall time), then raised to
  // P2: resolution 9.5 h + 16 h of open time from Monday 09:00 is Monday
  // 9 h, Tuesday 9.5 h and Wednesday 08:30-15:30. (Adding the 45 h of wall
  // time would put it at Thursday 06:00, before opening.)
  Complaint c = Create("退票问题", At(2026, 11, 16, 9));
  ASSERT_EQ(c.priority, Priority::kP3);
  Start(c, At(2026, 11, 16, 9));
  Do(c, CommandKind::kWaitOnCustomer, At(2026, 11, 16, 17));
  Do(c, CommandKind::kResume, At(2026, 11, 18, 14));
  Command raise = Cmd(CommandKind::kReclassify, At(2026, 11, 18, 14, 30));
  raise.priority = Priority::kP2;
  auto events = Apply(c, raise, triage_);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(c.priority, Priority::kP2);
  EXPECT_EQ(c.sla.Find(SlaTarget::kResolution)->due, At(2026, 11, 18, 15, 30));
}

TEST_F(SlaClockTest, RaisedToA24x7ClockThePauseCountsInWallTime) {
  // P3 created and started Monday 09:00, paused Monday 10:00 to Tuesday
  // 10:00 (24 h of wall time, 9.5 h of business hours), raised to P1 at
  // 10:30: on P1's 24x7 clock the resolution is due 4 h + 24 h after
  // receipt, Tuesday 13:00; resolved at 11:00 it took 26 h - 24 h = 2 h.
  Complaint c = Create("退票问题", At(2026, 11, 16, 9));
  Start(c, At(2026, 11, 16, 9));
  Do(c, CommandKind::kWaitOnCustomer, At(2026, 11, 16, 10));
  Do(c, CommandKind::kResume, At(2026, 11, 17, 10));
  EXPECT_EQ(c.sla.paused_total, absl::Hours(24));
  EXPECT_EQ(c.sla.paused_working, absl::Hours(9) + absl::Minutes(30));
  Command raise = Cmd(CommandKind::kReclassify, At(2026, 11, 17, 10, 30));
  raise.priority = Priority::kP1;
  ASSERT_TRUE(Apply(c, raise, triage_).ok());
  EXPECT_EQ(c.sla.Find(SlaTarget::kResolution)->due, At(2026, 11, 17, 13));
  Do(c, CommandKind::kResolve, At(2026, 11, 17, 11));
  EXPECT_EQ(c.sla.Find(SlaTarget::kResolution)->met_after_working, absl::Hours(2));
}

TEST_F(SlaClockTest, APauseOnA24x7ClockStillCountsInBusinessHoursForALaterLowering) {
  // Raised to P1 at once, paused Monday 10:00 to Tuesday 10:00 on the 24x7
  // clock, then lowered to P3: the pause held 9.5 h of business hours, so
  // P3's 28.5 h resolution runs to 38 h of business hours after receipt.
  Complaint c = Create("退票问题", At(2026, 11, 16, 9));
  Command raise = Cmd(CommandKind::kReclassify, At(2026, 11, 16, 9));
  raise.priority = Priority::kP1;
  ASSERT_TRUE(Apply(c, raise, triage_).ok());
  Start(c, At(2026, 11, 16, 9));
  Do(c, CommandKind::kWaitOnCustomer, At(2026, 11, 16, 10));
  Do(c, CommandKind::kResume, At(2026, 11, 17, 10));
  EXPECT_EQ(c.sla.paused_working, absl::Hours(9) + absl::Minutes(30));
  Command lower = Cmd(CommandKind::kReclassify, At(2026, 11, 17, 11));
  lower.priority = Priority::kP3;
  ASSERT_TRUE(Apply(c, lower, triage_).ok());
  const BusinessCalendar& business = triage_.BusinessHours();
  EXPECT_EQ(business.Between(c.received_at, c.sla.Find(SlaTarget::kResolution)->due),
            absl::Hours(38));
}

TEST_F(SlaClockTest, AComplaintPausedBeforePausesWereMeasuredInOpenTimeHasNoWorkingTime) {
  // As an older version stored it: paused 2 h of wall time, the open time
  // of it unknown. Its working time is unknown, not guessed; a
  // reclassification shifts by the wall time, as that version did.
  Complaint c = Create("退票问题", At(2026, 11, 16, 9));
  Start(c, At(2026, 11, 16, 9));
  c.sla.paused_total = absl::Hours(2);
  c.sla.paused_working = std::nullopt;
  Command raise = Cmd(CommandKind::kReclassify, At(2026, 11, 16, 12));
  raise.priority = Priority::kP2;
  ASSERT_TRUE(Apply(c, raise, triage_).ok());
  const BusinessCalendar& business = triage_.BusinessHours();
  EXPECT_EQ(c.sla.Find(SlaTarget::kResolution)->due,
            business.Add(c.received_at, absl::Hours(9) + absl::Minutes(30)) + absl::Hours(2));
  Do(c, CommandKind::kResolve, At(2026, 11, 16, 14));
  const SlaDeadline* resolution = c.sla.Find(SlaTarget::kResolution);
  ASSERT_TRUE(resolution->met_at.has_value());
  EXPECT_FALSE(resolution->met_after_working.has_value());
}

// After a reopen the resolution deadline is the cycle's: a changed
// priority recomputes it from the reopen under the new policy, counting
// only the pauses of that cycle (docs/api.md, "a changed priority").
TEST_F(SlaClockTest, ReclassifiedAfterAReopenTheResolutionRunsFromTheReopenUnderTheNewPolicy) {
  // P3 ticketing (business hours) received Monday 09:00, paused 15 min in
  // its first cycle, resolved and replied; the follow-up is not satisfied
  // on Tuesday 10:00 (the reopen R), then it waits on the customer 11:00 to
  // 13:00 (2 h) and a supervisor makes it safety (P1, 24x7) at 13:30.
  Complaint c = Create("退票问题", At(2026, 11, 16, 9));
  ASSERT_EQ(c.priority, Priority::kP3);
  Start(c, At(2026, 11, 16, 9));
  Do(c, CommandKind::kWaitOnCustomer, At(2026, 11, 16, 9, 30));
  Do(c, CommandKind::kResume, At(2026, 11, 16, 9, 45));
  Do(c, CommandKind::kResolve, At(2026, 11, 16, 10));
  Do(c, CommandKind::kReply, At(2026, 11, 16, 10, 30));
  const absl::Time reopen = At(2026, 11, 17, 10);
  Command unsatisfied = Cmd(CommandKind::kFollowUp, reopen);
  unsatisfied.satisfied = false;
  ASSERT_TRUE(Apply(c, unsatisfied, triage_).ok());
  ASSERT_EQ(c.reopen_count, 1);
  ASSERT_TRUE(c.sla.cycle.has_value());
  EXPECT_EQ(c.sla.cycle->started_at, reopen);
  Do(c, CommandKind::kWaitOnCustomer, reopen + absl::Hours(1));
  Do(c, CommandKind::kResume, reopen + absl::Hours(3));

  Command safety = Cmd(CommandKind::kReclassify, reopen + absl::Hours(3) + absl::Minutes(30));
  safety.category = Category::kSafety;
  ASSERT_TRUE(Apply(c, safety, triage_).ok());
  ASSERT_EQ(c.priority, Priority::kP1);
  const SlaDeadline* resolution = c.sla.Find(SlaTarget::kResolution);
  ASSERT_NE(resolution, nullptr);
  // 4 h from the reopen on the 24x7 clock, plus the 2 h paused since (not
  // the first cycle's 15 min).
  EXPECT_EQ(resolution->due, reopen + absl::Hours(6));
  EXPECT_EQ(resolution->at_risk_at, reopen + absl::Hours(3) + absl::Minutes(12) + absl::Hours(2));
  EXPECT_TRUE(FireDueTimers(c, reopen + absl::Hours(6), triage_).size() >= 1u) << "breaches then";
  EXPECT_TRUE(c.sla.Find(SlaTarget::kResolution)->breached);
}

TEST_F(SlaClockTest, LoweredAfterAReopenTheResolutionRunsFromTheReopenOnTheNewCalendar) {
  // P1 (24x7) reopened Monday 10:00, lowered to P3 at 10:30: 28.5 h of
  // business hours from the reopen, not the 4 h of P1's clock kept.
  Complaint c = Create("fire alarm", At(2026, 11, 16, 9));
  ASSERT_EQ(c.priority, Priority::kP1);
  Start(c, At(2026, 11, 16, 9));
  Do(c, CommandKind::kResolve, At(2026, 11, 16, 9, 30));
  const absl::Time reopen = At(2026, 11, 16, 10);
  Do(c, CommandKind::kReopen, reopen);
  Command lower = Cmd(CommandKind::kReclassify, reopen + absl::Minutes(30));
  lower.category = Category::kTicketing;
  lower.priority = Priority::kP3;
  ASSERT_TRUE(Apply(c, lower, triage_).ok());
  EXPECT_EQ(c.sla.Find(SlaTarget::kResolution)->due,
            triage_.BusinessHours().Add(reopen, absl::Hours(28) + absl::Minutes(30)));
}

TEST_F(SlaClockTest, ReclassifiedAfterTheReplyTheFollowUpRunsFromTheReplyUnderTheNewPolicy) {
  // P3 replied Monday 11:00 (follow-up 28 h of business hours), raised to
  // P1 at 12:00: P1's follow-up is 24 h on the 24x7 clock from the reply.
  Complaint c = Create("退票问题", At(2026, 11, 16, 9));
  Start(c, At(2026, 11, 16, 9));
  Do(c, CommandKind::kResolve, At(2026, 11, 16, 10));
  const absl::Time replied = At(2026, 11, 16, 11);
  Do(c, CommandKind::kReply, replied);
  Command raise = Cmd(CommandKind::kReclassify, At(2026, 11, 16, 12));
  raise.priority = Priority::kP1;
  ASSERT_TRUE(Apply(c, raise, triage_).ok());
  const SlaDeadline* follow_up = c.sla.Find(SlaTarget::kFollowUp);
  ASSERT_NE(follow_up, nullptr);
  EXPECT_EQ(follow_up->due, replied + absl::Hours(24));
  EXPECT_EQ(follow_up->at_risk_at, replied + absl::Hours(24) * 0.8);
}

TEST_F(SlaClockTest, AComplaintReopenedBeforeCyclesWereStoredKeepsItsResolutionDeadline) {
  // As an older version stored it: reopened, its cycle's start unknown.
  Complaint c = Create("退票问题", At(2026, 11, 16, 9));
  Start(c, At(2026, 11, 16, 9));
  Do(c, CommandKind::kResolve, At(2026, 11, 16, 10));
  Do(c, CommandKind::kReopen, At(2026, 11, 16, 11));
  c.sla.cycle.reset();
  const absl::Time kept = c.sla.Find(SlaTarget::kResolution)->due;
  Command raise = Cmd(CommandKind::kReclassify, At(2026, 11, 16, 12));
  raise.priority = Priority::kP1;
  ASSERT_TRUE(Apply(c, raise, triage_).ok());
  EXPECT_EQ(c.sla.Find(SlaTarget::kResolution)->due, kept);
}

TEST_F(SlaClockTest, PendingTimers) {
  absl::Time t0 = At(2026, 11, 22, 10);
  Complaint c = Create("fire alarm", t0);
  std::vector<SlaTimer> timers = PendingTimers(c);
  ASSERT_EQ(timers.size(), 4u);  // at-risk and breach for first response and resolution
  EXPECT_EQ(timers[0].target, SlaTarget::kFirstResponse);
  EXPECT_FALSE(timers[0].breach);
  EXPECT_EQ(timers[0].at, t0 + absl::Minutes(24));
  EXPECT_TRUE(timers[1].breach);
  EXPECT_EQ(timers[1].at, t0 + absl::Minutes(30));

  Start(c, t0 + absl::Minutes(1));  // first response met
  EXPECT_EQ(PendingTimers(c).size(), 2u);
  Do(c, CommandKind::kWaitOnCustomer, t0 + absl::Minutes(2));
  timers = PendingTimers(c);  // paused: only the wait's end
  ASSERT_EQ(timers.size(), 1u);
  EXPECT_EQ(timers[0].target, SlaTarget::kUnspecified);
  EXPECT_EQ(timers[0].at, t0 + absl::Minutes(2) + triage_.config().max_customer_wait);
  Do(c, CommandKind::kResume, t0 + absl::Minutes(3));
  EXPECT_EQ(PendingTimers(c).size(), 2u);
  Do(c, CommandKind::kResolve, t0 + absl::Minutes(4));
  EXPECT_TRUE(PendingTimers(c).empty());
  Do(c, CommandKind::kReply, t0 + absl::Minutes(5));
  timers = PendingTimers(c);
  ASSERT_EQ(timers.size(), 2u);  // the follow-up deadline
  EXPECT_EQ(timers[1].target, SlaTarget::kFollowUp);
  EXPECT_EQ(timers[1].at, t0 + absl::Minutes(5) + absl::Hours(24));
  Command close = Cmd(CommandKind::kClose, t0 + absl::Minutes(6));
  close.note = "customer declined the follow-up";  // required from REPLIED
  ASSERT_TRUE(Apply(c, close, triage_).ok());
  EXPECT_TRUE(PendingTimers(c).empty());  // closed
}

TEST_F(SlaClockTest, FireDueTimersAtRiskThenBreach) {
  absl::Time t0 = At(2026, 11, 22, 10);
  Complaint c = Create("fire alarm", t0);
  const int64_t v = c.version;

  EXPECT_TRUE(FireDueTimers(c, t0 + absl::Minutes(10), triage_).empty());  // nothing due yet
  EXPECT_EQ(c.version, v);

  std::vector<Event> events = FireDueTimers(c, t0 + absl::Minutes(24), triage_);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::kSlaAtRisk);
  EXPECT_EQ(events[0].sla_target, SlaTarget::kFirstResponse);
  EXPECT_EQ(c.version, v + 1);
  EXPECT_EQ(c.audit.back().action, "sla_at_risk");
  EXPECT_TRUE(c.sla.Find(SlaTarget::kFirstResponse)->at_risk);

  // The same timer delivered again (e.g. after a restart) is a no-op.
  EXPECT_TRUE(FireDueTimers(c, t0 + absl::Minutes(25), triage_).empty());
  EXPECT_EQ(c.version, v + 1);

  events = FireDueTimers(c, t0 + absl::Minutes(30), triage_);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::kSlaBreached);
  EXPECT_EQ(c.audit.back().action, "sla_breached");
  EXPECT_TRUE(c.sla.AnyBreached());
  EXPECT_EQ(PendingTimers(c).size(), 2u);  // only the resolution timers remain
}

// Requirements §1: "a breached target is an event that escalates". Being at
// risk escalates nothing; each breach climbs a tier, up to the top.
TEST_F(SlaClockTest, EachBreachEscalatesOneTierUpToTheTop) {
  absl::Time t0 = At(2026, 11, 22, 10);
  Complaint c = Create("fire alarm", t0);
  FireDueTimers(c, t0 + absl::Minutes(24), triage_);  // first response at risk
  EXPECT_EQ(c.escalation_level, 0);
  FireDueTimers(c, t0 + absl::Minutes(30), triage_);  // first response breached
  EXPECT_EQ(c.escalation_level, 1);
  EXPECT_EQ(c.audit.back().note, "first_response breached; escalated to level 1");
  std::vector<Event> events = FireDueTimers(c, t0 + absl::Hours(5), triage_);  // resolution
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(c.escalation_level, kTopEscalationLevel);
  EXPECT_EQ(c.audit.back().note, "resolution at risk; resolution breached; escalated to level 2");
}

TEST_F(SlaClockTest, ABreachNeverLowersALevelSetHigherByHand) {
  absl::Time t0 = At(2026, 11, 22, 10);
  Complaint c = Create("fire alarm", t0);
  // By hand up to the top (no further: lifecycle.h), or above it in a
  // complaint stored before escalation was capped.
  for (int i = 0; i < kTopEscalationLevel; ++i)
    Do(c, CommandKind::kEscalate, t0 + absl::Minutes(1));
  ASSERT_EQ(c.escalation_level, kTopEscalationLevel);
  Complaint stored_before_the_cap = c;
  stored_before_the_cap.escalation_level = kTopEscalationLevel + 1;
  FireDueTimers(c, t0 + absl::Hours(5), triage_);
  FireDueTimers(stored_before_the_cap, t0 + absl::Hours(5), triage_);
  EXPECT_EQ(c.escalation_level, kTopEscalationLevel);
  EXPECT_EQ(stored_before_the_cap.escalation_level, kTopEscalationLevel + 1);
  EXPECT_EQ(c.audit.back().note,
            "first_response at risk; first_response breached; resolution at risk; "
            "resolution breached");
}

TEST_F(SlaClockTest, FireDueTimersLateEmitsAtRiskBeforeBreach) {
  absl::Time t0 = At(2026, 11, 22, 10);
  Complaint c = Create("fire alarm", t0);
  std::vector<Event> events = FireDueTimers(c, t0 + absl::Hours(5), triage_);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].type, EventType::kSlaAtRisk);
  EXPECT_EQ(events[1].type, EventType::kSlaBreached);
  EXPECT_EQ(events[2].sla_target, SlaTarget::kResolution);
  EXPECT_EQ(c.version, 2);  // one change, one audit entry naming all four
  ASSERT_EQ(c.audit.size(), 2u);
  EXPECT_EQ(c.audit[1].action, "sla_breached");
  EXPECT_EQ(c.audit[1].version, 2);
  EXPECT_EQ(c.audit[1].note,
            "first_response at risk; first_response breached; resolution at risk; "
            "resolution breached; escalated to level 2");
  EXPECT_EQ(c.escalation_level, 2);
}

TEST_F(SlaClockTest, NoTimersFireWhilePausedOrForMetTargets) {
  absl::Time t0 = At(2026, 11, 22, 10);
  Complaint c = Create("fire alarm", t0);
  Start(c, t0 + absl::Minutes(1));
  EXPECT_TRUE(FireDueTimers(c, t0 + absl::Minutes(40), triage_).empty());  // first response met
  Do(c, CommandKind::kWaitOnCustomer, t0 + absl::Hours(1));
  EXPECT_TRUE(FireDueTimers(c, t0 + absl::Hours(10), triage_).empty());  // paused
}

// Waiting on the customer pauses the clock for at most max_customer_wait
// (72 h in the test config): then the complaint is back IN_PROGRESS by
// itself and its clock runs again — an agent cannot park a complaint there
// for ever and never breach.
TEST_F(SlaClockTest, AWaitOnTheCustomerEndsByItselfAfterTheMaximumWait) {
  absl::Time t0 = At(2026, 11, 22, 10);
  Complaint c = Create("fire alarm", t0);
  Start(c, t0 + absl::Minutes(1));
  const absl::Time waited = t0 + absl::Minutes(10);
  Do(c, CommandKind::kWaitOnCustomer, waited);
  const absl::Time ends = waited + triage_.config().max_customer_wait;
  EXPECT_EQ(c.sla.wait_until, ends);
  const absl::Time due_while_paused = c.sla.Find(SlaTarget::kResolution)->due;
  std::vector<SlaTimer> timers = PendingTimers(c);
  ASSERT_EQ(timers.size(), 1u);
  EXPECT_EQ(timers[0].at, ends);

  EXPECT_TRUE(FireDueTimers(c, ends - absl::Seconds(1), triage_).empty());
  const int64_t v = c.version;
  std::vector<Event> events = FireDueTimers(c, ends, triage_);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::kResumed);
  EXPECT_EQ(events[0].from, Status::kWaitingCustomer);
  EXPECT_EQ(events[0].to, Status::kInProgress);
  EXPECT_EQ(c.status, Status::kInProgress);
  EXPECT_FALSE(c.sla.paused);
  EXPECT_EQ(c.sla.wait_until, absl::InfiniteFuture());
  EXPECT_EQ(c.version, v + 1);
  EXPECT_EQ(c.audit.back().action, "wait_expired");
  EXPECT_EQ(c.audit.back().actor, "sla-timer");
  // The 72 h paused count for the deadline (pushed back), and it runs again.
  EXPECT_GT(c.sla.Find(SlaTarget::kResolution)->due, due_while_paused);
  EXPECT_FALSE(PendingTimers(c).empty());
  EXPECT_TRUE(FireDueTimers(c, ends, triage_).empty()) << "the same timer again is a no-op";
}

// The pause is at most max_customer_wait however late its end is seen: a
// wait timer that fires two hours late (a Redis failover), or a resume by
// hand after the wait ran out, leaves the deadlines where a timer on time
// would have (already past ones then fire at once).
TEST_F(SlaClockTest, AWaitEndedLatePausesTheClockNoLongerThanTheMaximum) {
  absl::Time t0 = At(2026, 11, 22, 10);
  for (bool by_hand : {false, true}) {
    Complaint on_time = Create("fire alarm", t0);
    Start(on_time, t0 + absl::Minutes(1));
    Do(on_time, CommandKind::kWaitOnCustomer, t0 + absl::Minutes(10));
    Complaint late = on_time;
    const absl::Time ends = on_time.sla.wait_until;
    ASSERT_EQ(FireDueTimers(on_time, ends, triage_).size(), 1u);
    if (by_hand) {
      Do(late, CommandKind::kResume, ends + absl::Hours(2));
    } else {
      ASSERT_EQ(FireDueTimers(late, ends + absl::Hours(2), triage_).size(), 1u);
    }
    EXPECT_EQ(late.sla.Find(SlaTarget::kResolution)->due,
              on_time.sla.Find(SlaTarget::kResolution)->due)
        << (by_hand ? "by hand" : "by the timer");
    EXPECT_EQ(late.sla.paused_total, on_time.sla.paused_total);
    ASSERT_FALSE(PendingTimers(late).empty());
    EXPECT_EQ(PendingTimers(late)[0].at, PendingTimers(on_time)[0].at);
  }
}

TEST_F(SlaClockTest, ResumingByHandEndsTheWaitAndItsTimer) {
  absl::Time t0 = At(2026, 11, 22, 10);
  Complaint c = Create("fire alarm", t0);
  Start(c, t0 + absl::Minutes(1));
  Do(c, CommandKind::kWaitOnCustomer, t0 + absl::Minutes(10));
  Do(c, CommandKind::kResume, t0 + absl::Hours(2));
  EXPECT_EQ(c.sla.wait_until, absl::InfiniteFuture());
  for (const SlaTimer& t : PendingTimers(c)) EXPECT_NE(t.target, SlaTarget::kUnspecified);
}

}  // namespace
}  // namespace sqms::complaints::domain
