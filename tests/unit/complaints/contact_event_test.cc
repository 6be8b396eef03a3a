#include "services/complaints/domain/contact_event.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "services/complaints/app/contact_intake.h"
#include "services/complaints/domain/validation.h"
#include "sqms/events/v1/contact_event.pb.h"
#include "sqms/runtime/field_violation.h"
#include "tests/unit/complaints/domain/test_config.h"
#include "tests/unit/complaints/in_memory_contact_event_store.h"

namespace sqms::complaints {
namespace {

using domain::ContactEvent;
using domain::ContactKind;

const absl::Time kNow = absl::FromUnixSeconds(1'790'000'000);

ContactEvent Valid() {
  ContactEvent e;
  e.contact_id = "call-1";
  e.occurred_at = kNow - absl::Minutes(1);
  e.channel = "hotline";
  e.kind = ContactKind::kCallAnswered;
  e.wait_seconds = 12;
  return e;
}

std::vector<std::string> BadFields(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const auto& v : runtime::FieldViolations(status)) fields.push_back(v.field);
  return fields;
}
std::vector<std::string> BadFields(const ContactEvent& e) {
  return BadFields(domain::ValidateContactEvent(e, kNow));
}

TEST(ContactEventTest, ValidEventsPass) {
  EXPECT_TRUE(domain::ValidateContactEvent(Valid(), kNow).ok());
  ContactEvent survey = Valid();
  survey.kind = ContactKind::kSurveyAnswered;
  survey.unsatisfied = false;  // the only question asked
  survey.comment = "很好";
  EXPECT_TRUE(domain::ValidateContactEvent(survey, kNow).ok());
  survey.unsatisfied.reset();
  survey.csi = {{"attitude", 5}, {"speed", 1}, {"first_contact-fix", 3}};
  EXPECT_TRUE(domain::ValidateContactEvent(survey, kNow).ok());
  survey.csi.clear();
  survey.csat = 1;
  survey.nps = 0;
  EXPECT_TRUE(domain::ValidateContactEvent(survey, kNow).ok());
  ContactEvent outage = Valid();
  outage.kind = ContactKind::kOutageEnded;
  outage.platform = domain::Platform::kCallPlatform;
  outage.outage_seconds = 3600;
  EXPECT_TRUE(domain::ValidateContactEvent(outage, kNow).ok());
  outage.outage_seconds.reset();  // the start decides (CompleteContactEvent)
  EXPECT_TRUE(domain::ValidateContactEvent(outage, kNow).ok());
  ContactEvent consultation = Valid();
  consultation.kind = ContactKind::kConsultationCreated;
  consultation.category = "ticketing";
  consultation.agent = "agent-7";
  consultation.department = "ticketing-center";
  consultation.drill = true;
  EXPECT_TRUE(domain::ValidateContactEvent(consultation, kNow).ok());
  ContactEvent zero_wait = Valid();
  zero_wait.wait_seconds = 0;  // answered at once: present, so valid
  EXPECT_TRUE(domain::ValidateContactEvent(zero_wait, kNow).ok());
}

TEST(ContactEventTest, EachBadFieldIsNamed) {
  struct Case {
    std::string field;
    std::function<void(ContactEvent&)> spoil;
  };
  auto survey = [](ContactEvent& e) {
    e.kind = ContactKind::kSurveyAnswered;
    e.csat = 4;
  };
  const std::vector<Case> cases = {
      {"kind", [](ContactEvent& e) { e.kind = ContactKind::kUnspecified; }},
      {"contact_id", [](ContactEvent& e) { e.contact_id.clear(); }},
      {"contact_id", [](ContactEvent& e) { e.contact_id = std::string(129, 'x'); }},
      {"event_id", [](ContactEvent& e) { e.event_id = std::string(129, 'x'); }},
      {"occurred_at", [](ContactEvent& e) { e.occurred_at = absl::InfinitePast(); }},
      {"occurred_at", [](ContactEvent& e) { e.occurred_at = kNow - absl::Hours(24 * 31); }},
      {"occurred_at", [](ContactEvent& e) { e.occurred_at = kNow + absl::Minutes(6); }},
      {"channel", [](ContactEvent& e) { e.channel = "\xff\xfe"; }},
      {"agent", [](ContactEvent& e) { e.agent = std::string(129, 'a'); }},
      {"line", [](ContactEvent& e) { e.line = std::string(129, 'l'); }},
      // Department ids, never display names: one vocabulary on both topics.
      {"department", [](ContactEvent& e) { e.department = "票务中心"; }},
      {"department", [](ContactEvent& e) { e.department = "Ticketing-Center"; }},
      {"department", [](ContactEvent& e) { e.department = "-ticketing"; }},
      {"department", [](ContactEvent& e) { e.department = "ticketing center"; }},
      {"department", [](ContactEvent& e) { e.department = std::string(65, 'd'); }},
      // Durations are required: never 0 by omission.
      {"call_answered.wait_seconds", [](ContactEvent& e) { e.wait_seconds.reset(); }},
      {"call_answered.wait_seconds", [](ContactEvent& e) { e.wait_seconds = -1; }},
      {"call_answered.wait_seconds", [](ContactEvent& e) { e.wait_seconds = 86401; }},
      {"call_abandoned.wait_seconds",
       [](ContactEvent& e) { e.kind = ContactKind::kCallAbandoned; e.wait_seconds.reset(); }},
      {"call_abandoned.wait_seconds",
       [](ContactEvent& e) { e.kind = ContactKind::kCallAbandoned; e.wait_seconds = -5; }},
      {"call_ended.handle_seconds", [](ContactEvent& e) { e.kind = ContactKind::kCallEnded; }},
      {"call_ended.handle_seconds",
       [](ContactEvent& e) { e.kind = ContactKind::kCallEnded; e.handle_seconds = 86401; }},
      // Consultations are counted by category and agent.
      {"category",
       [](ContactEvent& e) { e.kind = ContactKind::kConsultationCreated; e.agent = "a-1"; }},
      {"agent",
       [](ContactEvent& e) { e.kind = ContactKind::kConsultationCreated; e.category = "c"; }},
      {"survey_answered.csat", [&](ContactEvent& e) { survey(e); e.csat = 6; }},
      {"survey_answered.csat", [&](ContactEvent& e) { survey(e); e.csat = 0; }},
      {"survey_answered.nps", [&](ContactEvent& e) { survey(e); e.nps = 11; }},
      {"survey_answered.nps", [&](ContactEvent& e) { survey(e); e.nps = -1; }},
      {"survey_answered.csi[attitude]", [&](ContactEvent& e) { survey(e); e.csi["attitude"] = 6; }},
      {"survey_answered.csi[speed]", [&](ContactEvent& e) { survey(e); e.csi["speed"] = 0; }},
      {"survey_answered.csi", [&](ContactEvent& e) { survey(e); e.csi[""] = 3; }},
      {"survey_answered.csi", [&](ContactEvent& e) { survey(e); e.csi["服务态度"] = 3; }},
      {"survey_answered.csi", [&](ContactEvent& e) { survey(e); e.csi[std::string(33, 'k')] = 3; }},
      {"survey_answered.csi",
       [&](ContactEvent& e) {
         survey(e);
         for (int i = 0; i < 17; ++i) e.csi["d" + std::to_string(i)] = 3;
       }},
      {"survey_answered",
       [&](ContactEvent& e) { survey(e); e.csat.reset(); e.comment = "only a comment"; }},
      {"outage_started.platform", [](ContactEvent& e) { e.kind = ContactKind::kOutageStarted; }},
      {"outage_ended.platform",
       [](ContactEvent& e) {
         e.kind = ContactKind::kOutageEnded;
         e.platform = static_cast<domain::Platform>(9);
       }},
      {"outage_ended.outage_seconds",
       [](ContactEvent& e) {
         e.kind = ContactKind::kOutageEnded;
         e.platform = domain::Platform::kCallPlatform;
         e.outage_seconds = -1;
       }},
      {"outage_ended.outage_seconds",
       [](ContactEvent& e) {
         e.kind = ContactKind::kOutageEnded;
         e.platform = domain::Platform::kCallPlatform;
         e.outage_seconds = 0;
       }},
  };
  for (const Case& c : cases) {
    ContactEvent e = Valid();
    c.spoil(e);
    const absl::Status status = domain::ValidateContactEvent(e, kNow);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(BadFields(e), std::vector<std::string>{c.field}) << c.field;
  }
}

TEST(ContactEventTest, LengthsCountCharactersNotBytes) {
  ContactEvent e = Valid();
  e.station = std::string();
  for (int i = 0; i < 128; ++i) e.station += "站";  // 128 characters, 384 bytes
  EXPECT_TRUE(domain::ValidateContactEvent(e, kNow).ok());
  e.station += "站";
  EXPECT_EQ(BadFields(e), std::vector<std::string>{"station"});
}

TEST(ContactEventTest, DepartmentIdsAreTheTriageRoutingForm) {
  EXPECT_TRUE(domain::IsDepartmentId("ticketing-center"));
  EXPECT_TRUE(domain::IsDepartmentId("beijing-south-station"));
  EXPECT_TRUE(domain::IsDepartmentId("9x"));
  EXPECT_TRUE(domain::IsDepartmentId(std::string(64, 'a')));
  EXPECT_FALSE(domain::IsDepartmentId(std::string(65, 'a')));
  EXPECT_FALSE(domain::IsDepartmentId(""));
  EXPECT_FALSE(domain::IsDepartmentId("客服中心"));
  EXPECT_FALSE(domain::IsDepartmentId("ticketing_center"));
}

class FixedClock : public runtime::Clock {
 public:
  absl::Time Now() const override { return kNow; }
};

class ContactIntakeTest : public ::testing::Test {
 protected:
  // An event of call-1 with every dimension.
  static ContactEvent Full(std::string event_id) {
    ContactEvent e = Valid();
    e.event_id = std::move(event_id);
    e.kind = ContactKind::kCallOffered;
    e.wait_seconds.reset();
    e.department = "ticketing-center";
    e.station = "北京南";
    e.region = "北京";
    e.line = "京沪高铁";
    return e;
  }

