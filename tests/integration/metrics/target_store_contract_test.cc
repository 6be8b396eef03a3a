// RedisTargetStore keeps the contract the in-memory fake keeps
// (tests/support/metrics/target_store_contract.h), against a real Redis.

#include "tests/support/metrics/target_store_contract.h"

#include <gtest/gtest.h>

#include "services/metrics/adapters/kpi_keys.h"
#include "services/metrics/adapters/redis_target_store.h"
#include "tests/support/support.h"

namespace sqms::metrics::it {
namespace {

TEST(RedisTargetStoreTest, KeepsTheTargetStoreContract) {
  auto redis = sqms::testing::RedisServer::Start(sqms::testing::MakeTestDir("metrics-target-store"));
  ASSERT_TRUE(redis.ok()) << redis.status();
  runtime::RedisOptions options;
  options.port = (*redis)->port();
  runtime::RedisClient client(options);
  int wakes = 0;
  adapters::RedisTargetStore store(client, "sqms.kpi.v1", [&] { ++wakes; });
  metrics::testing::ExpectTargetStoreContract(store);
  EXPECT_EQ(wakes, 1) << "the relay is woken for the one transition that queued an event";
  // The one event is in the outbox, for the relay.
  EXPECT_EQ((*redis)->Cli({"XLEN", "{sqms:metrics}:outbox"}), "1\n");
}

// A status stored before it recorded the window of its verdict reads with
// none: its next value is judged as a new window's (TargetMonitor).
TEST(RedisTargetStoreTest, ReadsAStatusStoredWithoutItsWindow) {
  auto redis = sqms::testing::RedisServer::Start(sqms::testing::MakeTestDir("metrics-target-old"));
  ASSERT_TRUE(redis.ok()) << redis.status();
  runtime::RedisOptions options;
  options.port = (*redis)->port();
  runtime::RedisClient client(options);
  adapters::RedisTargetStore store(client, "sqms.kpi.v1", [] {});
  const std::string target = "answer_rate/department/*/day";
  (*redis)->Cli({"HSET", adapters::TargetKey(target), "ticketing-center", "2|1|2026-12-01"});
  auto loaded = store.Load(target);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const ports::TargetStatus expected{domain::TargetState::kBreached, 1, "2026-12-01", ""};
  EXPECT_EQ(loaded->at("ticketing-center"), expected);
  // And it can be moved on from: the compare-and-set matches what is stored.
  const ports::TargetStatus next{domain::TargetState::kMet, 0, "2026-12-01", "2026-12-02"};
  auto moved = store.Transition(target, "ticketing-center", expected, next, {});
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_TRUE(*moved) << "a status stored by an older version must not be stuck";
  EXPECT_EQ(store.Load(target)->at("ticketing-center"), next);
}

}  // namespace
}  // namespace sqms::metrics::it
