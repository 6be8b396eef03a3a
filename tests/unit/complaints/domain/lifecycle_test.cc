#include "services/complaints/domain/lifecycle.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <utility>

#include "sqms/runtime/field_violation.h"
#include "tests/unit/complaints/domain/test_config.h"

namespace sqms::complaints::domain {
namespace {

using test_support::At;
using test_support::TestTriageConfig;

constexpr Status kAllStatuses[] = {Status::kReceived,  Status::kAssigned,   Status::kInProgress,
                                   Status::kWaitingCustomer, Status::kResolved, Status::kReplied,
                                   Status::kFollowedUp, Status::kClosed};
constexpr CommandKind kAllCommands[] = {
    CommandKind::kAssign,  CommandKind::kStartHandling, CommandKind::kWaitOnCustomer,
    CommandKind::kResume,  CommandKind::kResolve,       CommandKind::kReply,
    CommandKind::kFollowUp, CommandKind::kClose,        CommandKind::kReopen,
    CommandKind::kEscalate, CommandKind::kAddNote};

// The transition table of lifecycle.h, written out independently
// (follow_up with satisfied = true).
std::optional<Status> Expected(CommandKind kind, Status from) {
  using S = Status;
  std::map<CommandKind, std::map<S, S>> table = {
      {CommandKind::kAssign,
       {{S::kReceived, S::kAssigned}, {S::kAssigned, S::kAssigned}, {S::kInProgress, S::kAssigned}}},
      {CommandKind::kStartHandling, {{S::kAssigned, S::kInProgress}}},
      {CommandKind::kWaitOnCustomer, {{S::kInProgress, S::kWaitingCustomer}}},
      {CommandKind::kResume, {{S::kWaitingCustomer, S::kInProgress}}},
      {CommandKind::kResolve, {{S::kInProgress, S::kResolved}}},
      {CommandKind::kReply, {{S::kResolved, S::kReplied}}},
      {CommandKind::kFollowUp, {{S::kReplied, S::kFollowedUp}}},
      {CommandKind::kClose, {{S::kFollowedUp, S::kClosed}, {S::kReplied, S::kClosed}}},
      {CommandKind::kReopen,
       {{S::kResolved, S::kInProgress}, {S::kReplied, S::kInProgress},
        {S::kFollowedUp, S::kInProgress}, {S::kClosed, S::kInProgress}}},
  };
  if (kind == CommandKind::kAddNote) return from;
  if (kind == CommandKind::kEscalate) return from == S::kClosed ? std::nullopt : std::optional(from);
  auto it = table[kind].find(from);
  return it == table[kind].end() ? std::nullopt : std::optional(it->second);
}

Submission ValidSubmission() {
  Submission s;
  s.channel = Channel::kHotline;
  s.title = "车票退票问题";
  s.content = "退票后一直没有到账";
  s.complainant.phone = "13812345678";
  return s;
}

// A command of `kind` with a valid payload.
Command MakeCommand(CommandKind kind, absl::Time now) {
  Command c;
  c.kind = kind;
  c.actor = "agent-1";
  c.now = now;
  c.note = "note";
  c.department = "ticketing-center";
  c.findings = "refund stuck";
  c.root_cause = "batch job failed";
  c.corrective_action = "re-ran the job";
  c.reply = "your refund has been paid";
  c.satisfied = true;
  c.score = 5;
  return c;
}

class LifecycleTest : public ::testing::Test {
 protected:
  Complaint InStatus(Status status) {
    Complaint c = CreateComplaint(ValidSubmission(), "c-1", "agent-1", t0_, triage_).complaint;
    c.status = status;
    if (status == Status::kWaitingCustomer) {
      c.sla.paused = true;
      c.sla.paused_since = t0_;
    }
    return c;
  }
  std::vector<Event> MustApply(Complaint& c, CommandKind kind, absl::Time now) {
    auto events = Apply(c, MakeCommand(kind, now), triage_);
    EXPECT_TRUE(events.ok()) << events.status();
    return events.ok() ? *events : std::vector<Event>{};
  }

