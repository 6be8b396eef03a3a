// WatchComplaints: a watcher with a category filter receives the lifecycle
// events of matching complaints, in order, masked, and none of the others.

#include <atomic>
#include <mutex>
#include <thread>

#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

class WatchTest : public StackTest {
 protected:
  v1::Complaint Submit(v1::Category category, const std::string& station) {
    v1::SubmitComplaintRequest r = ValidSubmission("watch");
    r.set_category(category);
    r.mutable_location()->set_station(station);
    return SubmitOk(stub(), r, Role::kAgent);
  }
};

TEST_F(WatchTest, CategoryFilterDeliversMatchingEventsOnly) {
  const std::string station = Unique("WatchStation");
  v1::WatchComplaintsRequest request;
  request.mutable_filter()->add_categories(v1::CATEGORY_LUGGAGE);
  auto ctx = Ctx(Role::kAgent, absl::Seconds(60));
  auto reader = stub().WatchComplaints(ctx.get(), request);
  std::mutex mu;
  std::vector<ev::ComplaintEvent> received;
  std::thread t([&] {
    ev::ComplaintEvent e;
    while (reader->Read(&e)) {
      std::lock_guard<std::mutex> lock(mu);
      received.push_back(e);
    }
  });
  auto count_of = [&](const std::string& id, ev::ComplaintEventType type) {
    std::lock_guard<std::mutex> lock(mu);
    return std::count_if(received.begin(), received.end(), [&](const ev::ComplaintEvent& e) {
      return e.complaint().id() == id && (type == ev::COMPLAINT_EVENT_TYPE_UNSPECIFIED ||
                                          e.type() == type);
    });
  };

  // The watch registers asynchronously: warm up until one matching event arrives.
  std::string warm_id;
  bool warm = testing::Await(
      [&] {
        if (!warm_id.empty() && count_of(warm_id, ev::COMPLAINT_EVENT_TYPE_SUBMITTED) > 0) {
          return true;
        }
        warm_id = Submit(v1::CATEGORY_LUGGAGE, station).id();
        return false;
      },
      absl::Seconds(10), absl::Milliseconds(300));
  ASSERT_TRUE(warm) << "the watcher received nothing";

  v1::Complaint match = Submit(v1::CATEGORY_LUGGAGE, station);
  v1::Complaint other = Submit(v1::CATEGORY_HYGIENE, station);
  for (const v1::Complaint* c : {&match, &other}) {
    v1::AssignComplaintRequest assign;
    *assign.mutable_command() = Cmd(c->id());
    assign.set_department("luggage-services");
    v1::Complaint out;
    auto actx = Ctx(Role::kSupervisor);
    ASSERT_TRUE(stub().AssignComplaint(actx.get(), assign, &out).ok());
    auto nctx = Ctx(Role::kSupervisor);
    ASSERT_TRUE(stub().AddNote(nctx.get(), Cmd(c->id(), 0, "called the station"), &out).ok());
  }
  v1::Complaint marker = Submit(v1::CATEGORY_LUGGAGE, station);
  // Complaints land on different partitions and outbox shards, so the
  // marker may overtake the match's last event: await both.
  EXPECT_TRUE(testing::Await(
      [&] {
        return count_of(marker.id(), ev::COMPLAINT_EVENT_TYPE_SUBMITTED) > 0 &&
               count_of(match.id(), ev::COMPLAINT_EVENT_TYPE_NOTE_ADDED) > 0;
      },
      absl::Seconds(10)));
  ctx->TryCancel();
  t.join();
  reader->Finish();

  std::vector<ev::ComplaintEventType> types;
  for (const auto& e : received) {
    EXPECT_EQ(e.complaint().category(), v1::CATEGORY_LUGGAGE) << e.complaint().id();
    EXPECT_TRUE(e.complaint().complainant().phone().empty() ||
                e.complaint().complainant().phone().find('*') != std::string::npos)
        << "watch events are masked";
    if (e.complaint().id() == match.id()) types.push_back(e.type());
  }
  EXPECT_THAT(types, ::testing::ElementsAre(ev::COMPLAINT_EVENT_TYPE_SUBMITTED,
                                            ev::COMPLAINT_EVENT_TYPE_ASSIGNED,
                                            ev::COMPLAINT_EVENT_TYPE_NOTE_ADDED));
  EXPECT_EQ(count_of(other.id(), ev::COMPLAINT_EVENT_TYPE_UNSPECIFIED), 0);
}

// A rolling deploy: SIGTERM ends an open watch at once with UNAVAILABLE,
// the code a client retries on (reaching another replica), instead of
// holding it until the drain deadline cancels it.
TEST_F(WatchTest, ShutdownEndsTheStreamWithUnavailable) {
  auto ctx = Ctx(Role::kAgent, absl::Seconds(60));
  auto reader = stub().WatchComplaints(ctx.get(), v1::WatchComplaintsRequest());
  std::atomic<int> received{0};
  std::thread t([&] {
    ev::ComplaintEvent e;
    while (reader->Read(&e)) ++received;
  });
  // The watch registers asynchronously: submit until it sees one.
  ASSERT_TRUE(testing::Await(
      [&] {
        Submit(v1::CATEGORY_LUGGAGE, Unique("WatchStation"));
        return received.load() > 0;
      },
      absl::Seconds(10), absl::Milliseconds(300)));
  EXPECT_EQ(stack().StopService(), 0) << "SIGTERM with an open watch";
  t.join();
  const grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << testing::StatusText(status);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("shutting down"));
}

}  // namespace
}  // namespace sqms::complaints::it
