// A call is offered once, answered or abandoned once, and ends once, and a
// contact is rated once: a second one under another event id would count
// twice in the KPIs (an answer rate above 100 %, a caller's rating twice),
// so CompleteContactEvent refuses it from the record and AgreesWith keeps
// one that raced the first out of the store. The Redis script implements
// the same rule (redis_scripts.cc).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/complaints/domain/contact_record.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::complaints::domain {
namespace {

const absl::Time kOffered = absl::FromUnixSeconds(1'790'000'000);

ContactEvent Call(ContactKind kind, absl::Duration after) {
  ContactEvent e;
  e.contact_id = "call-1";
  e.kind = kind;
  e.occurred_at = kOffered + after;
  e.department = "ticketing-center";
  return e;
}

// The call offered, answered after 20 s, ended after 5 min and rated.
ContactRecord Handled() {
  ContactRecord r;
  Remember(Call(ContactKind::kCallOffered, absl::ZeroDuration()), r);
  Remember(Call(ContactKind::kCallAnswered, absl::Seconds(20)), r);
  Remember(Call(ContactKind::kCallEnded, absl::Minutes(5)), r);
  Remember(Call(ContactKind::kSurveyAnswered, absl::Minutes(6)), r);
  return r;
}

std::string Refusal(const ContactRecord& r, ContactKind kind) {
  ContactEvent again = Call(kind, absl::Minutes(30));
  const absl::Status refused = CompleteContactEvent(r, again);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  const std::vector<runtime::FieldViolation> violations = runtime::FieldViolations(refused);
  EXPECT_EQ(violations.size(), 1u);
  if (violations.empty()) return "";
  EXPECT_EQ(violations[0].field, "contact_id");
  return violations[0].description;
}

TEST(ContactRecordCallTest, EachEventOfTheCallIsRecordedWithItsTime) {
  const ContactRecord r = Handled();
  EXPECT_EQ(r.call_offered_at, kOffered);
  EXPECT_EQ(r.call_outcome_at, kOffered + absl::Seconds(20));
  EXPECT_EQ(r.call_outcome, ContactKind::kCallAnswered);
  EXPECT_EQ(r.call_ended_at, kOffered + absl::Minutes(5));
  EXPECT_EQ(r.survey_answered_at, kOffered + absl::Minutes(6));
  ContactRecord first = r;
  Remember(Call(ContactKind::kCallAbandoned, absl::Hours(1)), first);
  EXPECT_EQ(first, r) << "the first outcome wins";
}

// The metrics service counts an outcome at its call's offer: the gateway
// stamps the recorded offer's own time, whatever a client sent, since
// occurred_at − whole seconds of wait can miss the offer's window.
TEST(ContactRecordCallTest, AnOutcomeCarriesItsCallsOfferTime) {
  ContactRecord offered;
  Remember(Call(ContactKind::kCallOffered, absl::ZeroDuration()), offered);
  for (ContactKind kind : {ContactKind::kCallAnswered, ContactKind::kCallAbandoned}) {
    ContactEvent outcome = Call(kind, absl::Milliseconds(10'700));
    outcome.wait_seconds = 10;
    outcome.call_offered_at = kOffered + absl::Hours(3);  // a client's value: not the record's
    ASSERT_TRUE(CompleteContactEvent(offered, outcome).ok());
    EXPECT_EQ(outcome.call_offered_at, kOffered);
    ContactEvent unknown = Call(kind, absl::Seconds(10));
    unknown.wait_seconds = 10;
    unknown.call_offered_at = kOffered;
    ASSERT_TRUE(CompleteContactEvent(ContactRecord{}, unknown).ok());
    EXPECT_EQ(unknown.call_offered_at, std::nullopt) << "no offer recorded: none stamped";
  }
  ContactEvent ended = Call(ContactKind::kCallEnded, absl::Minutes(5));
  ended.handle_seconds = 280;
  ended.call_offered_at = kOffered;
  ASSERT_TRUE(CompleteContactEvent(offered, ended).ok());
  EXPECT_EQ(ended.call_offered_at, std::nullopt) << "only an outcome carries it";
}

// An end says what the call's outcome was, as recorded: the metrics
// service counts no handled call for an abandoned call's hang-up.
TEST(ContactRecordCallTest, AnEndCarriesItsCallsOutcome) {
  for (ContactKind outcome : {ContactKind::kCallAnswered, ContactKind::kCallAbandoned}) {
    ContactRecord r;
    Remember(Call(ContactKind::kCallOffered, absl::ZeroDuration()), r);
    Remember(Call(outcome, absl::Seconds(20)), r);
    ContactEvent ended = Call(ContactKind::kCallEnded, absl::Minutes(5));
    ended.handle_seconds = 0;
    ended.call_outcome = ContactKind::kCallOffered;  // a client's value: not the record's
    ASSERT_TRUE(CompleteContactEvent(r, ended).ok());
    EXPECT_EQ(ended.call_outcome, outcome);
  }
  ContactEvent unknown = Call(ContactKind::kCallEnded, absl::Minutes(5));
  unknown.handle_seconds = 280;
  unknown.call_outcome = ContactKind::kCallAbandoned;
  ASSERT_TRUE(CompleteContactEvent(ContactRecord{}, unknown).ok());
  EXPECT_EQ(unknown.call_outcome, ContactKind::kUnspecified) << "no outcome recorded";
}

TEST(ContactRecordCallTest, ASecondOfEachIsRefusedNamingTheContactAndWhatItHas) {
  const ContactRecord r = Handled();
  EXPECT_EQ(Refusal(r, ContactKind::kCallOffered),
            "this call was already offered at 2026-09-21T14:13:20+00:00 (another call_offered): "
            "a call is offered once");
  EXPECT_EQ(Refusal(r, ContactKind::kCallAnswered),
            "this call was already answered at 2026-09-21T14:13:40+00:00 (another call_answered): "
            "a call is answered or abandoned once");
  EXPECT_EQ(Refusal(r, ContactKind::kCallAbandoned),
            "this call was already answered at 2026-09-21T14:13:40+00:00 (another "
            "call_abandoned): a call is answered or abandoned once");
  EXPECT_EQ(Refusal(r, ContactKind::kCallEnded),
            "this call already ended at 2026-09-21T14:18:20+00:00 (another call_ended): a call "
            "ends once");
  EXPECT_EQ(Refusal(r, ContactKind::kSurveyAnswered),
            "this contact's survey was already answered at 2026-09-21T14:19:20+00:00 (another "
            "survey_answered): a contact is rated once");

  ContactRecord abandoned;
  Remember(Call(ContactKind::kCallAbandoned, absl::Seconds(40)), abandoned);
  EXPECT_EQ(Refusal(abandoned, ContactKind::kCallAnswered),
            "this call was already abandoned at 2026-09-21T14:14:00+00:00 (another "
            "call_answered): a call is answered or abandoned once");
}

TEST(ContactRecordCallTest, TheFirstOfEachIsAcceptedWhateverElseTheCallHas) {
  ContactRecord r;
  for (ContactKind kind :
       {ContactKind::kCallOffered, ContactKind::kCallAbandoned, ContactKind::kSurveyAnswered}) {
    ContactEvent e = Call(kind, absl::Seconds(10));
    ASSERT_TRUE(CompleteContactEvent(r, e).ok()) << static_cast<int>(kind);
    ASSERT_TRUE(AgreesWith(e, r, r));
    Remember(e, r);
  }
  // The consultation and outage events of a contact have rules of their own.
  EXPECT_EQ(OnceOnlySlot(ContactKind::kOutageEnded), nullptr);
  EXPECT_EQ(OnceOnlySlot(ContactKind::kConsultationCreated), nullptr);
  EXPECT_EQ(OnceOnlySlot(ContactKind::kCallAnswered), OnceOnlySlot(ContactKind::kCallAbandoned));
}

// Two outcomes completed from an empty record race: the store appends the
// first and finds the second stale.
TEST(ContactRecordCallTest, AnEventRacingTheFirstOfItsKindIsStale) {
  ContactEvent answered = Call(ContactKind::kCallAnswered, absl::Seconds(20));
  ContactEvent abandoned = Call(ContactKind::kCallAbandoned, absl::Seconds(25));
  ASSERT_TRUE(CompleteContactEvent(ContactRecord{}, answered).ok());
  ASSERT_TRUE(CompleteContactEvent(ContactRecord{}, abandoned).ok());
  ContactRecord stored;
  ASSERT_TRUE(AgreesWith(answered, ContactRecord{}, stored));
  Remember(answered, stored);
  EXPECT_FALSE(AgreesWith(abandoned, ContactRecord{}, stored));
  // An end completed before the outcome was recorded would go out without
  // it (an abandoned call's end counted as handled): stale; completed from
  // the record, it agrees.
  const ContactEvent ended = Call(ContactKind::kCallEnded, absl::Minutes(3));
  EXPECT_FALSE(AgreesWith(ended, ContactRecord{}, stored));
  EXPECT_TRUE(AgreesWith(ended, stored, stored));
}

// An outcome is dated by its call's offer: one completed before the offer
// was recorded is stale once it is.
TEST(ContactRecordCallTest, AnOutcomeCompletedBeforeItsOfferWasRecordedIsStale) {
  ContactRecord stored;
  Remember(Call(ContactKind::kCallOffered, absl::Seconds(0)), stored);
  for (ContactKind kind : {ContactKind::kCallAnswered, ContactKind::kCallAbandoned}) {
    const ContactEvent outcome = Call(kind, absl::Seconds(20));
    EXPECT_FALSE(AgreesWith(outcome, ContactRecord{}, stored)) << static_cast<int>(kind);
    EXPECT_TRUE(AgreesWith(outcome, stored, stored)) << static_cast<int>(kind);
  }
}

}  // namespace
}  // namespace sqms::complaints::domain