  Triage triage_{TestTriageConfig()};
  absl::Time t0_ = At(2026, 11, 16, 9);  // a Monday
};

TEST_F(LifecycleTest, EveryStatusTimesEveryCommand) {
  int legal = 0, illegal = 0;
  for (Status from : kAllStatuses) {
    for (CommandKind kind : kAllCommands) {
      SCOPED_TRACE(std::string(CommandName(kind)) + " in " + std::string(StatusName(from)));
      Complaint c = InStatus(from);
      const Complaint before = c;
      Command command = MakeCommand(kind, t0_ + absl::Hours(1));
      // Not triage's department: an assignment that changes nothing is
      // refused (AnAssignmentThatChangesNothingIsRefused).
      if (kind == CommandKind::kAssign) command.department = "billing-center";
      auto events = Apply(c, command, triage_);
      std::optional<Status> expected = Expected(kind, from);
      if (expected) {
        ++legal;
        ASSERT_TRUE(events.ok()) << events.status();
        EXPECT_EQ(c.status, *expected);
        EXPECT_EQ(c.version, before.version + 1);
        EXPECT_EQ(c.updated_at, t0_ + absl::Hours(1));
        ASSERT_EQ(events->size(), 1u);
        EXPECT_EQ((*events)[0].from, from);
        EXPECT_EQ((*events)[0].to, *expected);
        ASSERT_EQ(c.audit.size(), before.audit.size() + 1);
        EXPECT_EQ(c.audit.back().action, CommandName(kind));
        EXPECT_EQ(c.audit.back().version, c.version);
        EXPECT_EQ(c.audit.back().actor, "agent-1");
      } else {
        ++illegal;
        ASSERT_EQ(events.status().code(), absl::StatusCode::kFailedPrecondition);
        EXPECT_EQ(events.status().message(),
                  "cannot " + std::string(CommandName(kind)) + " a complaint in status " +
                      std::string(StatusName(from)));
        EXPECT_EQ(c.status, before.status);
        EXPECT_EQ(c.version, before.version);
        EXPECT_EQ(c.audit.size(), before.audit.size());
      }
    }
  }
  EXPECT_EQ(legal + illegal, 88);
  EXPECT_EQ(legal, 3 + 1 + 1 + 1 + 1 + 1 + 1 + 2 + 4 + 7 + 8);
}

TEST_F(LifecycleTest, IllegalTransitionMessageNamesTheStatus) {
  Complaint c = InStatus(Status::kReceived);
  auto events = Apply(c, MakeCommand(CommandKind::kResolve, t0_), triage_);
  EXPECT_EQ(events.status(),
            absl::FailedPreconditionError("cannot resolve a complaint in status STATUS_RECEIVED"));
}

TEST_F(LifecycleTest, MissingPayloadIsInvalidArgument) {
  Complaint c = InStatus(Status::kInProgress);
  Command resolve = MakeCommand(CommandKind::kResolve, t0_);
  resolve.findings.clear();
  auto events = Apply(c, resolve, triage_);
  ASSERT_EQ(events.status().code(), absl::StatusCode::kInvalidArgument);
  auto violations = runtime::FieldViolations(events.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "findings");
  EXPECT_EQ(c.status, Status::kInProgress);
}

TEST_F(LifecycleTest, CreateComplaint) {
  Created created = CreateComplaint(ValidSubmission(), "c-1", "agent-1", t0_, triage_);
  const Complaint& c = created.complaint;
  EXPECT_EQ(c.status, Status::kReceived);
  EXPECT_EQ(c.version, 1);
  EXPECT_EQ(c.category, Category::kTicketing);
  EXPECT_EQ(c.department, "ticketing-center");
  EXPECT_EQ(c.occurred_at, t0_);
  EXPECT_EQ(c.received_at, t0_);
  ASSERT_EQ(created.events.size(), 1u);
  EXPECT_EQ(created.events[0].type, EventType::kSubmitted);
  ASSERT_EQ(c.audit.size(), 1u);
  EXPECT_EQ(c.audit[0].action, "submit");
  EXPECT_EQ(c.audit[0].to, Status::kReceived);
  EXPECT_EQ(c.sla.deadlines.size(), 2u);
  EXPECT_EQ(c.received_as.department, "ticketing-center");
  EXPECT_EQ(c.received_as.category, Category::kTicketing);
}

// What a complaint was received as stays when it is moved: the metrics
// service counts its handling in the department that received it.
TEST_F(LifecycleTest, ReceivedAsOutlivesAssignmentAndReclassification) {
  Complaint c = CreateComplaint(ValidSubmission(), "c-1", "agent-1", t0_, triage_).complaint;
  Command reclassify = MakeCommand(CommandKind::kReclassify, t0_ + absl::Minutes(1));
  reclassify.category = Category::kBilling;
  reclassify.priority = Priority::kUnspecified;
  ASSERT_TRUE(Apply(c, reclassify, triage_).ok());
  Command assign = MakeCommand(CommandKind::kAssign, t0_ + absl::Minutes(2));
  assign.department = "customer-service";
  ASSERT_TRUE(Apply(c, assign, triage_).ok());
  EXPECT_EQ(c.category, Category::kBilling);
  EXPECT_EQ(c.department, "customer-service");
  EXPECT_EQ(c.received_as,
            (ReceivedAs{.department = "ticketing-center", .category = Category::kTicketing}));
}

// An agent's correction of a triage miss into safety must reach the safety
// office whatever the status: one change, one audit entry naming both.
TEST_F(LifecycleTest, ReclassifyingToSafetyReRoutesAnAssignedOrInProgressComplaint) {
  for (bool started : {false, true}) {
    SCOPED_TRACE(started ? "IN_PROGRESS" : "ASSIGNED");
    Complaint c = CreateComplaint(ValidSubmission(), "c-1", "agent-1", t0_, triage_).complaint;
    Command assign = MakeCommand(CommandKind::kAssign, t0_ + absl::Minutes(1));
    assign.assignee = "agent.li";
    ASSERT_TRUE(Apply(c, assign, triage_).ok());
    if (started) MustApply(c, CommandKind::kStartHandling, t0_ + absl::Minutes(2));
    const Status status = c.status;
    const size_t audited = c.audit.size();
    ASSERT_EQ(c.department, "ticketing-center");

    Command safety = MakeCommand(CommandKind::kReclassify, t0_ + absl::Minutes(3));
    safety.note = "";
    safety.category = Category::kSafety;
    auto events = Apply(c, safety, triage_);
    ASSERT_TRUE(events.ok()) << events.status();
    EXPECT_EQ(c.department, "safety-office");
    EXPECT_EQ(c.assignee, "agent.li") << "whoever handles it keeps it until safety assigns it";
    EXPECT_EQ(c.status, status);
    EXPECT_EQ(c.priority, Priority::kP1);
    ASSERT_EQ(c.audit.size(), audited + 1);
    EXPECT_EQ(c.audit.back().note,
              "category: ticketing → safety; department: ticketing-center → safety-office; "
              "importance: medium → high; priority: P3 → P1");
    ASSERT_EQ(events->size(), 1u);
    EXPECT_EQ(events->front().type, EventType::kReclassified);
  }
}

TEST_F(LifecycleTest, ReclassifyingAnAssignedComplaintToAnotherCategoryKeepsItsDepartment) {
  Complaint c = CreateComplaint(ValidSubmission(), "c-1", "agent-1", t0_, triage_).complaint;
  MustApply(c, CommandKind::kAssign, t0_ + absl::Minutes(1));
  Command billing = MakeCommand(CommandKind::kReclassify, t0_ + absl::Minutes(2));
  billing.category = Category::kBilling;
  ASSERT_TRUE(Apply(c, billing, triage_).ok());
  EXPECT_EQ(c.department, "ticketing-center");
}

TEST_F(LifecycleTest, FullLifecycle) {
  Complaint c = CreateComplaint(ValidSubmission(), "c-1", "agent-1", t0_, triage_).complaint;
  absl::Time t = t0_;
  for (CommandKind kind : {CommandKind::kAssign, CommandKind::kStartHandling,
                           CommandKind::kResolve, CommandKind::kReply, CommandKind::kFollowUp,
                           CommandKind::kClose}) {
    t += absl::Minutes(10);
    MustApply(c, kind, t);
  }
  EXPECT_EQ(c.status, Status::kClosed);
  EXPECT_EQ(c.version, 7);
  EXPECT_EQ(c.closed_at, t);
  EXPECT_EQ(c.department, "ticketing-center");
  EXPECT_EQ(c.resolution.root_cause, "batch job failed");
  // The unit it was resolved as: its follow-up and reopen count there.
  EXPECT_EQ(c.resolution.department, c.department);
  EXPECT_EQ(c.resolution.category, c.category);
  EXPECT_EQ(c.resolution.assignee, c.assignee);
  EXPECT_EQ(c.reply, "your refund has been paid");
  EXPECT_EQ(c.follow_up.score, 5);
  ASSERT_EQ(c.audit.size(), 7u);
  EXPECT_EQ(c.audit[6].action, "close");
  for (SlaTarget target :
       {SlaTarget::kFirstResponse, SlaTarget::kResolution, SlaTarget::kFollowUp}) {
    ASSERT_NE(c.sla.Find(target), nullptr);
    EXPECT_TRUE(c.sla.Find(target)->met_at.has_value());
  }
  EXPECT_EQ(c.sla.Find(SlaTarget::kFirstResponse)->met_at, t0_ + absl::Minutes(20));
}

TEST_F(LifecycleTest, UnsatisfiedFollowUpReopensWithAFreshResolutionTarget) {
  Complaint c = InStatus(Status::kReplied);
  Command follow_up = MakeCommand(CommandKind::kFollowUp, t0_ + absl::Hours(2));
  follow_up.satisfied = false;
  follow_up.score = 2;
  follow_up.comment = "still not refunded";
  auto events = Apply(c, follow_up, triage_);
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(c.status, Status::kInProgress);
  EXPECT_EQ(c.reopen_count, 1);
  EXPECT_EQ(c.version, 2);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].type, EventType::kFollowedUp);
  EXPECT_EQ((*events)[1].type, EventType::kReopened);
  // One change, one version, one audit entry; both events at that version.
  ASSERT_EQ(c.audit.size(), 2u);
  EXPECT_EQ(c.audit[1].action, "follow_up");
  EXPECT_EQ(c.audit[1].version, 2);
  EXPECT_EQ(c.audit[1].from, Status::kReplied);
  EXPECT_EQ(c.audit[1].to, Status::kInProgress);
  EXPECT_EQ(c.audit[1].note, "not satisfied: reopened (note)");
  const SlaDeadline* resolution = c.sla.Find(SlaTarget::kResolution);
  ASSERT_NE(resolution, nullptr);
  EXPECT_FALSE(resolution->met_at.has_value());
  // P3 on business hours: 28h30m (three 9h30m days) from Monday 11:00.
  EXPECT_EQ(c.priority, Priority::kP3);
  EXPECT_EQ(resolution->due, triage_.CalendarFor(c.priority)
                                 .Add(t0_ + absl::Hours(2), absl::Hours(28) + absl::Minutes(30)));
  EXPECT_EQ(c.sla.Find(SlaTarget::kFollowUp), nullptr);
  EXPECT_FALSE(c.follow_up.satisfied);
  EXPECT_EQ(c.follow_up.comment, "still not refunded");
}

