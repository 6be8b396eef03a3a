// app::ContactIntake with consultations: a dispatch is published with its
// consultation's creation time, agent and category (docs/api.md, "Contact
// events"), so that the metrics service counts it in the period, and under
// the units, of the consultation it sends out.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/complaints/app/contact_intake.h"
#include "sqms/events/v1/contact_event.pb.h"
#include "sqms/runtime/field_violation.h"
#include "tests/unit/complaints/contact_intake_fixture.h"

namespace sqms::complaints {
namespace {

using domain::ContactEvent;
using domain::ContactKind;

const absl::Time kNow = testing::kIntakeNow;

class ContactIntakeConsultationTest : public testing::ContactIntakeFixture {
 protected:
  static ContactEvent Event(std::string event_id, std::string contact_id, ContactKind kind,
                            absl::Time at) {
    ContactEvent e;
    e.event_id = std::move(event_id);
    e.contact_id = std::move(contact_id);
    e.kind = kind;
    e.occurred_at = at;
    e.channel = "chat";
    e.department = "ticketing-center";
    return e;
  }
  // Consultation `contact_id` of agent A on ticketing, created at `at`.
  static ContactEvent Created(const std::string& contact_id, absl::Time at) {
    ContactEvent e =
        Event("created-" + contact_id, contact_id, ContactKind::kConsultationCreated, at);
    e.agent = "agent-a";
    e.category = "ticketing";
    e.topic = "refund rules";
    return e;
  }
  // Its dispatch at `at` by a work-order system that sends no agent or
  // category.
  static ContactEvent Dispatched(const std::string& contact_id, absl::Time at) {
    ContactEvent e =
        Event("dispatched-" + contact_id, contact_id, ContactKind::kConsultationDispatched, at);
    e.work_order_id = "wo-" + contact_id;
    return e;
  }

  static std::vector<std::string> Fields(const absl::Status& s) {
    std::vector<std::string> fields;
    for (const auto& v : runtime::FieldViolations(s)) fields.push_back(v.field);
    return fields;
  }
};

// The reviewer's case: agent A has 10 consultations, 4 dispatched by a
// system that sends no agent. Published under "unknown", the dispatches
// left agent A at 100 %; with its consultations' agent, 60 %.
TEST_F(ContactIntakeConsultationTest, ADispatchIsPublishedWithItsConsultationsAgentAndCategory) {
  const absl::Time created = kNow - absl::Hours(2);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(intake_.Accept(Created(absl::StrCat("cons-", i), created + absl::Minutes(i))).ok());
  }
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(
        intake_.Accept(Dispatched(absl::StrCat("cons-", i), kNow - absl::Minutes(10))).ok());
  }
  std::map<std::string, int> consultations, dispatches;  // by agent|category
  for (const std::string& payload : store_.Published()) {
    events::v1::ContactEvent p;
    ASSERT_TRUE(p.ParseFromString(payload));
    const std::string unit = absl::StrCat(p.agent(), "|", p.category());
    if (p.has_consultation_created()) ++consultations[unit];
    if (!p.has_consultation_dispatched()) continue;
    ++dispatches[unit];
    // Dated at its own consultation's creation.
    const int i = p.contact_id().back() - '0';
    ASSERT_TRUE(p.consultation_dispatched().has_consultation_created_at()) << p.contact_id();
    EXPECT_EQ(p.consultation_dispatched().consultation_created_at().seconds(),
              absl::ToUnixSeconds(created + absl::Minutes(i)));
  }
  EXPECT_EQ(consultations, (std::map<std::string, int>{{"agent-a|ticketing", 10}}));
  EXPECT_EQ(dispatches, (std::map<std::string, int>{{"agent-a|ticketing", 4}}));
}

TEST_F(ContactIntakeConsultationTest, ADispatchByAnotherAgentIsPublishedUnderItsConsultations) {
  ASSERT_TRUE(intake_.Accept(Created("cons-1", kNow - absl::Hours(1))).ok());
  ContactEvent other = Dispatched("cons-1", kNow - absl::Minutes(5));
  other.agent = "agent-b";
  other.category = "refunds";
  ASSERT_TRUE(intake_.Accept(other).ok());
  events::v1::ContactEvent p;
  ASSERT_TRUE(p.ParseFromString(store_.Published().back()));
  EXPECT_EQ(p.agent(), "agent-a");
  EXPECT_EQ(p.category(), "ticketing");
  EXPECT_EQ(p.consultation_dispatched().dispatched_by(), "agent-b");
  // Its retry is a duplicate; another dispatch of it is refused: a
  // consultation counts once among those dispatched.
  auto retry = intake_.Accept(other);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->duplicate);
  ContactEvent again = Dispatched("cons-1", kNow - absl::Minutes(2));
  again.event_id = "dispatched-again-cons-1";
  const absl::Status refused = intake_.Accept(again).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_THAT(Fields(refused), ::testing::ElementsAre("contact_id"));

  // The consultation's own agent and category, sent: nobody else dispatched it.
  ASSERT_TRUE(intake_.Accept(Created("cons-2", kNow - absl::Hours(1))).ok());
  ContactEvent same = Dispatched("cons-2", kNow - absl::Minutes(5));
  same.agent = "agent-a";
  same.category = "ticketing";
  ASSERT_TRUE(intake_.Accept(same).ok());
  EXPECT_EQ(store_.Stored(same.event_id).consultation_created_at, kNow - absl::Hours(1));
  ASSERT_TRUE(p.ParseFromString(store_.Published().back()));
  EXPECT_EQ(p.consultation_dispatched().dispatched_by(), "");
}

// A consultation the gateway knows nothing of (none accepted, or its record
// expired): the dispatch is published as sent, without a creation time —
// the metrics service counts it at its own time.
TEST_F(ContactIntakeConsultationTest, ADispatchOfAnUnknownConsultationIsPublishedAsSent) {
  ContactEvent e = Dispatched("cons-9", kNow - absl::Minutes(5));
  e.agent = "agent-b";
  ASSERT_TRUE(intake_.Accept(e).ok());
  events::v1::ContactEvent p;
  ASSERT_TRUE(p.ParseFromString(store_.Published().back()));
  EXPECT_FALSE(p.consultation_dispatched().has_consultation_created_at());
  EXPECT_EQ(p.agent(), "agent-b");
}

}  // namespace
}  // namespace sqms::complaints
