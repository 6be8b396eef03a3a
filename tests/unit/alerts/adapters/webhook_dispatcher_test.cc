// WebhookDispatcher on InMemoryAlertStore and a FakeClock, sending to a
// webhook receiver on a loopback port (bound to port 0). Target "sink" has
// rate_per_minute 6: a bucket of one token, the next free 10 s later.

#include "services/alerts/adapters/webhook_dispatcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "prometheus/registry.h"
#include "sqms/runtime/http/http_client.h"
#include "sqms/runtime/http/http_server.h"
#include "tests/support/support.h"
#include "tests/unit/alerts/app/alerts_app_fixture.h"

namespace sqms::alerts::adapters {
namespace {

using app::testing::AlertsAppTest;
using app::testing::kT0;

// A webhook receiver counting the POSTs to /hook; started before the
// fixture's catalog is built (it needs the port).
class Receiver {
 protected:
  Receiver() : server_(Options()) {
    server_.Handle("POST", "/hook", [this](const runtime::HttpServerRequest&) {
      ++received_;
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_.load()));
      runtime::HttpServerResponse response;
      response.status = answer_.load();
      response.content_type = "application/json";
      response.body = "{}";
      return response;
    });
    EXPECT_TRUE(server_.Start().ok());
  }
  std::string Url() const { return absl::StrCat("http://127.0.0.1:", server_.port(), "/hook"); }

  std::atomic<int> received_{0};
  std::atomic<int> answer_{200};  // the HTTP status the receiver answers
  std::atomic<int> delay_ms_{0};  // before it answers

 private:
  static runtime::HttpServerOptions Options() {
    runtime::HttpServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    return o;
  }
  runtime::HttpServer server_;
};

app::CatalogData WithSink(const std::string& url) {
  app::CatalogData c = app::testing::TestCatalog();
  notify::Target sink;
  sink.id = "sink";
  sink.url = url;
  sink.rate_per_minute = 6;
  c.targets = {sink};
  return c;
}

class WebhookDispatcherTest : protected Receiver, public AlertsAppTest {
 protected:
  WebhookDispatcherTest() : AlertsAppTest(WithSink(Url())) {}

  // An incident of plan "outage" at `station`: one page to "sink".
  std::string OpenOutage(const std::string& station) {
    app::Decision d = Decide(WithLabels(absl::StrCat("down-", station),
                                        {{"alertname", "SqmsDown"}, {"station", station}}, kT0));
    EXPECT_EQ(d.outcome, app::Outcome::kOpened);
    std::vector<ports::Delivery> pages = Deliveries(d.incident_id);
    EXPECT_EQ(pages.size(), 1u);
    return pages.empty() ? "" : pages[0].id;
  }
  // Opens an incident and sends its page, spending the sink's one token;
  // returns the page of a second incident, due at once.
  std::string SendOneAndOpenAnother() {
    const std::string first = OpenOutage("S1");
    const std::string second = OpenOutage("S2");
    EXPECT_TRUE(dispatcher_.OnTimer(absl::StrCat("dlv|", first)).ok());
    EXPECT_TRUE(
        sqms::testing::Await([&] { return Status(first) == "delivered"; }, absl::Seconds(10)));
    EXPECT_EQ(received_.load(), 1);
    return second;
  }
  std::string Status(const std::string& delivery_id) {
    auto d = store_.GetDelivery(delivery_id);
    return d.ok() && d->has_value() ? (*d)->status : "?";
  }

  // DurableTimers::Schedule as the dispatcher sees it: fails while
  // schedule_failures_ > 0 (a Redis blip), else records the move.
  absl::Status Reschedule(const std::string& timer_id, absl::Time due) {
    if (schedule_failures_ > 0) {
      --schedule_failures_;
      return absl::UnavailableError("redis: connection reset");
    }
    moved_[timer_id] = due;
    return absl::OkStatus();
  }

  int schedule_failures_ = 0;
  std::map<std::string, absl::Time> moved_;
  prometheus::Registry registry_;
  AlertMetrics metrics_{registry_, {"sink"}};
  runtime::HttpClient http_;
  WebhookDispatcher dispatcher_{
      store_,   catalog_,
      http_,    clock_,
      metrics_, [this](const std::string& id, absl::Time due) { return Reschedule(id, due); }};
};

