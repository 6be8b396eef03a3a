// FanOutHub / DropOldestQueue: filters, bounded drop-oldest queues and their
// drop counts, and Unsubscribe as a barrier against a Publish in progress.
#include "sqms/runtime/fan_out_hub.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "tests/support/support.h"

namespace sqms::runtime {
namespace {

using Hub = FanOutHub<std::string>;

Hub::EventPtr Ev(std::string text) { return std::make_shared<const std::string>(std::move(text)); }

// A subscriber with a bounded drop-oldest queue, as a watch stream keeps one.
class QueueSink : public Hub::Sink {
 public:
  explicit QueueSink(size_t capacity) : queue_(capacity) {}
  int Push(const Hub::EventPtr& event) override {
    absl::MutexLock lock(&mu_);
    return queue_.Push(event);
  }
  void Close() override { closes_.fetch_add(1); }
  int closes() const { return closes_.load(); }
  std::vector<std::string> Drain() {
    absl::MutexLock lock(&mu_);
    std::vector<std::string> out;
    while (auto event = queue_.Pop()) out.push_back(**event);
    return out;
  }

 private:
  absl::Mutex mu_;
  DropOldestQueue<Hub::EventPtr> queue_ ABSL_GUARDED_BY(mu_);
  std::atomic<int> closes_{0};
};

TEST(DropOldestQueueTest, KeepsTheNewestAndCountsWhatItDrops) {
  DropOldestQueue<int> queue(2);
  EXPECT_EQ(queue.Push(1), 0);
  EXPECT_EQ(queue.Push(2), 0);
  EXPECT_EQ(queue.Push(3), 1);
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue.Pop(), 2);
  EXPECT_EQ(queue.Pop(), 3);
  EXPECT_EQ(queue.Pop(), std::nullopt);
  EXPECT_EQ(DropOldestQueue<int>(0).capacity(), 1u);  // never unbounded by mistake
}

TEST(FanOutHubTest, FiltersAndDropsOldestPerSubscriberWithCounts) {
  Hub hub;
  QueueSink all(2), only_b(10);
  const uint64_t a = hub.Subscribe({}, all);  // no filter: everything
  const uint64_t b =
      hub.Subscribe([](const std::string& e) { return e.rfind("b", 0) == 0; }, only_b);
  EXPECT_EQ(hub.subscribers(), 2);

  for (const char* e : {"a1", "b1", "b2", "a2"}) hub.Publish(Ev(e));
  EXPECT_EQ(all.Drain(), (std::vector<std::string>{"b2", "a2"}));  // a1, b1 dropped
  EXPECT_EQ(only_b.Drain(), (std::vector<std::string>{"b1", "b2"}));
  EXPECT_EQ(hub.dropped(a), 2u);
  EXPECT_EQ(hub.dropped(b), 0u);
  EXPECT_EQ(hub.dropped_total(), 2u);

  hub.Unsubscribe(a);
  hub.Publish(Ev("b3"));
  EXPECT_TRUE(all.Drain().empty());
  EXPECT_EQ(only_b.Drain(), (std::vector<std::string>{"b3"}));
  EXPECT_EQ(hub.subscribers(), 1);
  EXPECT_EQ(hub.dropped_total(), 2u) << "a gone subscriber's drops stay counted";
}

// A sink whose Push blocks until released: Unsubscribe on another thread
// must wait for it, and once Unsubscribe returned the sink is never called.
class BlockingSink : public Hub::Sink {
 public:
  int Push(const Hub::EventPtr&) override {
    calls.fetch_add(1);
    in_push.Notify();
    release.WaitForNotification();
    return 0;
  }
  std::atomic<int> calls{0};
  absl::Notification in_push, release;
};

TEST(FanOutHubTest, UnsubscribeDuringPublishWaitsForThePushAndEndsDelivery) {
  Hub hub;
  auto sink = std::make_unique<BlockingSink>();
  const uint64_t id = hub.Subscribe({}, *sink);
  std::thread publisher([&] { hub.Publish(Ev("x")); });
  sink->in_push.WaitForNotification();

  std::atomic<bool> unsubscribed{false};
  std::thread unsubscriber([&] {
    hub.Unsubscribe(id);
    unsubscribed = true;
  });
  // Still inside Push: Unsubscribe cannot have returned.
  EXPECT_FALSE(sqms::testing::Await([&] { return unsubscribed.load(); }, absl::Milliseconds(200)));
  sink->release.Notify();
  unsubscriber.join();
  publisher.join();
  EXPECT_TRUE(unsubscribed.load());

  hub.Publish(Ev("y"));  // after Unsubscribe returned: never delivered
  EXPECT_EQ(sink->calls.load(), 1);
  sink.reset();          // and the sink may be destroyed
  hub.Publish(Ev("z"));
  EXPECT_EQ(hub.subscribers(), 0);
}

// A server starting to shut down closes its hub: every watch stream, and
// one that subscribes after, is told once, so it can end at once instead of
// at the drain deadline.
TEST(FanOutHubTest, CloseTellsEverySubscriberOnceAndEachLaterOneAtSubscribe) {
  Hub hub;
  QueueSink first(4), second(4), later(4);
  hub.Subscribe({}, first);
  const uint64_t gone = hub.Subscribe({}, second);
  hub.Publish(Ev("a"));
  hub.Unsubscribe(gone);
  EXPECT_EQ(first.closes(), 0);
  hub.Close();
  hub.Close();  // idempotent
  EXPECT_EQ(first.closes(), 1);
  EXPECT_EQ(second.closes(), 0) << "unsubscribed before";
  hub.Subscribe({}, later);
  EXPECT_EQ(later.closes(), 1) << "closed as it subscribes";
  EXPECT_EQ(first.Drain(), std::vector<std::string>{"a"}) << "what was queued stays";
}

}  // namespace
}  // namespace sqms::runtime
