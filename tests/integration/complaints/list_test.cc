// ListComplaints: every filter, and cursor pagination that returns each
// complaint exactly once in (received_at, id) order, also while new
// complaints arrive. Each test uses its own station/region so they see only
// their own complaints.

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <thread>

#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

using google::protobuf::util::TimeUtil;
using ::testing::UnorderedElementsAreArray;

class ListTest : public StackTest {
 protected:
  // All pages of `filter`; fails the test on an error or a runaway cursor.
  std::vector<v1::Complaint> ListAll(const v1::ComplaintFilter& filter, int page_size = 50,
                                     const std::function<void(int)>& between_pages = {},
                                     Role role = Role::kSupervisor) {
    std::vector<v1::Complaint> all;
    v1::ListComplaintsRequest request;
    *request.mutable_filter() = filter;
    request.set_page_size(page_size);
    for (int page = 0; page < 100; ++page) {
      v1::ListComplaintsResponse response;
      auto ctx = Ctx(role);
      grpc::Status status = stub().ListComplaints(ctx.get(), request, &response);
      EXPECT_TRUE(status.ok()) << StatusText(status);
      if (!status.ok()) return all;
      EXPECT_LE(response.complaints_size(), page_size);
      all.insert(all.end(), response.complaints().begin(), response.complaints().end());
      if (response.next_page_token().empty()) return all;
      if (between_pages) between_pages(page);
      request.set_page_token(response.next_page_token());
    }
    ADD_FAILURE() << "more than 100 pages";
    return all;
  }
  static std::vector<std::string> Ids(const std::vector<v1::Complaint>& cs) {
    std::vector<std::string> ids;
    for (const auto& c : cs) ids.push_back(c.id());
    return ids;
  }
};

TEST_F(ListTest, FiltersSelectExactlyTheMatchingComplaints) {
  const std::string region = Unique("Region");
  const std::string station = Unique("Station");
  const std::string department = "luggage-services";  // one of triage.yaml's departments
  auto make = [&](v1::Category category, v1::Channel channel, v1::Level level,
                  const std::string& at_station) {
    v1::SubmitComplaintRequest r = ValidSubmission("list");
    r.set_category(category);
    r.set_channel(channel);
    r.set_urgency(level);
    r.set_importance(level);
    r.mutable_location()->set_region(region);
    r.mutable_location()->set_station(at_station);
    return SubmitOk(stub(), r);
  };
  v1::Complaint c1 = make(v1::CATEGORY_FACILITIES, v1::CHANNEL_HOTLINE, v1::LEVEL_HIGH, station);
  v1::Complaint c2 = make(v1::CATEGORY_HYGIENE, v1::CHANNEL_APP, v1::LEVEL_LOW, station);
  v1::Complaint c3 = make(v1::CATEGORY_SAFETY, v1::CHANNEL_WEB, v1::LEVEL_LOW, station);
  v1::Complaint c4 = make(v1::CATEGORY_HYGIENE, v1::CHANNEL_APP, v1::LEVEL_LOW, station + "-b");
  EXPECT_EQ(c1.priority(), v1::PRIORITY_P1);
  EXPECT_EQ(c2.priority(), v1::PRIORITY_P4);
  EXPECT_EQ(c3.priority(), v1::PRIORITY_P1);  // safety is always P1
  {
    v1::AssignComplaintRequest assign;
    *assign.mutable_command() = Cmd(c2.id());
    assign.set_department(department);
    auto ctx = Ctx(Role::kSupervisor);
    grpc::Status s = stub().AssignComplaint(ctx.get(), assign, &c2);
    ASSERT_TRUE(s.ok()) << StatusText(s);
  }

  auto at_station = [&] {
    v1::ComplaintFilter f;
    f.set_station(station);
    return f;
  };
  struct Case {
    const char* name;
    v1::ComplaintFilter filter;
    std::vector<std::string> expected;
  };
  std::vector<Case> cases;
  cases.push_back({"station", at_station(), {c1.id(), c2.id(), c3.id()}});
  {
    v1::ComplaintFilter f;
    f.set_region(region);
    cases.push_back({"region", f, {c1.id(), c2.id(), c3.id(), c4.id()}});
  }
  {
    auto f = at_station();
    f.add_statuses(v1::STATUS_ASSIGNED);
    cases.push_back({"status assigned", f, {c2.id()}});
    f.add_statuses(v1::STATUS_RECEIVED);
    cases.push_back({"status assigned or received", f, {c1.id(), c2.id(), c3.id()}});
  }
  {
    auto f = at_station();
    f.add_categories(v1::CATEGORY_FACILITIES);
    f.add_categories(v1::CATEGORY_SAFETY);
    cases.push_back({"categories", f, {c1.id(), c3.id()}});
  }
  {
    auto f = at_station();
    f.add_priorities(v1::PRIORITY_P4);
    cases.push_back({"priority", f, {c2.id()}});
  }
  {
    auto f = at_station();
    f.set_department(department);
    cases.push_back({"department", f, {c2.id()}});
  }
  {
    auto f = at_station();
    f.set_channel(v1::CHANNEL_WEB);
    cases.push_back({"channel", f, {c3.id()}});
  }
  {
    auto f = at_station();
    f.set_sla_breached_only(true);
    cases.push_back({"sla breached only", f, {}});
  }
  {
    // created range [c2.received_at, c3.received_at): computed from the
    // stored times, so equal milliseconds cannot make the test flaky. Two
    // received in one instant get the range of that millisecond (an
    // empty range is refused: created_before must be after created_after).
    auto f = at_station();
    *f.mutable_created_after() = c2.received_at();
    *f.mutable_created_before() =
        std::max(c3.received_at(), c2.received_at() + TimeUtil::MillisecondsToDuration(1));
    std::vector<std::string> expected;
    for (const auto* c : {&c1, &c2, &c3}) {
      if (c->received_at() >= f.created_after() && c->received_at() < f.created_before()) {
        expected.push_back(c->id());
      }
    }
    cases.push_back({"created range", f, expected});
  }
  {
    auto f = at_station();
    f.set_channel(v1::CHANNEL_APP);
    f.add_priorities(v1::PRIORITY_P1);
    cases.push_back({"channel and priority (AND)", f, {}});
  }
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(Ids(ListAll(c.filter)), UnorderedElementsAreArray(c.expected));
  }
}