// A graceful stop while a slow target still has a page on the wire: the
// dispatcher goes only once the answer is in and recorded, so the HTTP
// client's callback never finds it gone (a use-after-free under ASan).
TEST_F(WebhookDispatcherTest, ADispatcherDestroyedWithAPageOnTheWireRecordsItsResultFirst) {
  delay_ms_ = 1000;
  const std::string page = OpenOutage("S1");
  auto dispatcher = std::make_unique<WebhookDispatcher>(
      store_, catalog_, http_, clock_, metrics_,
      [](const std::string&, absl::Time) { return absl::OkStatus(); });
  ASSERT_TRUE(dispatcher->OnTimer(absl::StrCat("dlv|", page)).ok());
  ASSERT_TRUE(sqms::testing::Await([&] { return received_.load() == 1; }, absl::Seconds(10)));
  dispatcher.reset();
  EXPECT_EQ(Status(page), "delivered") << "recorded before the dispatcher went";
}

TEST_F(WebhookDispatcherTest, ADeliveryOverTheRateWaitsForTheNextToken) {
  const std::string second = SendOneAndOpenAnother();
  EXPECT_TRUE(dispatcher_.OnTimer(absl::StrCat("dlv|", second)).ok());
  EXPECT_THAT(moved_, ::testing::ElementsAre(
                          ::testing::Pair(absl::StrCat("dlv|", second), kT0 + absl::Seconds(10))));
  EXPECT_EQ(received_.load(), 1);
  EXPECT_EQ(Status(second), "pending");
}

// A target answering 429 (no Retry-After: a minute) is throttled: the page
// stays pending, and this replica sends the target nothing else until the
// minute is over (the bucket alone would have allowed the next in 10 s).
TEST_F(WebhookDispatcherTest, AThrottledTargetGetsNothingMoreUntilItsWaitIsOver) {
  answer_ = 429;
  const std::string first = OpenOutage("S1");
  const std::string second = OpenOutage("S2");
  ASSERT_TRUE(dispatcher_.OnTimer(absl::StrCat("dlv|", first)).ok());
  ASSERT_TRUE(sqms::testing::Await(
      [&] {
        auto d = store_.GetDelivery(first);
        return d.ok() && d->has_value() && (*d)->last_http_status == 429;
      },
      absl::Seconds(10)));
  EXPECT_EQ(Status(first), "pending");
  ASSERT_TRUE(dispatcher_.OnTimer(absl::StrCat("dlv|", second)).ok());
  EXPECT_THAT(moved_, ::testing::ElementsAre(
                          ::testing::Pair(absl::StrCat("dlv|", second), kT0 + absl::Minutes(1))));
  EXPECT_EQ(received_.load(), 1);
}

// Review finding 11: the move's error was dropped and OK returned, so the
// timers completed (deleted) the timer and the delivery stayed pending with
// none — never sent. The error makes the timers retry it instead.
TEST_F(WebhookDispatcherTest, ARateLimitedDeliveryWhoseTimerCannotBeMovedIsRetriedAndSent) {
  const std::string second = SendOneAndOpenAnother();
  schedule_failures_ = 1;
  absl::Status held = dispatcher_.OnTimer(absl::StrCat("dlv|", second));
  EXPECT_EQ(held.code(), absl::StatusCode::kUnavailable) << held;
  EXPECT_TRUE(moved_.empty());

  // The timers retry the timer (their backoff: a second later).
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(dispatcher_.OnTimer(absl::StrCat("dlv|", second)).ok());
  ASSERT_EQ(moved_.count(absl::StrCat("dlv|", second)), 1u);
  clock_.Set(moved_[absl::StrCat("dlv|", second)]);
  ASSERT_TRUE(dispatcher_.OnTimer(absl::StrCat("dlv|", second)).ok());
  EXPECT_TRUE(
      sqms::testing::Await([&] { return Status(second) == "delivered"; }, absl::Seconds(10)));
  EXPECT_EQ(received_.load(), 2);
}

}  // namespace
}  // namespace sqms::alerts::adapters

namespace sqms::alerts::testing {
// The store contract comes with the in-memory store's library; its suites
// run in unit_alerts_app and integration_alerts, not here.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(AlertStoreContractTest);
}  // namespace sqms::alerts::testing