TEST_F(LifecycleTest, ReopenClosedComplaint) {
  Complaint c = InStatus(Status::kClosed);
  c.closed_at = t0_;
  MustApply(c, CommandKind::kReopen, t0_ + absl::Hours(1));
  EXPECT_EQ(c.status, Status::kInProgress);
  EXPECT_EQ(c.reopen_count, 1);
  EXPECT_FALSE(c.closed_at.has_value());
}

TEST_F(LifecycleTest, EscalateAndNoteKeepTheStatus) {
  Complaint c = InStatus(Status::kWaitingCustomer);
  auto events = MustApply(c, CommandKind::kEscalate, t0_);
  EXPECT_EQ(c.escalation_level, 1);
  EXPECT_EQ(events[0].type, EventType::kEscalated);
  MustApply(c, CommandKind::kEscalate, t0_);
  EXPECT_EQ(c.escalation_level, 2);
  events = MustApply(c, CommandKind::kAddNote, t0_);
  EXPECT_EQ(events[0].type, EventType::kNoteAdded);
  EXPECT_EQ(events[0].note, "note");
  EXPECT_EQ(c.status, Status::kWaitingCustomer);
  EXPECT_EQ(c.audit.back().note, "note");
}

TEST_F(LifecycleTest, AssignKeepsWhatIsNotGiven) {
  Complaint c = InStatus(Status::kReceived);
  Command assign = MakeCommand(CommandKind::kAssign, t0_);
  assign.department.clear();
  assign.assignee = "agent-7";
  ASSERT_TRUE(Apply(c, assign, triage_).ok());
  EXPECT_EQ(c.department, "ticketing-center");  // from triage
  EXPECT_EQ(c.assignee, "agent-7");
}

