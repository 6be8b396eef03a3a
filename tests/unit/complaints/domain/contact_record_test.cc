// One call, one set of dimensions: how an event is completed from its
// contact's record, and the store's compare-and-set rule (the Redis script
// implements the same, redis_scripts.cc).
#include "services/complaints/domain/contact_record.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace sqms::complaints::domain
