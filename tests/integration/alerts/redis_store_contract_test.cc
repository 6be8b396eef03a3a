// RedisAlertStore keeps the AlertStore contract the in-memory fake keeps
// (tests/support/alerts/alert_store_contract.h), against a real Redis: one
// redis-server for the suite, flushed before each test.

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "services/alerts/adapters/redis_alert_store.h"
#include "tests/support/alerts/alert_store_contract.h"
#include "tests/support/alerts/contract_helpers.h"
#include "tests/support/support.h"

namespace sqms::alerts::testing {
namespace {

// The suite's redis-server, started at first use, killed at exit; null
// (and a recorded failure) when it would not start.
sqms::testing::RedisServer* Redis() {
  static const std::unique_ptr<sqms::testing::RedisServer> server = [] {
    auto started = sqms::testing::RedisServer::Start(
        sqms::testing::MakeTestDir("alerts-store-contract"));
    EXPECT_TRUE(started.ok()) << started.status();
    return started.ok() ? *std::move(started) : nullptr;
  }();
  return server.get();
}

// A store and the client it borrows; counts the relay wake-ups.
struct RedisStoreParts {
  explicit RedisStoreParts(const sqms::testing::RedisServer& server)
      : client(server.ClientOptions()), store(client, "sqms.incidents.v1", [this] { ++wakes; }) {}
  runtime::RedisClient client;
  adapters::RedisAlertStore store;
  int wakes = 0;
};

// A store on the flushed Redis, or null when there is no Redis.
std::shared_ptr<RedisStoreParts> NewRedisStore() {
  sqms::testing::RedisServer* redis = Redis();
  if (redis == nullptr) return nullptr;
  EXPECT_EQ(redis->Cli({"FLUSHALL"}), "OK\n");
  return std::make_shared<RedisStoreParts>(*redis);
}

INSTANTIATE_TEST_SUITE_P(Redis, AlertStoreContractTest,
                         ::testing::Values(AlertStoreFactory{
                             "Redis",
                             [] {
                               std::shared_ptr<RedisStoreParts> parts = NewRedisStore();
                               if (parts == nullptr) return std::shared_ptr<ports::AlertStore>();
                               // Aliasing: the store, owning the client with it.
                               return std::shared_ptr<ports::AlertStore>(parts, &parts->store);
                             }}),
                         AlertStoreFactoryName);

// Beyond the port: a written change's events go to the outbox for the relay
// (and wake it); a refused one queues nothing.
TEST(RedisAlertStoreTest, AWrittenChangeQueuesItsEventsAndWakesTheRelay) {
  std::shared_ptr<RedisStoreParts> parts = NewRedisStore();
  ASSERT_NE(parts, nullptr);
  ports::IncidentWrite create = CreateOf(SampleIncident("inc-a"));
  create.events = {ports::IncidentEventKind::kOpened};
  ASSERT_EQ(ValueOf(parts->store.Write(create)), ports::WriteOutcome::kWritten);
  ports::IncidentWrite again = CreateOf(SampleIncident("inc-a"));
  again.events = {ports::IncidentEventKind::kOpened};
  ASSERT_EQ(ValueOf(parts->store.Write(again)), ports::WriteOutcome::kConflict);

  EXPECT_EQ(Redis()->Cli({"XLEN", "{sqms:alerts}:outbox"}), "1\n");
  EXPECT_EQ(parts->wakes, 1);
}

// Beyond the port: a stored plan whose document does not decode is listed
// with its problem (the app keeps the config file's plan), never an error
// that would hide the others.
TEST(RedisAlertStoreTest, AnUndecodableStoredPlanIsListedWithItsProblem) {
  std::shared_ptr<RedisStoreParts> parts = NewRedisStore();
  ASSERT_NE(parts, nullptr);
  EXPECT_EQ(Redis()->Cli({"HSET", "{sqms:alerts}:plan:broken", "doc", "\xff\xff not a plan",
                          "version", "4", "seed", "s"}),
            "3\n");
  EXPECT_EQ(Redis()->Cli({"SADD", "{sqms:alerts}:plans", "broken"}), "1\n");
  std::vector<ports::StoredPlan> plans = ValueOf(parts->store.ListPlans());
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].id, "broken");
  EXPECT_EQ(plans[0].version, 4);
  EXPECT_EQ(plans[0].plan.id, "broken");
  EXPECT_FALSE(plans[0].problem.empty());
}

