// Escalation one tier at a time up to the top, as far as the actor's role
// reaches; and a close that skips the follow-up visit, which needs a reason
// (lifecycle.h).
#include <gtest/gtest.h>

#include "services/complaints/domain/lifecycle.h"
#include "sqms/runtime/field_violation.h"
#include "tests/unit/complaints/domain/test_config.h"

namespace sqms::complaints::domain {
namespace {

using test_support::At;
using test_support::TestTriageConfig;

class EscalateCloseTest : public ::testing::Test {
 protected:
  Complaint Received() {
    Submission s;
    s.channel = Channel::kHotline;
    s.title = "车票退票问题";
    s.content = "退票后一直没有到账";
    s.complainant.phone = "13812345678";
    return CreateComplaint(s, "c-1", "agent-1", t0_, triage_).complaint;
  }
  Command Make(CommandKind kind, absl::Time now, std::string note = "") {
    Command c;
    c.kind = kind;
    c.actor = "agent.li";
    c.now = now;
    c.note = std::move(note);
    c.findings = "refund stuck";
    c.root_cause = "batch job failed";
    c.corrective_action = "re-ran the job";
    c.reply = "your refund has been paid";
    c.department = "billing-center";
    c.satisfied = true;
    c.score = 5;
    return c;
  }
  // Received → REPLIED at t0_ + 4 h.
  Complaint Replied() {
    Complaint c = Received();
    for (CommandKind kind : {CommandKind::kAssign, CommandKind::kStartHandling,
                             CommandKind::kResolve, CommandKind::kReply}) {
      EXPECT_TRUE(Apply(c, Make(kind, t0_ + absl::Hours(4)), triage_).ok());
    }
    EXPECT_EQ(c.status, Status::kReplied);
    return c;
  }
  static std::string Field(const absl::Status& s) {
    auto v = runtime::FieldViolations(s);
    return v.size() == 1 ? v[0].field : "(" + std::to_string(v.size()) + " violations)";
  }

  Triage triage_{TestTriageConfig()};
  absl::Time t0_ = At(2026, 11, 16, 9);  // a Monday
};

TEST_F(EscalateCloseTest, EscalationClimbsOneTierAtATimeAndStopsAtTheTop) {
  Complaint c = Received();
  for (int level = 1; level <= kTopEscalationLevel; ++level) {
    auto events = Apply(c, Make(CommandKind::kEscalate, t0_, "needs a decision"), triage_);
    ASSERT_TRUE(events.ok()) << events.status();
    EXPECT_EQ(c.escalation_level, level);
    EXPECT_EQ(events->front().type, EventType::kEscalated);
    EXPECT_EQ(events->front().note, "escalation_level: " + std::to_string(level - 1) + " → " +
                                        std::to_string(level) + " (needs a decision)");
    EXPECT_EQ(c.audit.back().note, events->front().note);
  }
  const int64_t version = c.version;
  const size_t audited = c.audit.size();
  auto past_top = Apply(c, Make(CommandKind::kEscalate, t0_), triage_);
  EXPECT_EQ(past_top.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Field(past_top.status()), "escalation_level");
  EXPECT_NE(past_top.status().message().find("the top"), std::string_view::npos);
  EXPECT_EQ(c.escalation_level, kTopEscalationLevel);
  EXPECT_EQ(c.version, version);
  EXPECT_EQ(c.audit.size(), audited);
}

TEST_F(EscalateCloseTest, ALevelAboveTheTopSetBeforeTheCapIsRefusedAndStays) {
  Complaint c = Received();
  c.escalation_level = kTopEscalationLevel + 1;
  auto events = Apply(c, Make(CommandKind::kEscalate, t0_), triage_);
  EXPECT_EQ(events.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.escalation_level, kTopEscalationLevel + 1);
}

TEST_F(EscalateCloseTest, AnActorEscalatesNoFurtherThanTheirCeiling) {
  Complaint c = Received();
  Command agent = Make(CommandKind::kEscalate, t0_, "customer wants a supervisor");
  agent.escalate_up_to = 1;
  ASSERT_TRUE(Apply(c, agent, triage_).ok());
  EXPECT_EQ(c.escalation_level, 1);

  const int64_t version = c.version;
  auto again = Apply(c, agent, triage_);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Field(again.status()), "escalation_level");
  EXPECT_EQ(c.escalation_level, 1);
  EXPECT_EQ(c.version, version);

