#include "services/complaints/adapters/kafka_watch_hub.h"

#include <gtest/gtest.h>

#include <deque>
#include <memory>

namespace sqms::complaints::adapters {
namespace {

namespace pb = ::sqms::complaints::v1;
namespace ev = ::sqms::events::v1;

ComplaintEventPtr Event(pb::Status status, const std::string& station, bool breached = false) {
  auto event = std::make_shared<ev::ComplaintEvent>();
  pb::Complaint* c = event->mutable_complaint();
  c->set_status(status);
  c->set_category(pb::CATEGORY_SAFETY);
  c->set_priority(pb::PRIORITY_P1);
  c->set_channel(pb::CHANNEL_HOTLINE);
  c->set_department("safety");
  c->mutable_location()->set_station(station);
  c->mutable_received_at()->set_seconds(1000);
  c->mutable_sla()->add_deadlines()->set_breached(breached);
  return event;
}

// Bounded, drop-oldest like runtime::FanOutWriteReactor.
class QueueSink : public WatchSink {
 public:
  explicit QueueSink(size_t capacity) : capacity_(capacity) {}
  int Push(const ComplaintEventPtr& event) override {
    queue.push_back(event);
    int dropped = 0;
    for (; queue.size() > capacity_; ++dropped) queue.pop_front();
    return dropped;
  }
  std::deque<ComplaintEventPtr> queue;

 private:
  size_t capacity_;
};

TEST(WatchHubTest, FilterCriteria) {
  const ComplaintEventPtr e = Event(pb::STATUS_ASSIGNED, "Beijing South");
  pb::ComplaintFilter f;
  EXPECT_TRUE(MatchesFilter(f, *e));
  f.add_statuses(pb::STATUS_CLOSED);
  EXPECT_FALSE(MatchesFilter(f, *e));
  f.add_statuses(pb::STATUS_ASSIGNED);
  EXPECT_TRUE(MatchesFilter(f, *e));
  f.set_station("Shanghai");
  EXPECT_FALSE(MatchesFilter(f, *e));
  f.set_station("Beijing South");
  f.set_channel(pb::CHANNEL_HOTLINE);
  f.add_priorities(pb::PRIORITY_P1);
  f.add_categories(pb::CATEGORY_SAFETY);
  f.set_department("safety");
  EXPECT_TRUE(MatchesFilter(f, *e));
  f.mutable_created_after()->set_seconds(1000);
  f.mutable_created_before()->set_seconds(1001);
  EXPECT_TRUE(MatchesFilter(f, *e));
  f.mutable_created_before()->set_seconds(1000);  // exclusive
  EXPECT_FALSE(MatchesFilter(f, *e));
  f.clear_created_before();
  f.set_sla_breached_only(true);
  EXPECT_FALSE(MatchesFilter(f, *e));
  EXPECT_TRUE(MatchesFilter(f, *Event(pb::STATUS_ASSIGNED, "Beijing South", true)));
}

TEST(WatchHubTest, FansOutToMatchingSubscribersAndCountsDrops) {
  WatchHub hub;
  QueueSink all(2), closed(10);
  pb::ComplaintFilter only_closed;
  only_closed.add_statuses(pb::STATUS_CLOSED);
  const uint64_t a = hub.Subscribe({}, all);  // no filter: everything
  hub.Subscribe(WatchFilter(only_closed), closed);
  EXPECT_EQ(hub.subscribers(), 2);

  hub.Publish(Event(pb::STATUS_RECEIVED, "x"));
  hub.Publish(Event(pb::STATUS_CLOSED, "y"));
  hub.Publish(Event(pb::STATUS_CLOSED, "z"));
  ASSERT_EQ(all.queue.size(), 2u);
  EXPECT_EQ(all.queue.front()->complaint().location().station(), "y");  // oldest dropped
  EXPECT_EQ(closed.queue.size(), 2u);
  EXPECT_EQ(hub.dropped_total(), 1u);

  hub.Unsubscribe(a);
  hub.Publish(Event(pb::STATUS_CLOSED, "w"));
  EXPECT_EQ(all.queue.back()->complaint().location().station(), "z");
  EXPECT_EQ(closed.queue.size(), 3u);
}

}  // namespace
}  // namespace sqms::complaints::adapters
