// One call, one set of dimensions: how an event is completed from its
// contact's record, and the store's compare-and-set rule (the Redis script
// implements the same, redis_scripts.cc).
#include "services/complaints/domain/contact_record.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sqms/runtime/field_violation.h"

namespace sqms::complaints::domain {
namespace {

const absl::Time kT = absl::FromUnixSeconds(1'790'000'000);

ContactRecord Known() {
  ContactRecord r;
  r.department = "ticketing-center";
  r.station = "北京南";
  r.channel = "hotline";
  return r;
}

ContactEvent Answered() {
  ContactEvent e;
  e.contact_id = "call-1";
  e.occurred_at = kT;
  e.kind = ContactKind::kCallAnswered;
  e.wait_seconds = 4;
  return e;
}

TEST(ContactRecordTest, FillsWhatTheEventOmitsAndKeepsWhatItRepeats) {
  ContactEvent e = Answered();
  e.channel = "hotline";
  e.line = "京沪高铁";  // not known yet: kept, and remembered by the store
  ASSERT_TRUE(CompleteContactEvent(Known(), e).ok());
  EXPECT_EQ(e.department, "ticketing-center");
  EXPECT_EQ(e.station, "北京南");
  EXPECT_EQ(e.region, "");
  EXPECT_EQ(e.line, "京沪高铁");
  ContactRecord after = Known();
  Remember(e, after);
  EXPECT_EQ(after.line, "京沪高铁");
  EXPECT_EQ(after.department, "ticketing-center");
}

TEST(ContactRecordTest, ADifferentValueIsRefusedNamingTheField) {
  ContactEvent e = Answered();
  e.department = "billing-center";
  e.channel = "chat";
  const absl::Status s = CompleteContactEvent(Known(), e);
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& v : runtime::FieldViolations(s)) fields.push_back(v.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"channel", "department"}));
}

TEST(ContactRecordTest, OutageDurationComesFromTheFirstRecordedStart) {
  ContactEvent start;
  start.kind = ContactKind::kOutageStarted;
  start.occurred_at = kT;
  ContactRecord r;
  Remember(start, r);
  start.occurred_at = kT + absl::Minutes(5);  // a second start does not move it
  Remember(start, r);
  ASSERT_EQ(r.outage_started_at, kT);

  ContactEvent end;
  end.kind = ContactKind::kOutageEnded;
  end.occurred_at = kT + absl::Seconds(754) + absl::Milliseconds(900);
  ASSERT_TRUE(CompleteContactEvent(r, end).ok());
  EXPECT_EQ(end.outage_seconds, 754);

  ContactEvent unknown = end;
  unknown.outage_seconds.reset();
  EXPECT_EQ(CompleteContactEvent(ContactRecord{}, unknown).code(),
            absl::StatusCode::kInvalidArgument);
  unknown.outage_seconds = 60;
  ASSERT_TRUE(CompleteContactEvent(ContactRecord{}, unknown).ok());
  EXPECT_EQ(unknown.outage_seconds, 60);
}

TEST(ContactRecordTest, TheStoreAppendsOnlyWhatAgreesWithItsRecord) {
  ContactEvent e = Answered();
  e.department = "ticketing-center";
  EXPECT_TRUE(AgreesWith(e, {}, ContactRecord{}));
  ContactRecord stored;
  stored.department = "ticketing-center";
  EXPECT_TRUE(AgreesWith(e, {}, stored));
  stored.station = "北京南";  // completed without it: completed again
  EXPECT_FALSE(AgreesWith(e, {}, stored));
  e.station = "北京南";
  EXPECT_TRUE(AgreesWith(e, {}, stored));

  ContactEvent end;
  end.kind = ContactKind::kOutageEnded;
  end.outage_seconds = 60;
  ContactRecord started;
  started.outage_started_at = kT;
  EXPECT_FALSE(AgreesWith(end, ContactRecord{}, started));  // a start arrived meanwhile
  EXPECT_TRUE(AgreesWith(end, started, started));
}

// Field names of `s`'s violations, in order.
std::vector<std::string> Fields(const absl::Status& s) {
  std::vector<std::string> fields;
  for (const auto& v : runtime::FieldViolations(s)) fields.push_back(v.field);
  return fields;
}

ContactEvent Outage(ContactKind kind, absl::Time at, Platform platform) {
  ContactEvent e;
  e.contact_id = "outage-1";
  e.kind = kind;
  e.occurred_at = at;
  e.platform = platform;
  return e;
}

// A start on the backbone at kT, recorded.
ContactRecord Started() {
  ContactRecord r;
  Remember(Outage(ContactKind::kOutageStarted, kT, Platform::kBackboneNetwork), r);
  return r;
}