// The audit trail (and the event) says from whom to whom: "assigned" alone
// does not tell a supervisor who had the complaint before.
TEST_F(LifecycleTest, AssignRecordsFromAndTo) {
  Complaint c = InStatus(Status::kReceived);
  Command first = MakeCommand(CommandKind::kAssign, t0_);
  first.department = "ticketing-center";  // the triage's department: unchanged
  first.assignee = "agent-7";
  first.note.clear();
  auto events = Apply(c, first, triage_);
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(c.audit.back().note, "assignee: - → agent-7");
  EXPECT_EQ(events->front().note, "assignee: - → agent-7");

  Command second = MakeCommand(CommandKind::kAssign, t0_ + absl::Minutes(5));
  second.department = "billing-center";
  second.assignee = "agent-9";
  ASSERT_TRUE(Apply(c, second, triage_).ok());
  EXPECT_EQ(c.audit.back().action, "assign");
  EXPECT_EQ(c.audit.back().note,
            "department: ticketing-center → billing-center; assignee: agent-7 → agent-9 (note)");
}

// A department not in triage's list (triage.yaml `departments`) would be a
// queue no one reads: refused before the transition, the complaint untouched.
TEST_F(LifecycleTest, AnAssignmentToAnUnlistedDepartmentChangesNothing) {
  for (Status from : {Status::kReceived, Status::kClosed}) {
    Complaint c = InStatus(from);
    const Complaint before = c;
    Command assign = MakeCommand(CommandKind::kAssign, t0_);
    assign.department = "no-such-dept";
    auto events = Apply(c, assign, triage_);
    ASSERT_EQ(events.status().code(), absl::StatusCode::kInvalidArgument);
    const auto violations = runtime::FieldViolations(events.status());
    ASSERT_EQ(violations.size(), 1u);
    EXPECT_EQ(violations[0].field, "department");
    EXPECT_EQ(c.version, before.version);
    EXPECT_EQ(c.status, before.status);
    EXPECT_EQ(c.department, before.department);
    EXPECT_EQ(c.audit.size(), before.audit.size());
  }
}

