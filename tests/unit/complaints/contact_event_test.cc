#include "services/complaints/domain/contact_event.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "services/complaints/app/contact_intake.h"
#include "sqms/runtime/field_violation.h"

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

std::vector<std::string> BadFields(const ContactEvent& e) {
  std::vector<std::string> fields;
  for (const auto& v : runtime::FieldViolations(domain::ValidateContactEvent(e, kNow))) {
    fields.push_back(v.field);
  }
  return fields;
}

TEST(ContactEventTest, ValidEventsPass) {
  EXPECT_TRUE(domain::ValidateContactEvent(Valid(), kNow).ok());
  ContactEvent survey = Valid();
  survey.kind = ContactKind::kSurveyAnswered;
  survey.csat = 0;  // not asked
  survey.nps = -1;  // not asked
  survey.comment = "很好";
  EXPECT_TRUE(domain::ValidateContactEvent(survey, kNow).ok());
  ContactEvent outage = Valid();
  outage.kind = ContactKind::kOutageEnded;
  outage.platform = domain::Platform::kCallPlatform;
  outage.outage_seconds = 3600;
  EXPECT_TRUE(domain::ValidateContactEvent(outage, kNow).ok());
}

TEST(ContactEventTest, EachBadFieldIsNamed) {
  struct Case {
    std::string field;
    std::function<void(ContactEvent&)> spoil;
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
      {"call_answered.wait_seconds", [](ContactEvent& e) { e.wait_seconds = -1; }},
      {"call_answered.wait_seconds", [](ContactEvent& e) { e.wait_seconds = 86401; }},
      {"call_abandoned.wait_seconds",
       [](ContactEvent& e) { e.kind = ContactKind::kCallAbandoned; e.wait_seconds = -5; }},
      {"call_ended.handle_seconds",
       [](ContactEvent& e) { e.kind = ContactKind::kCallEnded; e.handle_seconds = 86401; }},
      {"survey_answered.csat",
       [](ContactEvent& e) { e.kind = ContactKind::kSurveyAnswered; e.csat = 6; }},
      {"survey_answered.nps",
       [](ContactEvent& e) { e.kind = ContactKind::kSurveyAnswered; e.nps = 11; }},
      {"survey_answered.nps",
       [](ContactEvent& e) { e.kind = ContactKind::kSurveyAnswered; e.nps = -2; }},
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
  e.department = std::string();
  for (int i = 0; i < 128; ++i) e.department += "客";  // 128 characters, 384 bytes
  EXPECT_TRUE(domain::ValidateContactEvent(e, kNow).ok());
  e.department += "客";
  EXPECT_EQ(BadFields(e), std::vector<std::string>{"department"});
}

class FakeContactEventStore : public ports::ContactEventStore {
 public:
  absl::StatusOr<bool> Append(const ContactEvent& event) override {
    if (!up) return absl::UnavailableError("store down");
    return records.emplace(event.event_id, event).second;
  }
  bool up = true;
  std::map<std::string, ContactEvent> records;
};

class FixedClock : public runtime::Clock {
 public:
  absl::Time Now() const override { return kNow; }
};

TEST(ContactIntakeTest, AcceptsOnceMakesIdsAndRejectsBadEvents) {
  FakeContactEventStore store;
  FixedClock clock;
  app::ContactIntake intake(store, clock);

  absl::StatusOr<app::ContactAccepted> made = intake.Accept(Valid());
  ASSERT_TRUE(made.ok()) << made.status();
  // The suite's one event-id form (runtime::NewEventId): a UUID v4.
  EXPECT_THAT(made->event_id, ::testing::MatchesRegex(
                                  "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  EXPECT_FALSE(made->duplicate);
  const ContactEvent& stored = store.records.at(made->event_id);
  EXPECT_EQ(stored.kind, Valid().kind);
  EXPECT_EQ(stored.contact_id, "call-1");
  EXPECT_NE(intake.Accept(Valid())->event_id, made->event_id);

  ContactEvent sent = Valid();
  sent.event_id = "client-1";
  EXPECT_FALSE(intake.Accept(sent)->duplicate);
  absl::StatusOr<app::ContactAccepted> again = intake.Accept(sent);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->event_id, "client-1");

  const size_t before = store.records.size();
  sent.contact_id.clear();
  EXPECT_EQ(intake.Accept(sent).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store.records.size(), before);

  store.up = false;
  EXPECT_EQ(intake.Accept(Valid()).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace sqms::complaints