// Beyond the port: what a request id recorded lives 8 days, so a retry
// within them gets its first outcome, and its binding an hour longer, so
// no record outlives the binding it was read under (alert_keys.h).
TEST(RedisAlertStoreTest, ARequestIdsRecordsLive8DaysAndItsBindingAnHourLonger) {
  std::shared_ptr<RedisStoreParts> parts = NewRedisStore();
  ASSERT_NE(parts, nullptr);
  ASSERT_EQ(ValueOf(parts->store.BindRequest("req-1", "fp")), "fp");
  ASSERT_TRUE(parts->store.MarkSeen("alert-1", "answer").ok());
  ports::IncidentWrite command = CreateOf(SampleIncident("inc-1"));
  command.request_id = "req-1";
  ASSERT_EQ(ValueOf(parts->store.Write(command)), ports::WriteOutcome::kWritten);
  auto pttl_s = [](const std::string& key) {
    int64_t ms = 0;
    std::string reply = Redis()->Cli({"PTTL", key});
    EXPECT_TRUE(absl::SimpleAtoi(absl::StripTrailingAsciiWhitespace(reply), &ms)) << reply;
    return ms / 1000;
  };
  const int64_t day = 24 * 3600;
  EXPECT_GT(pttl_s("{sqms:alerts}:seen:alert-1"), 8 * day - 60);
  EXPECT_LE(pttl_s("{sqms:alerts}:seen:alert-1"), 8 * day);
  EXPECT_GT(pttl_s("{sqms:alerts}:seen:cmd|req-1"), 8 * day - 60);
  EXPECT_LE(pttl_s("{sqms:alerts}:seen:cmd|req-1"), 8 * day);
  EXPECT_GT(pttl_s("{sqms:alerts}:request:req-1"), 8 * day + 3600 - 60);
}

// Beyond the port: memory stays bounded by the window — the complaint ids
// beside a window (alert_keys.h) go with the members Count drops, both
// keys expire together, and members without an id store none.
TEST(RedisAlertStoreTest, AWindowsComplaintIdsLeaveWithItsMembers) {
  std::shared_ptr<RedisStoreParts> parts = NewRedisStore();
  ASSERT_NE(parts, nullptr);
  const absl::Duration within = absl::Minutes(10);
  ASSERT_EQ(ValueOf(parts->store.Count("w", "a", "c-a", kT0, within)), 1);
  ASSERT_EQ(ValueOf(parts->store.Count("w", "b", "c-b", kT0 + absl::Minutes(1), within)), 2);
  const std::string ids = "{sqms:alerts}:count-complaints:w";
  EXPECT_EQ(Redis()->Cli({"HLEN", ids}), "2\n");
  ASSERT_EQ(ValueOf(parts->store.Count("w", "c", "", kT0 + absl::Minutes(11), within)), 2);

  EXPECT_EQ(Redis()->Cli({"ZCARD", "{sqms:alerts}:count:w"}), "2\n");
  EXPECT_EQ(Redis()->Cli({"HKEYS", ids}), "b\n") << "a left the window; c has no id";
  for (const std::string& key : {std::string("{sqms:alerts}:count:w"), ids}) {
    int64_t ttl_ms = 0;
    std::string pttl = Redis()->Cli({"PTTL", key});
    ASSERT_TRUE(absl::SimpleAtoi(absl::StripTrailingAsciiWhitespace(pttl), &ttl_ms)) << pttl;
    EXPECT_GT(ttl_ms, 0) << key;
    EXPECT_LE(ttl_ms, absl::ToInt64Milliseconds(within)) << key;
  }
}

}  // namespace
}  // namespace sqms::alerts::testing