// Like a reclassification that changes nothing: no version, audit entry or
// event, and the refusal names what the complaint has already.
TEST_F(LifecycleTest, AnAssignmentThatChangesNothingIsRefused) {
  Complaint c = InStatus(Status::kReceived);
  Command assign = MakeCommand(CommandKind::kAssign, t0_);
  assign.department = "ticketing-center";  // the triage's: RECEIVED → ASSIGNED is the change
  assign.assignee = "agent-7";
  ASSERT_TRUE(Apply(c, assign, triage_).ok());
  const Complaint assigned = c;

  assign.now = t0_ + absl::Minutes(5);
  auto again = Apply(c, assign, triage_);
  ASSERT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition) << again.status();
  EXPECT_EQ(again.status().message(),
            "already assigned to department ticketing-center, assignee agent-7: nothing to assign");
  auto violations = runtime::FieldViolations(again.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "department");
  EXPECT_EQ(c.version, assigned.version);
  EXPECT_EQ(c.audit.size(), assigned.audit.size());
  EXPECT_EQ(c.updated_at, assigned.updated_at);

  Command same_assignee = assign;
  same_assignee.department.clear();
  auto only_assignee = Apply(c, same_assignee, triage_);
  ASSERT_EQ(only_assignee.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(only_assignee.status().message(),
            "already assigned to assignee agent-7: nothing to assign");
  violations = runtime::FieldViolations(only_assignee.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "assignee");
  EXPECT_EQ(c.version, assigned.version);

  // Handing an IN_PROGRESS complaint back to the same people changes its status.
  c.status = Status::kInProgress;
  ASSERT_TRUE(Apply(c, assign, triage_).ok());
  EXPECT_EQ(c.status, Status::kAssigned);
  EXPECT_EQ(c.version, assigned.version + 1);
}

TEST_F(LifecycleTest, Names) {
  EXPECT_EQ(CommandName(CommandKind::kWaitOnCustomer), "wait_customer");
  EXPECT_EQ(CommandName(CommandKind::kAddNote), "note");
  EXPECT_EQ(StatusName(Status::kWaitingCustomer), "STATUS_WAITING_CUSTOMER");
  EXPECT_EQ(StatusName(static_cast<Status>(42)), "STATUS_UNSPECIFIED");
}

}  // namespace
}  // namespace sqms::complaints::domain
