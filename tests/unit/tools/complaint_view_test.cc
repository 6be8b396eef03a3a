// What operators see: due times beside the SLA state, times in their zone
// (UTC with --utc), watch columns that never run together, the personal
// queue's order.
#include "tools/sqmsctl/complaint_view.h"

#include <gtest/gtest.h>

#include "tools/sqmsctl/output.h"

namespace sqms::tools {
namespace {

namespace cv1 = ::sqms::complaints::v1;

// 2026-12-02T02:00:00Z.
constexpr int64_t kT0 = 1'796'176'800;

class ZoneGuard {
 public:
  explicit ZoneGuard(absl::TimeZone zone) { SetDisplayZone(zone); }
  ~ZoneGuard() { SetDisplayZone(absl::UTCTimeZone()); }
};

cv1::SlaDeadline* AddDeadline(cv1::Complaint& c, cv1::SlaTarget target, int64_t due) {
  cv1::SlaDeadline* d = c.mutable_sla()->add_deadlines();
  d->set_target(target);
  d->mutable_due()->set_seconds(due);
  return d;
}

TEST(DisplayZoneTest, CalendarZoneByDefaultTzWhenSetUtcOnRequest) {
  EXPECT_EQ(DisplayZoneFor(false, nullptr)->name(), "Asia/Shanghai");
  EXPECT_EQ(DisplayZoneFor(false, "")->name(), "Asia/Shanghai");
  EXPECT_EQ(DisplayZoneFor(false, "Europe/Berlin")->name(), "Europe/Berlin");
  EXPECT_EQ(DisplayZoneFor(false, ":Europe/Berlin")->name(), "Europe/Berlin");
  EXPECT_EQ(DisplayZoneFor(true, "Europe/Berlin")->name(), "UTC");
  auto bad = DisplayZoneFor(false, "Mars/Olympus");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string(bad.status().message()).find("Mars/Olympus"), std::string::npos);
}

TEST(DisplayZoneTest, TimestampsInTheOperatorsZoneWithOffset) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(kT0);
  EXPECT_EQ(FormatTimestamp(ts), "2026-12-02T02:00:00Z");
  ZoneGuard shanghai(*DisplayZoneFor(false, nullptr));
  EXPECT_EQ(FormatTimestamp(ts), "2026-12-02T10:00:00+08:00");
}

TEST(NextDueTest, EarliestPendingDeadlineWithItsTarget) {
  cv1::Complaint c;
  EXPECT_EQ(NextDue(c.sla()), "-");
  AddDeadline(c, cv1::SLA_TARGET_FIRST_RESPONSE, kT0 + 60)->mutable_met_at()->set_seconds(kT0);
  AddDeadline(c, cv1::SLA_TARGET_RESOLUTION, kT0 + 3600);
  EXPECT_EQ(NextDue(c.sla()), "2026-12-02T03:00:00Z (resolution)");
}

TEST(ComplaintListTableTest, ShowsAssigneeSlaStateAndNextDue) {
  cv1::Complaint c;
  c.set_id("c-1");
  c.set_assignee("agent.li");
  AddDeadline(c, cv1::SLA_TARGET_FIRST_RESPONSE, kT0 + 60)->set_at_risk(true);
  std::string table = ComplaintListTable({&c}).Render();
  EXPECT_NE(table.find("NEXT DUE"), std::string::npos) << table;
  EXPECT_NE(table.find("at risk  2026-12-02T02:01:00Z (first_response)"), std::string::npos)
      << table;
  EXPECT_NE(table.find("agent.li"), std::string::npos) << table;
}

TEST(ComplaintDetailTest, OneDueLinePerDeadline) {
  cv1::Complaint c;
  c.set_id("c-1");
  AddDeadline(c, cv1::SLA_TARGET_FIRST_RESPONSE, kT0 + 40)->set_breached(true);
  AddDeadline(c, cv1::SLA_TARGET_RESOLUTION, kT0 + 180);
  std::string detail = ComplaintDetail(c, false);
  EXPECT_NE(detail.find("due:            first_response 2026-12-02T02:00:40Z  breached"),
            std::string::npos)
      << detail;
  EXPECT_NE(detail.find("due:            resolution     2026-12-02T02:03:00Z  pending"),
            std::string::npos)
      << detail;
}

TEST(ComplaintDetailTest, AMetDeadlineShowsTheWorkingTimeItTook) {
  cv1::Complaint c;
  c.set_id("c-1");
  cv1::SlaDeadline* first = AddDeadline(c, cv1::SLA_TARGET_FIRST_RESPONSE, kT0 + 7200);
  first->mutable_met_at()->set_seconds(kT0 + 600);
  first->set_met_after_working_seconds(4 * 3600 + 30 * 60);
  AddDeadline(c, cv1::SLA_TARGET_RESOLUTION, kT0 + 7200)->mutable_met_at()->set_seconds(kT0);
  cv1::SlaDeadline* follow_up = AddDeadline(c, cv1::SLA_TARGET_FOLLOW_UP, kT0 + 7200);
  follow_up->mutable_met_at()->set_seconds(kT0);
  follow_up->set_met_after_working_seconds(0);  // met outside opening hours
  std::string detail = ComplaintDetail(c, false);
  EXPECT_NE(detail.find("after 0s working"), std::string::npos) << detail;
  EXPECT_NE(detail.find("first_response 2026-12-02T04:00:00Z  met 2026-12-02T02:10:00Z after "
                        "4h30m working"),
            std::string::npos)
      << detail;
  EXPECT_NE(detail.find("resolution     2026-12-02T04:00:00Z  met 2026-12-02T02:00:00Z\n"),
            std::string::npos)
      << "an older complaint, without the figure: " << detail;
}

// Every column starts where the header's does, even for the longest event
// type and a status transition; a column never touches the next.
TEST(WatchLineTest, ColumnsAlignWithTheHeader) {
  events::v1::ComplaintEvent e;
  e.set_type(events::v1::COMPLAINT_EVENT_TYPE_SLA_AT_RISK);
  e.set_sla_target(cv1::SLA_TARGET_FIRST_RESPONSE);
  e.mutable_occurred_at()->set_seconds(kT0);
  e.set_from_status(cv1::STATUS_WAITING_CUSTOMER);
  e.set_to_status(cv1::STATUS_IN_PROGRESS);
  cv1::Complaint& c = *e.mutable_complaint();
  c.set_id("CMP-20261202-03ABCDEFGHJK");  // the service's id format
  c.set_priority(cv1::PRIORITY_P1);
  c.set_category(cv1::CATEGORY_SERVICE_ATTITUDE);
  c.set_department("safety-office");
  ZoneGuard shanghai(*DisplayZoneFor(false, nullptr));
  std::string header = WatchHeader();
  std::string line = WatchLine(e);
  for (const char* column : {"TYPE", "ID", "STATUS", "PRI", "CATEGORY", "DEPARTMENT"}) {
    size_t at = header.find(column);
    ASSERT_NE(at, std::string::npos) << column;
    EXPECT_EQ(line.substr(at - 2, 2), "  ") << column << "\n" << header << "\n" << line;
    EXPECT_NE(line[at], ' ') << column << "\n" << header << "\n" << line;
  }
  EXPECT_NE(line.find("sla_at_risk(first_response)"), std::string::npos) << line;
}

}  // namespace
}  // namespace sqms::tools
