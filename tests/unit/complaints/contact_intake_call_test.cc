// app::ContactIntake with a call's events as a CTI sends them, every
// dimension on every event: the answer is published with its offer's time
// and the end with the call's outcome (docs/api.md, "Contact events") —
// taken from the stored record, not the empty one the intake first assumes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/complaints/contact_intake_fixture.h"

namespace sqms::complaints {
namespace {

using domain::ContactEvent;
using domain::ContactKind;

const absl::Time kNow = testing::kIntakeNow;

class ContactIntakeCallTest : public testing::ContactIntakeFixture {
 protected:
  // An event of call `call` with every dimension, as a CTI sends it.
  static ContactEvent Event(const std::string& id, const std::string& call, ContactKind kind,
                            absl::Time at) {
    ContactEvent e;
    e.event_id = id;
    e.contact_id = call;
    e.kind = kind;
    e.occurred_at = at;
    e.channel = "hotline";
    e.department = "ticketing-center";
    e.region = "north";
    e.station = "beijing-south";
    e.line = "g1";
    return e;
  }
  events::v1::ContactEvent Last() { return LastPublished(); }
};

TEST_F(ContactIntakeCallTest, AnAnswerCarriesItsOffersTimeAndAnEndItsOutcome) {
  const absl::Time offered = kNow - absl::Minutes(10) + absl::Milliseconds(600);
  ASSERT_TRUE(intake_.Accept(Event("o-1", "call-1", ContactKind::kCallOffered, offered)).ok());
  ContactEvent answered =
      Event("a-1", "call-1", ContactKind::kCallAnswered, offered + absl::Milliseconds(10'700));
  answered.wait_seconds = 10;
  ASSERT_TRUE(intake_.Accept(answered).ok());
  events::v1::ContactEvent p = Last();
  ASSERT_TRUE(p.call_answered().has_call_offered_at());
  EXPECT_EQ(p.call_answered().call_offered_at().seconds(), absl::ToUnixSeconds(offered));
  EXPECT_EQ(p.call_answered().call_offered_at().nanos(), 600'000'000);

  ContactEvent ended = Event("e-1", "call-1", ContactKind::kCallEnded, offered + absl::Minutes(5));
  ended.handle_seconds = 280;
  ASSERT_TRUE(intake_.Accept(ended).ok());
  EXPECT_EQ(Last().call_ended().call_outcome(), events::v1::CALL_OUTCOME_ANSWERED);

  // An abandoned call's hang-up says so.
  ASSERT_TRUE(intake_.Accept(Event("o-2", "call-2", ContactKind::kCallOffered, offered)).ok());
  ContactEvent abandoned =
      Event("x-2", "call-2", ContactKind::kCallAbandoned, offered + absl::Seconds(40));
  abandoned.wait_seconds = 40;
  ASSERT_TRUE(intake_.Accept(abandoned).ok());
  ContactEvent hung_up =
      Event("e-2", "call-2", ContactKind::kCallEnded, offered + absl::Seconds(41));
  hung_up.handle_seconds = 0;
  ASSERT_TRUE(intake_.Accept(hung_up).ok());
  EXPECT_EQ(Last().call_ended().call_outcome(), events::v1::CALL_OUTCOME_ABANDONED);
}

}  // namespace
}  // namespace sqms::complaints