TEST_F(ListTest, CursorPaginationReturnsEachComplaintOnceInStableOrder) {
  const std::string station = Unique("PagedStation");
  constexpr int kCount = 120;
  std::vector<std::string> created(kCount);
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        auto my_stub = stack().Complaints();
        for (int i = t; i < kCount; i += 4) {
          v1::SubmitComplaintRequest r = ValidSubmission("page");
          r.mutable_location()->set_station(station);
          created[i] = SubmitOk(*my_stub, r).id();
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  v1::ComplaintFilter filter;
  filter.set_station(station);

  int pages = 0;
  std::vector<v1::Complaint> listed = ListAll(filter, 25, [&](int) { ++pages; });
  EXPECT_EQ(pages + 1, 5);  // 25 × 4 + 20
  EXPECT_THAT(Ids(listed), UnorderedElementsAreArray(created));
  int out_of_order = 0;
  for (size_t i = 1; i < listed.size(); ++i) {
    const auto& a = listed[i - 1];
    const auto& b = listed[i];
    if (a.received_at() < b.received_at() ||
        (a.received_at() == b.received_at() && a.id() < b.id())) {
      continue;
    }
    if (++out_of_order <= 3) {
      ADD_FAILURE() << "not in (received_at, id) order at " << i << ": " << a.id() << " @ "
                    << TimeUtil::ToString(a.received_at()) << " then " << b.id() << " @ "
                    << TimeUtil::ToString(b.received_at());
    }
  }
  EXPECT_EQ(out_of_order, 0) << "of " << listed.size() << " listed";
  EXPECT_EQ(Ids(ListAll(filter, 25)), Ids(listed)) << "a second walk gives another order";

  // New complaints arriving between pages never make an old one repeat or vanish.
  std::vector<v1::Complaint> during = ListAll(filter, 25, [&](int) {
    for (int i = 0; i < 3; ++i) {
      v1::SubmitComplaintRequest r = ValidSubmission("page-late");
      r.mutable_location()->set_station(station);
      SubmitOk(stub(), r);
    }
  });
  std::map<std::string, int> seen;
  for (const auto& c : during) ++seen[c.id()];
  for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << id << " listed " << n << " times";
  for (const auto& id : created) EXPECT_EQ(seen.count(id), 1u) << id << " missing";
}

TEST_F(ListTest, ListIsMaskedEvenForSupervisors) {
  const std::string station = Unique("MaskStation");
  v1::SubmitComplaintRequest r = ValidSubmission("mask");
  r.mutable_location()->set_station(station);
  SubmitOk(stub(), r);
  v1::ComplaintFilter f;
  f.set_station(station);
  std::vector<v1::Complaint> listed = ListAll(f);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_NE(listed[0].complainant().phone(), r.complainant().phone());
  EXPECT_NE(listed[0].complainant().email(), r.complainant().email());
}

// The personal queue: assignee "me" is the caller's subject (the token's);
// another agent's complaints and unassigned ones are not in it; escalated
// selects escalated complaints only. Filters the script does not index may
// leave pages short: every page is followed.
TEST_F(ListTest, PersonalQueueAndEscalatedFilters) {
  const std::string station = Unique("Queue");
  auto submit = [&] {
    v1::SubmitComplaintRequest r = ValidSubmission("queue");
    r.mutable_location()->set_station(station);
    return SubmitOk(stub(), r, Role::kAdmin);
  };
  auto assign = [&](const v1::Complaint& c, Role as, const std::string& assignee) {
    v1::AssignComplaintRequest request;
    *request.mutable_command() = Cmd(c.id());
    request.set_assignee(assignee);
    v1::Complaint out;
    auto ctx = Ctx(as);
    grpc::Status s = stub().AssignComplaint(ctx.get(), request, &out);
    EXPECT_TRUE(s.ok()) << StatusText(s);
  };
  v1::Complaint mine = submit(), mine_escalated = submit(), theirs = submit(), nobodys = submit();
  assign(mine, Role::kAgent, Subject(Role::kAgent));
  assign(mine_escalated, Role::kSupervisor, Subject(Role::kAgent));
  assign(theirs, Role::kSupervisor, Subject(Role::kSupervisor));
  for (const v1::Complaint* c : {&mine_escalated, &theirs}) {
    v1::Complaint out;
    auto ctx = Ctx(Role::kSupervisor);
    ASSERT_TRUE(stub().EscalateComplaint(ctx.get(), Cmd(c->id()), &out).ok());
  }

  auto list_as = [&](Role role, const v1::ComplaintFilter& filter) {
    return Ids(ListAll(filter, /*page_size=*/1, {}, role));
  };
  v1::ComplaintFilter filter;
  filter.set_station(station);
  filter.set_assignee("me");
  EXPECT_THAT(list_as(Role::kAgent, filter),
              UnorderedElementsAreArray({mine.id(), mine_escalated.id()}));
  EXPECT_THAT(list_as(Role::kSupervisor, filter), UnorderedElementsAreArray({theirs.id()}));
  filter.set_assignee(Subject(Role::kAgent));
  EXPECT_THAT(list_as(Role::kSupervisor, filter),
              UnorderedElementsAreArray({mine.id(), mine_escalated.id()}));
  filter.set_assignee("me");
  filter.set_escalated_only(true);
  EXPECT_THAT(list_as(Role::kAgent, filter), UnorderedElementsAreArray({mine_escalated.id()}));
  filter.clear_assignee();
  EXPECT_THAT(list_as(Role::kAgent, filter),
              UnorderedElementsAreArray({mine_escalated.id(), theirs.id()}));
  (void)nobodys;
}

}  // namespace
}  // namespace sqms::complaints::it

