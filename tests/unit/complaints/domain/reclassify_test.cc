// Reclassifying re-derives what triage derived from the old category — the
// importance and, through it, the priority — and keeps what a submitter, a
// text signal or an agent set (reclassify.h).
#include "services/complaints/domain/reclassify.h"

#include <gtest/gtest.h>

#include "services/complaints/domain/lifecycle.h"
#include "sqms/runtime/field_violation.h"
#include "tests/unit/complaints/domain/test_config.h"

namespace sqms::complaints::domain {
namespace {

using test_support::At;
using test_support::TestTriageConfig;

TriageConfig ConfigWithHighBilling() {
  TriageConfig c = TestTriageConfig();
  c.importance_by_category[Category::kBilling] = Level::kHigh;
  return c;
}

class ReclassifyTest : public ::testing::Test {
 protected:
  Complaint Submit(const std::string& content, Level urgency = Level::kUnspecified,
                   Level importance = Level::kUnspecified) {
    Submission s;
    s.channel = Channel::kHotline;
    s.title = "投诉";
    s.content = content;
    s.complainant.phone = "13812345678";
    s.urgency = urgency;
    s.importance = importance;
    return CreateComplaint(s, "c-1", "agent-1", t0_, triage_).complaint;
  }
  absl::StatusOr<std::vector<Event>> To(Complaint& c, Category category,
                                        Priority priority = Priority::kUnspecified) {
    Command command;
    command.kind = CommandKind::kReclassify;
    command.actor = "agent.li";
    command.now = t0_ + absl::Minutes(10);
    command.category = category;
    command.priority = priority;
    return Apply(c, command, triage_);
  }

  Triage triage_{ConfigWithHighBilling()};
  absl::Time t0_ = At(2026, 11, 16, 9);  // a Monday
};

TEST_F(ReclassifyTest, MovingAwayFromSafetyReDerivesImportancePriorityAndSla) {
  Complaint c = Submit("车厢冒烟");
  ASSERT_EQ(c.category, Category::kSafety);
  ASSERT_EQ(c.priority, Priority::kP1);
  ASSERT_EQ(c.triage.importance_source, "category");
  ASSERT_EQ(c.importance, Level::kHigh);

  auto events = To(c, Category::kHygiene);
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(c.importance, Level::kLow);
  EXPECT_EQ(c.triage.importance_source, "category");
  EXPECT_EQ(c.priority, Priority::kP3);  // medium urgency × low importance
  EXPECT_EQ(c.triage.priority_rule, "matrix");
  EXPECT_EQ(c.audit.back().note,
            "category: safety → hygiene; department: safety-office → customer-service; "
            "importance: high → low; priority: P1 → P3");
  // P3's first response: 4 working hours from receipt (Monday 09:00).
  EXPECT_EQ(c.sla.Find(SlaTarget::kFirstResponse)->due, At(2026, 11, 16, 13));
}

TEST_F(ReclassifyTest, MovingToSafetyAlwaysMakesItP1WithSafetysImportance) {
  Complaint c = Submit("厕所很脏");
  ASSERT_EQ(c.category, Category::kHygiene);
  ASSERT_EQ(c.priority, Priority::kP3);
  ASSERT_TRUE(To(c, Category::kSafety).ok());
  EXPECT_EQ(c.priority, Priority::kP1);
  EXPECT_EQ(c.importance, Level::kHigh);
  EXPECT_EQ(c.triage.priority_rule, "safety_always_p1");
}

TEST_F(ReclassifyTest, AnImportanceFromTheDefaultIsReDerivedToo) {
  Complaint c = Submit("服务员态度很差");  // service attitude: no importance configured
  ASSERT_EQ(c.category, Category::kServiceAttitude);
  ASSERT_EQ(c.triage.importance_source, "default");
  ASSERT_TRUE(To(c, Category::kBilling).ok());
  EXPECT_EQ(c.importance, Level::kHigh);
  EXPECT_EQ(c.triage.importance_source, "category");
  EXPECT_EQ(c.priority, Priority::kP2);  // medium urgency × high importance
}

TEST_F(ReclassifyTest, ASubmittedImportanceStaysAndDecidesThePriority) {
  // High urgency × low importance: P2. Billing's importance (high) would
  // make it P1, but the submitter said low.
  Complaint c = Submit("退票后一直没有到账", Level::kHigh, Level::kLow);
  ASSERT_EQ(c.category, Category::kTicketing);
  ASSERT_EQ(c.priority, Priority::kP2);
  ASSERT_TRUE(To(c, Category::kBilling).ok());
  EXPECT_EQ(c.importance, Level::kLow);
  EXPECT_EQ(c.triage.importance_source, "submitted");
  EXPECT_EQ(c.priority, Priority::kP2);
  EXPECT_EQ(c.audit.back().note,  // still RECEIVED: routed anew
            "category: ticketing → billing; department: ticketing-center → customer-service");
}

TEST_F(ReclassifyTest, AnImportanceASignalRaisedStays) {
  Complaint c = Submit("退票问题影响everyone");
  ASSERT_EQ(c.category, Category::kTicketing);
  ASSERT_EQ(c.triage.importance_source, "signal:many_affected");
  ASSERT_EQ(c.priority, Priority::kP2);
  ASSERT_TRUE(To(c, Category::kHygiene).ok());
  EXPECT_EQ(c.importance, Level::kHigh);
  EXPECT_EQ(c.priority, Priority::kP2);
}

TEST_F(ReclassifyTest, AnAgentsPriorityStaysOnALaterCategoryChangeButSafetyIsP1) {
  Complaint c = Submit("退票后一直没有到账");
  ASSERT_EQ(c.priority, Priority::kP3);
  ASSERT_TRUE(To(c, Category::kUnspecified, Priority::kP4).ok());
  EXPECT_EQ(c.triage.priority_rule, "agent");
  ASSERT_TRUE(To(c, Category::kBilling).ok());
  EXPECT_EQ(c.importance, Level::kHigh);  // re-derived all the same
  EXPECT_EQ(c.priority, Priority::kP4);
  EXPECT_EQ(c.triage.priority_rule, "agent");
  ASSERT_TRUE(To(c, Category::kSafety).ok());
  EXPECT_EQ(c.priority, Priority::kP1);
  EXPECT_EQ(c.triage.priority_rule, "safety_always_p1");
}

TEST_F(ReclassifyTest, AnImportanceOfUnknownOriginIsNeverLowered) {
  Complaint c = Submit("退票后一直没有到账");
  c.triage.importance_source.clear();  // stored before the field existed
  c.importance = Level::kHigh;
  c.priority = Priority::kP2;
  ASSERT_TRUE(To(c, Category::kHygiene).ok());
  EXPECT_EQ(c.importance, Level::kHigh);
  EXPECT_EQ(c.priority, Priority::kP2);
}

TEST_F(ReclassifyTest, AFailedReclassificationChangesNothing) {
  Complaint c = Submit("退票后一直没有到账");
  const Complaint before = c;
  auto events = To(c, Category::kSafety, Priority::kP3);
  EXPECT_EQ(events.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(c.importance, before.importance);
  EXPECT_EQ(c.triage.importance_source, before.triage.importance_source);
  EXPECT_EQ(c.triage.priority_rule, before.triage.priority_rule);
  EXPECT_EQ(c.version, before.version);
}

}  // namespace
}  // namespace sqms::complaints::domain