  Command supervisor = Make(CommandKind::kEscalate, t0_);
  supervisor.escalate_up_to = kTopEscalationLevel;
  ASSERT_TRUE(Apply(c, supervisor, triage_).ok());
  EXPECT_EQ(c.escalation_level, 2);
}

TEST_F(EscalateCloseTest, AClosedComplaintIsNotEscalated) {
  Complaint c = Replied();
  ASSERT_TRUE(Apply(c, Make(CommandKind::kClose, t0_ + absl::Hours(5), "declined"), triage_).ok());
  auto events = Apply(c, Make(CommandKind::kEscalate, t0_ + absl::Hours(6)), triage_);
  EXPECT_EQ(events.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.escalation_level, 0);
}

TEST_F(EscalateCloseTest, ClosingARepliedComplaintWithoutAReasonIsInvalidAndWritesNothing) {
  Complaint c = Replied();
  const int64_t version = c.version;
  const size_t audited = c.audit.size();
  auto events = Apply(c, Make(CommandKind::kClose, t0_ + absl::Hours(5)), triage_);
  EXPECT_EQ(events.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Field(events.status()), "note");
  EXPECT_EQ(c.status, Status::kReplied);
  EXPECT_EQ(c.version, version);
  EXPECT_EQ(c.audit.size(), audited);
  EXPECT_FALSE(c.closed_at.has_value());
  auto blank = Apply(c, Make(CommandKind::kClose, t0_ + absl::Hours(5), "  "), triage_);
  EXPECT_EQ(blank.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status, Status::kReplied);
}

TEST_F(EscalateCloseTest, ClosingARepliedComplaintRecordsTheSkippedFollowUpAndItsReason) {
  Complaint c = Replied();
  const absl::Time close_at = t0_ + absl::Hours(5);
  auto events = Apply(c, Make(CommandKind::kClose, close_at, "customer unreachable"), triage_);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 1u);
  const Event& closed = events->front();
  EXPECT_EQ(closed.type, EventType::kClosed);
  EXPECT_EQ(closed.from, Status::kReplied);
  EXPECT_EQ(closed.note, "follow-up skipped: customer unreachable");
  EXPECT_EQ(c.audit.back().action, "close");
  EXPECT_EQ(c.audit.back().note, "follow-up skipped: customer unreachable");
  EXPECT_EQ(c.status, Status::kClosed);
  // The follow-up target stays unmet, and being closed it never breaches.
  const SlaDeadline* follow_up = c.sla.Find(SlaTarget::kFollowUp);
  ASSERT_NE(follow_up, nullptr);
  EXPECT_FALSE(follow_up->met_at.has_value());
  EXPECT_TRUE(FireDueTimers(c, follow_up->due + absl::Hours(1), triage_).empty());
  EXPECT_FALSE(c.sla.Find(SlaTarget::kFollowUp)->breached);
}

TEST_F(EscalateCloseTest, ClosingAFollowedUpComplaintNeedsNoReason) {
  Complaint c = Replied();
  ASSERT_TRUE(Apply(c, Make(CommandKind::kFollowUp, t0_ + absl::Hours(5)), triage_).ok());
  auto events = Apply(c, Make(CommandKind::kClose, t0_ + absl::Hours(6)), triage_);
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(events->front().note, "");
  EXPECT_EQ(c.status, Status::kClosed);
}

}  // namespace
}  // namespace sqms::complaints::domain