  // An outage of `contact_id` on the backbone network, started at `at`.
  static ContactEvent OutageStart(std::string event_id, std::string contact_id, absl::Time at) {
    ContactEvent e = Valid();
    e.event_id = std::move(event_id);
    e.contact_id = std::move(contact_id);
    e.kind = ContactKind::kOutageStarted;
    e.wait_seconds.reset();
    e.platform = domain::Platform::kBackboneNetwork;
    e.occurred_at = at;
    return e;
  }
  // Its end at `at`, outage_seconds not sent.
  static ContactEvent OutageEnd(std::string event_id, std::string contact_id, absl::Time at) {
    ContactEvent e = OutageStart(std::move(event_id), std::move(contact_id), at);
    e.kind = ContactKind::kOutageEnded;
    return e;
  }

  testing::InMemoryContactEventStore store_;
  FixedClock clock_;
  // Its departments include ticketing-center and billing-center.
  app::TriageSource triage_{
      std::make_shared<const domain::Triage>(domain::test_support::TestTriageConfig())};
  app::ContactIntake intake_{store_, clock_, "test-pii-key", triage_};
};

// A department the complaints service does not list would be counted under
// "other" by the metrics service: refused, naming the value, nothing stored.
TEST_F(ContactIntakeTest, AnUnlistedDepartmentIsRefusedNamingItAndNothingIsStored) {
  ContactEvent e = Full("client-unlisted");
  e.department = "no-such-dept";
  absl::StatusOr<app::ContactAccepted> refused = intake_.Accept(e);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  const auto violations = runtime::FieldViolations(refused.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "department");
  EXPECT_THAT(violations[0].description, ::testing::HasSubstr("\"no-such-dept\""));
  EXPECT_EQ(store_.size(), 0u);

  e.department = "No Such Dept";  // malformed: its form is the one violation
  EXPECT_EQ(runtime::FieldViolations(intake_.Accept(e).status()).size(), 1u);
  e.department = "billing-center";
  EXPECT_TRUE(intake_.Accept(e).ok());
}

// A client that retries after a timeout resends its event as it was; if
// the department it names left the list in between (a triage config
// reload), the retry is still acknowledged, not refused as bad input —
// while a new event naming that department is refused.
TEST_F(ContactIntakeTest, ARetryIsAcknowledgedAfterItsDepartmentLeftTheList) {
  ContactEvent sent = Full("client-before-reload");
  sent.department = "billing-center";
  ASSERT_TRUE(intake_.Accept(sent).ok());
  const size_t published = store_.Published().size();

  domain::TriageConfig reloaded = domain::test_support::TestTriageConfig();
  std::erase_if(reloaded.departments,
                [](const domain::Department& d) { return d.id == "billing-center"; });
  triage_.Replace(std::make_shared<const domain::Triage>(reloaded));

  absl::StatusOr<app::ContactAccepted> retried = intake_.Accept(sent);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_TRUE(retried->duplicate);

  ContactEvent changed = sent;  // the same id for another event: still told so
  changed.agent = "agent-9";
  EXPECT_THAT(BadFields(intake_.Accept(changed).status()), ::testing::ElementsAre("event_id"));

  ContactEvent fresh = sent;
  fresh.event_id = "client-after-reload";
  absl::StatusOr<app::ContactAccepted> refused = intake_.Accept(fresh);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(BadFields(refused.status()), ::testing::ElementsAre("department"));
  EXPECT_EQ(store_.Published().size(), published) << "nothing written";
}

// A switch reports the offer with its queue and no department; the CRM
// later reports the answer with the department. Filed under "unknown",
// the offer would leave the department's answer rate without its
// denominator. A queue the config gives a department files the offer
// there, and the call's later events inherit it; a department sent wins.
TEST_F(ContactIntakeTest, AnOfferToAMappedQueueIsFiledUnderItsDepartment) {
  domain::TriageConfig config = domain::test_support::TestTriageConfig();
  for (domain::Department& d : config.departments) {
    if (d.id == "ticketing-center") d.queues = {"12306"};
  }
  triage_.Replace(std::make_shared<const domain::Triage>(config));

  ContactEvent offered = Full("q-1");
  offered.department.clear();
  offered.queue = "12306";
  ASSERT_TRUE(intake_.Accept(offered).ok());
  EXPECT_EQ(store_.Stored("q-1").department, "ticketing-center");
  ContactEvent answered = Valid();
  answered.event_id = "q-2";
  ASSERT_TRUE(intake_.Accept(answered).ok());
  EXPECT_EQ(store_.Stored("q-2").department, "ticketing-center") << "inherited";
  absl::StatusOr<app::ContactAccepted> retried = intake_.Accept(offered);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_TRUE(retried->duplicate);

  ContactEvent sent = Full("q-3");
  sent.contact_id = "call-sent";
  sent.department = "billing-center";
  sent.queue = "12306";
  ASSERT_TRUE(intake_.Accept(sent).ok());
  EXPECT_EQ(store_.Stored("q-3").department, "billing-center") << "a department sent wins";
  // The CRM's answer naming the department came first: the record's stands.
  ContactEvent crm = Valid();
  crm.event_id = "q-5";
  crm.contact_id = "call-crm-first";
  crm.department = "billing-center";
  ASSERT_TRUE(intake_.Accept(crm).ok());
  ContactEvent late_offer = Full("q-6");
  late_offer.contact_id = "call-crm-first";
  late_offer.department.clear();
  late_offer.queue = "12306";
  absl::StatusOr<app::ContactAccepted> late = intake_.Accept(late_offer);
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_EQ(store_.Stored("q-6").department, "billing-center");
  ContactEvent unmapped = Full("q-4");
  unmapped.contact_id = "call-unmapped";
  unmapped.department.clear();
  unmapped.queue = "vip";
  ASSERT_TRUE(intake_.Accept(unmapped).ok());
  EXPECT_EQ(store_.Stored("q-4").department, "");
}

TEST_F(ContactIntakeTest, AcceptsOnceMakesIdsAndRejectsBadEvents) {
  absl::StatusOr<app::ContactAccepted> made = intake_.Accept(Valid());
  ASSERT_TRUE(made.ok()) << made.status();
  // The suite's event-id form, a UUID: version 8, derived from the event.
  EXPECT_THAT(made->event_id,
              ::testing::MatchesRegex(
                  "[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  EXPECT_FALSE(made->duplicate);
  const ContactEvent stored = store_.Stored(made->event_id);
  EXPECT_EQ(stored.kind, Valid().kind);
  EXPECT_EQ(stored.contact_id, "call-1");
  ContactEvent other = Valid();
  other.contact_id = "call-2";  // another event: another id
  EXPECT_NE(intake_.Accept(other)->event_id, made->event_id);

  ContactEvent sent = Valid();
  sent.contact_id = "call-3";
  sent.event_id = "client-1";
  EXPECT_FALSE(intake_.Accept(sent)->duplicate);
  absl::StatusOr<app::ContactAccepted> again = intake_.Accept(sent);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->event_id, "client-1");

  const size_t before = store_.size();
  sent.contact_id.clear();
  EXPECT_EQ(intake_.Accept(sent).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_.size(), before);

  store_.SetAvailable(false);
  EXPECT_EQ(intake_.Accept(Valid()).status().code(), absl::StatusCode::kUnavailable);
}

// A client that retries after a timeout resends the same event; one that
// reuses an event id for another event must be told, not acknowledged with
// the first event's outcome while its own is dropped.
TEST_F(ContactIntakeTest, AnEventIdReusedForADifferentEventIsRefusedNamingIt) {
  ContactEvent sent = Full("client-2");
  ASSERT_TRUE(intake_.Accept(sent).ok());
  const size_t published = store_.Published().size();

  ContactEvent changed = sent;
  changed.agent = "agent-7";
  absl::StatusOr<app::ContactAccepted> refused = intake_.Accept(changed);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
  EXPECT_THAT(BadFields(refused.status()), ::testing::ElementsAre("event_id"));
  EXPECT_EQ(store_.Published().size(), published) << "nothing written";

  absl::StatusOr<app::ContactAccepted> retried = intake_.Accept(sent);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_TRUE(retried->duplicate);
}

// A CTI that sends no event ids retries after a timeout with the same event
// and no id: it gets the id of its first attempt and is acknowledged, not
// published twice (a random id per attempt counted the call twice).
TEST_F(ContactIntakeTest, AnEventSentWithoutAnIdIsRecognisedWhenRetried) {
  absl::StatusOr<app::ContactAccepted> first = intake_.Accept(Valid());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->duplicate);
  absl::StatusOr<app::ContactAccepted> retried = intake_.Accept(Valid());
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_TRUE(retried->duplicate);
  EXPECT_EQ(retried->event_id, first->event_id);
  EXPECT_EQ(store_.Published().size(), 1u);

  // The same event sent with that id, as the ack told it, is the same too.
  ContactEvent with_id = Valid();
  with_id.event_id = first->event_id;
  EXPECT_TRUE(intake_.Accept(with_id)->duplicate);
  EXPECT_EQ(store_.Published().size(), 1u);
}

// The fingerprint is of the event as sent: a retry that omitted a dimension
// the contact's record learned since is still the same event.
TEST_F(ContactIntakeTest, ARetryIsTheSameEventWhateverTheRecordLearnedSince) {
  ContactEvent first = Valid();  // no department, station, region or line
  first.event_id = "client-3";
  ASSERT_TRUE(intake_.Accept(first).ok());
  ASSERT_TRUE(intake_.Accept(Full("client-4")).ok());
  absl::StatusOr<app::ContactAccepted> retried = intake_.Accept(first);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_TRUE(retried->duplicate);
}

// An event that needs the record read first (an outage end without its
// duration) meets a reused id on that path too.
TEST_F(ContactIntakeTest, AReusedIdIsRefusedAlsoWhenTheRecordIsReadFirst) {
  const absl::Time start = kNow - absl::Minutes(30);
  ASSERT_TRUE(intake_.Accept(OutageStart("o-start", "outage-9", start)).ok());
  ContactEvent end = OutageEnd("o-end", "outage-9", start + absl::Minutes(10));
  ASSERT_TRUE(intake_.Accept(end).ok());
  const int loads = store_.loads();
  end.occurred_at += absl::Minutes(1);
  EXPECT_EQ(intake_.Accept(end).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_GT(store_.loads(), loads) << "refused after reading the record";
}

TEST_F(ContactIntakeTest, AnEventThatSendsTheContactsDimensionsTakesOneRoundTrip) {
  ASSERT_TRUE(intake_.Accept(Full("e-1")).ok());
  ContactEvent rated = Full("e-2");
  rated.kind = ContactKind::kSurveyAnswered;
  rated.unsatisfied = false;
  ASSERT_TRUE(intake_.Accept(rated).ok());
  EXPECT_EQ(store_.appends(), 2);
  EXPECT_EQ(store_.loads(), 0);
  // A call's answer reads the record first: it carries its offer's time.
  ContactEvent answered = Full("e-3");
  answered.kind = ContactKind::kCallAnswered;
  answered.wait_seconds = 7;
  ASSERT_TRUE(intake_.Accept(answered).ok());
  EXPECT_EQ(store_.appends(), 3);
  EXPECT_EQ(store_.loads(), 1);
}

TEST_F(ContactIntakeTest, ALaterEventInheritsTheFirstEventsDimensions) {
  ASSERT_TRUE(intake_.Accept(Full("e-1")).ok());
  ContactEvent ended = Valid();  // channel only, as a bare switch might send it
  ended.event_id = "e-2";
  ended.kind = ContactKind::kCallEnded;
  ended.handle_seconds = 180;
  ASSERT_TRUE(intake_.Accept(ended).ok());
  const ContactEvent stored = store_.Stored("e-2");
  EXPECT_EQ(stored.department, "ticketing-center");
  EXPECT_EQ(stored.station, "北京南");
  EXPECT_EQ(stored.region, "北京");
  EXPECT_EQ(stored.line, "京沪高铁");
  EXPECT_EQ(stored.channel, "hotline");
  // And so on the topic.
  events::v1::ContactEvent published;
  ASSERT_TRUE(published.ParseFromString(store_.Published().back()));
  EXPECT_EQ(published.department(), "ticketing-center");
  EXPECT_EQ(published.line(), "京沪高铁");
}

TEST_F(ContactIntakeTest, ADimensionUnknownAtFirstIsTakenFromTheFirstEventThatGivesIt) {
  ContactEvent offered = Full("e-1");
  offered.line.clear();
  ASSERT_TRUE(intake_.Accept(offered).ok());
  ContactEvent answered = Full("e-2");
  answered.kind = ContactKind::kCallAnswered;
  answered.wait_seconds = 3;
  ASSERT_TRUE(intake_.Accept(answered).ok());
  ContactEvent ended = Valid();
  ended.event_id = "e-3";
  ended.kind = ContactKind::kCallEnded;
  ended.handle_seconds = 60;
  ASSERT_TRUE(intake_.Accept(ended).ok());
  EXPECT_EQ(store_.Stored("e-3").line, "京沪高铁");
}

// A CTI that reports a transferred call as answered twice, or answered and
// then abandoned, would have it counted twice: the answer rate above
// 100 %. The second outcome is refused, nothing written; the first one's
// retry is still acknowledged.
TEST_F(ContactIntakeTest, ASecondOutcomeOfOneCallIsRefusedNamingTheContact) {
  ContactEvent answered = Full("e-1");
  answered.kind = ContactKind::kCallAnswered;
  answered.wait_seconds = 12;
  ASSERT_TRUE(intake_.Accept(answered).ok());
  const size_t published = store_.Published().size();
  for (ContactKind kind : {ContactKind::kCallAnswered, ContactKind::kCallAbandoned}) {
    ContactEvent again = answered;
    again.event_id = "e-2";
    again.kind = kind;
    again.wait_seconds = 40;
    absl::Status refused = intake_.Accept(again).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
    EXPECT_THAT(BadFields(refused), ::testing::ElementsAre("contact_id"));
    EXPECT_THAT(std::string(refused.message()), ::testing::HasSubstr("already answered"));
  }
  EXPECT_EQ(store_.Published().size(), published) << "nothing written";
  absl::StatusOr<app::ContactAccepted> retried = intake_.Accept(answered);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_TRUE(retried->duplicate);
  // The refused id was released: corrected, it may be sent again.
  ContactEvent ended = Full("e-2");
  ended.kind = ContactKind::kCallEnded;
  ended.handle_seconds = 60;
  EXPECT_TRUE(intake_.Accept(ended).ok());
}

TEST_F(ContactIntakeTest, AConflictingDimensionIsRefusedNamingTheField) {
  ASSERT_TRUE(intake_.Accept(Full("e-1")).ok());
  ContactEvent other = Full("e-2");
  other.kind = ContactKind::kCallAnswered;
  other.wait_seconds = 3;
  other.department = "billing-center";
  other.station = "上海虹桥";
  absl::Status refused = intake_.Accept(other).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(BadFields(refused), ::testing::UnorderedElementsAre("department", "station"));
  EXPECT_EQ(store_.size(), 1u);
  // Another contact may have its own.
  other.contact_id = "call-2";
  EXPECT_TRUE(intake_.Accept(other).ok());
}

TEST_F(ContactIntakeTest, AnOutageEndGetsItsDurationFromTheRecordedStart) {
  ASSERT_TRUE(intake_.Accept(OutageStart("o-1", "outage-1", kNow - absl::Minutes(50))).ok());
  ContactEvent ended = OutageEnd("o-2", "outage-1", kNow - absl::Minutes(20));
  ended.outage_seconds = 5;  // known start: the server's figure wins over the one sent
  ASSERT_TRUE(intake_.Accept(ended).ok());
  EXPECT_EQ(store_.Stored("o-2").outage_seconds, 1800);
  // A retry is acknowledged, not published again.
  absl::StatusOr<app::ContactAccepted> again = intake_.Accept(ended);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(store_.Published().size(), 2u);

  ASSERT_TRUE(intake_.Accept(OutageStart("o-3", "outage-3", kNow - absl::Minutes(50))).ok());
  ContactEvent before = OutageEnd("o-4", "outage-3", kNow - absl::Hours(1));
  EXPECT_THAT(BadFields(intake_.Accept(before).status()), ::testing::ElementsAre("occurred_at"));
}

// The reliability KPI sums outage time: a second end of one outage would
// count it twice. A retry of the first end (same event_id) is still a retry.
TEST_F(ContactIntakeTest, AnOutageEndsOnce) {
  ASSERT_TRUE(intake_.Accept(OutageStart("o-1", "outage-1", kNow - absl::Minutes(50))).ok());
  const ContactEvent ended = OutageEnd("o-2", "outage-1", kNow - absl::Minutes(20));
  ASSERT_TRUE(intake_.Accept(ended).ok());
  for (absl::Duration at : {absl::Minutes(10), absl::Minutes(20)}) {
    for (bool sends_seconds : {false, true}) {
      ContactEvent second = OutageEnd("o-3", "outage-1", kNow - at);
      if (sends_seconds) second.outage_seconds = 60;
      absl::Status refused = intake_.Accept(second).status();
      EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
      EXPECT_THAT(BadFields(refused), ::testing::ElementsAre("contact_id"));
    }
  }
  EXPECT_EQ(store_.Published().size(), 2u);
  absl::StatusOr<app::ContactAccepted> retry = intake_.Accept(ended);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->duplicate);

  // Without a known start, the first end (with its duration) ends it too.
  ContactEvent sent = OutageEnd("o-8", "outage-8", kNow - absl::Minutes(5));
  sent.outage_seconds = 600;
  ASSERT_TRUE(intake_.Accept(sent).ok());
  sent.event_id = "o-9";
  EXPECT_EQ(intake_.Accept(sent).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_.Published().size(), 3u);
}

TEST_F(ContactIntakeTest, AnOutageEndMustFollowItsStartOnItsPlatform) {
  const absl::Time start = kNow - absl::Minutes(50);
  ASSERT_TRUE(intake_.Accept(OutageStart("o-1", "outage-1", start)).ok());
  absl::Status at_start = intake_.Accept(OutageEnd("o-2", "outage-1", start)).status();
  EXPECT_EQ(at_start.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(BadFields(at_start), ::testing::ElementsAre("occurred_at"));

  ContactEvent elsewhere = OutageEnd("o-3", "outage-1", kNow - absl::Minutes(20));
  elsewhere.platform = domain::Platform::kCallPlatform;
  absl::Status refused = intake_.Accept(elsewhere).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(BadFields(refused), ::testing::ElementsAre("outage_ended.platform"));
  EXPECT_EQ(store_.Published().size(), 1u);

  // Refused ends did not end it.
  ASSERT_TRUE(intake_.Accept(OutageEnd("o-4", "outage-1", start + absl::Seconds(1))).ok());
  EXPECT_EQ(store_.Stored("o-4").outage_seconds, 1);
}

// One outage, one platform: a start on another platform than the recorded
// start's is refused like a second end, also when the intake first assumed
// nothing was stored; the first start's retry is still acknowledged.
TEST_F(ContactIntakeTest, AnOutageStartsOnOnePlatform) {
  const ContactEvent start = OutageStart("o-1", "outage-1", kNow - absl::Minutes(50));
  ASSERT_TRUE(intake_.Accept(start).ok());
  ContactEvent elsewhere = OutageStart("o-2", "outage-1", kNow - absl::Minutes(40));
  elsewhere.platform = domain::Platform::kCallPlatform;
  absl::Status refused = intake_.Accept(elsewhere).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_THAT(BadFields(refused), ::testing::ElementsAre("contact_id"));
  EXPECT_THAT(std::string(refused.message()),
              ::testing::HasSubstr("already started on PLATFORM_BACKBONE_NETWORK"));
  EXPECT_EQ(store_.Published().size(), 1u);

  absl::StatusOr<app::ContactAccepted> retry = intake_.Accept(start);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->duplicate);
  // Another start on its platform is accepted as before (the first wins).
  ASSERT_TRUE(intake_.Accept(OutageStart("o-3", "outage-1", kNow - absl::Minutes(45))).ok());
  EXPECT_EQ(store_.Published().size(), 2u);
}

TEST_F(ContactIntakeTest, AnOutageEndWithoutAKnownStartMustSendItsDuration) {
  ContactEvent ended = Valid();
  ended.event_id = "o-9";
  ended.contact_id = "outage-9";
  ended.kind = ContactKind::kOutageEnded;
  ended.platform = domain::Platform::kCallPlatform;
  absl::Status refused = intake_.Accept(ended).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(BadFields(refused), ::testing::ElementsAre("outage_ended.outage_seconds"));
  EXPECT_EQ(store_.size(), 0u);
  ended.outage_seconds = 600;
  ASSERT_TRUE(intake_.Accept(ended).ok());
  EXPECT_EQ(store_.Stored("o-9").outage_seconds, 600);
}

// A record that changes under every attempt (another writer of the same
// contact each time): the event is not published on a stale basis.
class ChurningStore : public testing::InMemoryContactEventStore {
 public:
  absl::StatusOr<ports::AppendOutcome> Append(const ContactEvent&, const domain::ContactRecord&,
                                              const std::string&) override {
    domain::ContactRecord moved;
    moved.line = "line-" + std::to_string(++attempts);
    return ports::AppendOutcome{ports::AppendResult::kStale, moved, ""};
  }
  int attempts = 0;
};

TEST(ContactIntakeRaceTest, ARecordChangingUnderEveryAttemptIsAbortedNotPublished) {
  ChurningStore store;
  FixedClock clock;
  app::TriageSource triage(
      std::make_shared<const domain::Triage>(domain::test_support::TestTriageConfig()));
  app::ContactIntake intake(store, clock, "test-pii-key", triage);
  EXPECT_EQ(intake.Accept(Valid()).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store.attempts, 4);
}

}  // namespace
}  // namespace sqms::complaints
