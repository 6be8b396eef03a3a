// A consultation's dispatch is completed from its consultation's record:
// dated at its creation (the metrics service counts it in that period) and
// filed under its agent and category (the one-time answer rate by agent or
// category compares like with like). The Redis script implements the same
// compare-and-set rule (redis_scripts.cc).
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "services/complaints/domain/contact_record.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::complaints::domain {
namespace {

const absl::Time kCreated = absl::FromUnixSeconds(1'790'000'000);

ContactEvent Consultation(ContactKind kind, absl::Time at) {
  ContactEvent e;
  e.contact_id = "cons-1";
  e.kind = kind;
  e.occurred_at = at;
  e.department = "ticketing-center";
  return e;
}

// Agent A's consultation created at kCreated, recorded.
ContactRecord Created() {
  ContactEvent created = Consultation(ContactKind::kConsultationCreated, kCreated);
  created.agent = "agent-a";
  created.category = "ticketing";
  ContactRecord r;
  Remember(created, r);
  return r;
}

ContactEvent Dispatch(absl::Duration after = absl::Minutes(50)) {
  ContactEvent e = Consultation(ContactKind::kConsultationDispatched, kCreated + after);
  e.work_order_id = "wo-1";
  return e;
}

std::vector<std::string> Fields(const absl::Status& s) {
  std::vector<std::string> fields;
  for (const auto& v : runtime::FieldViolations(s)) fields.push_back(v.field);
  return fields;
}

TEST(ContactRecordConsultationTest, TheFirstCreationIsRecordedWithItsAgentAndCategory) {
  ContactRecord r = Created();
  EXPECT_EQ(r.consultation_created_at, kCreated);
  EXPECT_EQ(r.consultation_agent, "agent-a");
  EXPECT_EQ(r.consultation_category, "ticketing");
  ContactEvent again = Consultation(ContactKind::kConsultationCreated, kCreated + absl::Hours(1));
  again.agent = "agent-b";
  again.category = "refunds";
  Remember(again, r);
  EXPECT_EQ(r, Created()) << "the first creation wins";
  // Other kinds record no consultation.
  ContactRecord none;
  Remember(Dispatch(), none);
  EXPECT_EQ(none.consultation_created_at, std::nullopt);
}

TEST(ContactRecordConsultationTest, ASecondCreationOfOneContactIsRefusedNamingTheContact) {
  ContactEvent again = Consultation(ContactKind::kConsultationCreated, kCreated + absl::Hours(1));
  again.agent = "agent-a";
  again.category = "ticketing";
  const absl::Status refused = CompleteContactEvent(Created(), again, ContactLimits{});
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Fields(refused), std::vector<std::string>{"contact_id"});
  ContactEvent first = Consultation(ContactKind::kConsultationCreated, kCreated);
  first.agent = "agent-a";
  first.category = "ticketing";
  EXPECT_TRUE(CompleteContactEvent(ContactRecord{}, first, ContactLimits{}).ok());
}

TEST(ContactRecordConsultationTest, ASecondDispatchOfOneConsultationIsRefusedNamingTheContact) {
  ContactRecord r = Created();
  ContactEvent first = Dispatch();
  ASSERT_TRUE(CompleteContactEvent(r, first).ok());
  Remember(first, r);
  EXPECT_EQ(r.consultation_dispatched_at, kCreated + absl::Minutes(50));
  ContactEvent again = Dispatch(absl::Hours(2));
  const absl::Status refused = CompleteContactEvent(r, again);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Fields(refused), std::vector<std::string>{"contact_id"});
  // A dispatch completed before the first was recorded (a race) is stale.
  ContactEvent racing = Dispatch(absl::Hours(2));
  ASSERT_TRUE(CompleteContactEvent(Created(), racing).ok());
  EXPECT_FALSE(AgreesWith(racing, Created(), r));
}

// The reviewer's case: a dispatching system that sends no agent. Counted
// under "unknown", agent A's 10 consultations with 4 dispatched read 100 %.
TEST(ContactRecordConsultationTest, ADispatchTakesItsConsultationsCreationAgentAndCategory) {
  ContactEvent e = Dispatch();
  ASSERT_TRUE(CompleteContactEvent(Created(), e).ok());
  EXPECT_EQ(e.consultation_created_at, kCreated);
  EXPECT_EQ(e.agent, "agent-a");
  EXPECT_EQ(e.category, "ticketing");

  ContactEvent repeats = Dispatch();
  repeats.agent = "agent-a";
  repeats.category = "ticketing";
  ASSERT_TRUE(CompleteContactEvent(Created(), repeats).ok());
  EXPECT_EQ(repeats.consultation_created_at, kCreated);
}

// A back office dispatching after a transfer: counted under the
// consultation's agent and category, the dispatching agent kept.
TEST(ContactRecordConsultationTest, ADispatchByAnotherAgentIsFiledUnderItsConsultationsAndKeptBy) {
  ContactEvent e = Dispatch();
  e.agent = "agent-b";
  e.category = "refunds";
  e.dispatched_by = "sent-by-client";
  ASSERT_TRUE(CompleteContactEvent(Created(), e).ok());
  EXPECT_EQ(e.agent, "agent-a");
  EXPECT_EQ(e.category, "ticketing");
  EXPECT_EQ(e.dispatched_by, "agent-b");
  ContactEvent same = Dispatch();
  same.agent = "agent-a";
  ASSERT_TRUE(CompleteContactEvent(Created(), same).ok());
  EXPECT_EQ(same.dispatched_by, "");

  ContactEvent early = Dispatch(-absl::Seconds(1));
  EXPECT_EQ(Fields(CompleteContactEvent(Created(), early)),
            (std::vector<std::string>{"occurred_at"}));
  ContactEvent same_moment = Dispatch(absl::ZeroDuration());
  EXPECT_TRUE(CompleteContactEvent(Created(), same_moment).ok());
}

// No creation recorded (none accepted, or the record expired): published
// as sent, and counted at its own time. A creation time a client sent is
// never kept.
TEST(ContactRecordConsultationTest, ADispatchOfAnUnknownConsultationIsKeptAsSent) {
  ContactEvent e = Dispatch();
  e.agent = "agent-b";
  e.consultation_created_at = kCreated - absl::Hours(5);
  ASSERT_TRUE(CompleteContactEvent(ContactRecord{}, e).ok());
  EXPECT_EQ(e.consultation_created_at, std::nullopt);
  EXPECT_EQ(e.agent, "agent-b");
  EXPECT_EQ(e.category, "");
}

TEST(ContactRecordConsultationTest, ADispatchIsAppendedOnlyOnTheConsultationItWasCompletedFrom) {
  ContactEvent e = Dispatch();
  ASSERT_TRUE(CompleteContactEvent(ContactRecord{}, e).ok());
  EXPECT_FALSE(AgreesWith(e, ContactRecord{}, Created())) << "a creation is recorded: again";
  ContactEvent completed = Dispatch();
  ASSERT_TRUE(CompleteContactEvent(Created(), completed).ok());
  EXPECT_TRUE(AgreesWith(completed, Created(), Created()));
  EXPECT_TRUE(AgreesWith(e, ContactRecord{}, ContactRecord{}));
  // A creation only while none is stored: created once.
  EXPECT_FALSE(AgreesWith(Consultation(ContactKind::kConsultationCreated, kCreated),
                          ContactRecord{}, Created()));
  EXPECT_TRUE(AgreesWith(Consultation(ContactKind::kConsultationCreated, kCreated), ContactRecord{},
                         ContactRecord{}));
}

}  // namespace
}  // namespace sqms::complaints::domain