namespace sqms::complaints::it {
namespace {

// A caller's history: found by phone in any spelling, through the keyed
// hash (the phone is in no index), across stations and shards.
TEST_F(ListTest, ACallersHistoryIsFoundByPhoneInAnySpelling) {
  const std::string tag = Unique("history");
  v1::SubmitComplaintRequest first = ValidSubmission(tag + "-a");
  v1::SubmitComplaintRequest second = ValidSubmission(tag + "-b");
  second.mutable_complainant()->set_phone(first.complainant().phone());
  second.mutable_location()->set_station(first.location().station() + "-other");
  second.set_content(second.content() + " (a second visit)");
  const v1::Complaint a = SubmitOk(stub(), first);
  const v1::Complaint b = SubmitOk(stub(), second);
  const v1::Complaint someone_else = SubmitOk(stub(), ValidSubmission(tag + "-c"));

  const std::string phone = first.complainant().phone();  // 139xxxxxxxx
  v1::ComplaintFilter filter;
  filter.set_complainant_phone("+86 " + phone.substr(0, 3) + "-" + phone.substr(3, 4) + "-" +
                               phone.substr(7));
  EXPECT_THAT(Ids(ListAll(filter, /*page_size=*/1)), UnorderedElementsAreArray({a.id(), b.id()}));
  (void)someone_else;

  v1::ListComplaintsRequest bad;
  bad.mutable_filter()->set_complainant_phone("no digits");
  v1::ListComplaintsResponse response;
  grpc::Status status = stub().ListComplaints(Ctx(Role::kAgent).get(), bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolationFields(status), ::testing::ElementsAre("filter.complainant_phone"));

  v1::WatchComplaintsRequest watch;
  watch.mutable_filter()->set_complainant_phone(phone);
  auto ctx = Ctx(Role::kSupervisor);
  auto reader = stub().WatchComplaints(ctx.get(), watch);
  ::sqms::events::v1::ComplaintEvent event;
  EXPECT_FALSE(reader->Read(&event));
  status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolationFields(status), ::testing::ElementsAre("filter.complainant_phone"));
}

}  // namespace
}  // namespace sqms::complaints::it