TEST(ContactRecordTest, AnOutageEndsOnce) {
  ContactRecord r = Started();
  ContactEvent end =
      Outage(ContactKind::kOutageEnded, kT + absl::Minutes(10), Platform::kBackboneNetwork);
  ASSERT_TRUE(CompleteContactEvent(r, end).ok());
  Remember(end, r);
  EXPECT_EQ(r.outage_ended_at, kT + absl::Minutes(10));

  // Another end (later, or even the same time): its time would count twice.
  ContactEvent again =
      Outage(ContactKind::kOutageEnded, kT + absl::Minutes(20), Platform::kBackboneNetwork);
  const absl::Status s = CompleteContactEvent(r, again);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_EQ(Fields(s), std::vector<std::string>{"contact_id"});
  EXPECT_EQ(CompleteContactEvent(r, end).code(), absl::StatusCode::kFailedPrecondition);

  // Also when no start was known and the first end sent its duration.
  ContactRecord no_start;
  ContactEvent sent = Outage(ContactKind::kOutageEnded, kT, Platform::kCallPlatform);
  sent.outage_seconds = 60;
  Remember(sent, no_start);
  EXPECT_EQ(CompleteContactEvent(no_start, sent).code(), absl::StatusCode::kFailedPrecondition);
  // A later start does not reopen it; other kinds are not concerned.
  Remember(Outage(ContactKind::kOutageStarted, kT, Platform::kCallPlatform), no_start);
  EXPECT_TRUE(no_start.outage_ended_at.has_value());
  ContactEvent answered = Answered();
  EXPECT_TRUE(CompleteContactEvent(r, answered).ok());
}

TEST(ContactRecordTest, AnEndMustBeAtLeastASecondAfterItsStart) {
  for (absl::Duration after : {absl::ZeroDuration(), absl::Milliseconds(999), -absl::Seconds(1)}) {
    ContactEvent end = Outage(ContactKind::kOutageEnded, kT + after, Platform::kBackboneNetwork);
    const absl::Status s = CompleteContactEvent(Started(), end);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << after;
    EXPECT_EQ(Fields(s), std::vector<std::string>{"occurred_at"}) << after;
  }
  ContactEvent end =
      Outage(ContactKind::kOutageEnded, kT + absl::Seconds(1), Platform::kBackboneNetwork);
  ASSERT_TRUE(CompleteContactEvent(Started(), end).ok());
  EXPECT_EQ(end.outage_seconds, 1);
}

TEST(ContactRecordTest, AnEndIsOnItsStartsPlatform) {
  ContactEvent end =
      Outage(ContactKind::kOutageEnded, kT + absl::Minutes(3), Platform::kCallPlatform);
  const absl::Status s = CompleteContactEvent(Started(), end);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(s), std::vector<std::string>{"outage_ended.platform"});
  // A start recorded without its platform (before platforms were kept).
  ContactRecord old;
  old.outage_started_at = kT;
  EXPECT_TRUE(CompleteContactEvent(old, end).ok());
  // A second start on another platform does not change the first's.
  ContactRecord r = Started();
  Remember(Outage(ContactKind::kOutageStarted, kT, Platform::kCallPlatform), r);
  EXPECT_EQ(r.outage_platform, Platform::kBackboneNetwork);
}

TEST(ContactRecordTest, AnEndIsAppendedOnlyOnTheOutageItWasCompletedFrom) {
  ContactEvent end =
      Outage(ContactKind::kOutageEnded, kT + absl::Minutes(3), Platform::kBackboneNetwork);
  const ContactRecord started = Started();
  ContactRecord ended = started;
  ended.outage_ended_at = kT + absl::Minutes(2);  // another end won meanwhile
  EXPECT_TRUE(AgreesWith(end, started, started));
  EXPECT_FALSE(AgreesWith(end, started, ended));
  ContactRecord other_platform = started;
  other_platform.outage_platform = Platform::kCallPlatform;
  EXPECT_FALSE(AgreesWith(end, started, other_platform));
}

// One outage, one platform: a start on another platform than the recorded
// start's is refused like a second end (FAILED_PRECONDITION on contact_id,
// naming the platform it started on), and the store treats it as stale.
TEST(ContactRecordTest, AnOutageStartsOnOnePlatform) {
  const ContactRecord r = Started();
  ContactEvent elsewhere =
      Outage(ContactKind::kOutageStarted, kT + absl::Minutes(1), Platform::kCallPlatform);
  const absl::Status s = CompleteContactEvent(r, elsewhere);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_EQ(Fields(s), std::vector<std::string>{"contact_id"});
  EXPECT_EQ(s.message(),
            "this outage already started on PLATFORM_BACKBONE_NETWORK at 2026-09-21T14:13:20+00:00 "
            "(another outage_started, on PLATFORM_CALL_PLATFORM): one outage, one platform");
  EXPECT_FALSE(AgreesWith(elsewhere, ContactRecord{}, r));
  EXPECT_TRUE(AgreesWith(elsewhere, ContactRecord{}, ContactRecord{}));

  // Another start on its platform changes nothing and is not refused; nor is
  // any start when the recorded one has no platform (before they were kept).
  ContactEvent again =
      Outage(ContactKind::kOutageStarted, kT + absl::Minutes(1), Platform::kBackboneNetwork);
  EXPECT_TRUE(CompleteContactEvent(r, again).ok());
  EXPECT_TRUE(AgreesWith(again, ContactRecord{}, r));
  ContactRecord old;
  old.outage_started_at = kT;
  EXPECT_TRUE(CompleteContactEvent(old, elsewhere).ok());
  EXPECT_TRUE(AgreesWith(elsewhere, ContactRecord{}, old));
}

}  // namespace
}  // namespace sqms::complaints::domain