namespace sqms::complaints::it {
namespace {

// Seconds of the earliest deadline not met.
int64_t NextDueSeconds(const v1::Complaint& c) {
  int64_t next = INT64_MAX;
  for (const auto& d : c.sla().deadlines()) {
    if (!d.has_met_at()) next = std::min(next, d.due().seconds());
  }
  return next;
}

// The queue by next due time is the server's order, across shards and
// pages; a closed complaint has nothing due and is not in it.
TEST_F(ListTest, OrderByNextDueIsAQueueMostUrgentFirst) {
  const std::string station = Unique("DueStation");
  std::vector<v1::Complaint> submitted;
  for (v1::Level level : {v1::LEVEL_LOW, v1::LEVEL_HIGH, v1::LEVEL_MEDIUM, v1::LEVEL_LOW,
                          v1::LEVEL_HIGH}) {
    v1::SubmitComplaintRequest r = ValidSubmission("due");
    r.set_urgency(level);
    r.set_importance(level);
    r.mutable_location()->set_station(station);
    submitted.push_back(SubmitOk(stub(), r));
  }
  v1::ListComplaintsRequest request;
  request.mutable_filter()->set_station(station);
  request.set_order_by("next_due");
  request.set_page_size(2);
  std::vector<v1::Complaint> queue;
  for (int page = 0; page < 20; ++page) {
    v1::ListComplaintsResponse response;
    grpc::Status status = stub().ListComplaints(Ctx(Role::kAgent).get(), request, &response);
    ASSERT_TRUE(status.ok()) << StatusText(status);
    queue.insert(queue.end(), response.complaints().begin(), response.complaints().end());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  ASSERT_EQ(queue.size(), submitted.size());
  for (size_t i = 1; i < queue.size(); ++i) {
    EXPECT_LE(NextDueSeconds(queue[i - 1]), NextDueSeconds(queue[i])) << "position " << i;
  }
  EXPECT_LT(NextDueSeconds(queue.front()), NextDueSeconds(queue.back()))
      << "the priorities' SLAs differ, so the order is not the received one by chance";

  v1::ListComplaintsRequest bad;
  bad.set_order_by("priority");
  v1::ListComplaintsResponse response;
  grpc::Status status = stub().ListComplaints(Ctx(Role::kAgent).get(), bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolationFields(status), ::testing::ElementsAre("order_by"));
}

}  // namespace
}  // namespace sqms::complaints::it
