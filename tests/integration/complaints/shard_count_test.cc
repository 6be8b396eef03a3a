// --shards against the data in Redis (adapters/shard_count_check.h): a
// replica started with fewer shards than the complaints were written with
// refuses to start, naming the flag and what Redis holds — also for data
// written before the count was stored — while more shards are allowed
// (ADR 0002) and become the count to keep.

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sqms/runtime/redis_client.h"
#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

// The shard a complaint id embeds: CMP-20261121-03K7Q2M9XW → 3.
int ShardOf(const std::string& id) { return std::stoi(id.substr(13, 2)); }

TEST(ShardCountTest, FewerShardsThanTheDataIsRefusedAndMoreAreAllowed) {
  StackOptions options;
  options.name = "shard-count";
  options.shards = 4;
  auto made = ComplaintsStack::Start(options);
  ASSERT_TRUE(made.ok()) << made.status();
  ComplaintsStack& stack = **made;
  std::string high;  // a complaint of shard 2 or 3
  for (int i = 0; i < 40 && high.empty(); ++i) {
    v1::SubmitComplaintRequest request = ValidSubmission(absl::StrCat("shards-", i));
    request.mutable_complainant()->set_phone(absl::StrCat("1380013", 1000 + i));
    const v1::Complaint c = SubmitOk(*stack.Complaints(), request);
    if (ShardOf(c.id()) >= 2) high = c.id();
  }
  ASSERT_FALSE(high.empty()) << "no complaint landed in shard 2 or 3";
  stack.StopService();
  auto start_with = [&](int shards) {
    stack.set_shards(shards);
    return stack.StartService();
  };
  int starts = 1;
  auto last_log = [&] {
    return testing::ReadFile(absl::StrCat(stack.dir(), "/service-", starts++, ".log"));
  };

  EXPECT_FALSE(start_with(2).ok());
  std::string log = last_log();
  EXPECT_TRUE(absl::StrContains(log,
                                "config: --shards (SQMS_SHARDS): 2, but the complaints in "
                                "Redis were written with 4 shards"))
      << log;

  // Data from before the count was stored: found by its keys.
  runtime::RedisOptions redis_options;
  redis_options.port = stack.redis().port();
  runtime::RedisClient redis(redis_options);
  ASSERT_TRUE(redis.Command({"DEL", "sqms:shards"}).ok());
  EXPECT_FALSE(start_with(2).ok());
  log = last_log();
  EXPECT_TRUE(
      absl::StrContains(log, "--shards (SQMS_SHARDS): 2, but Redis holds complaints of shard"))
      << log;

  ASSERT_TRUE(start_with(6).ok()) << "more shards are allowed";
  ++starts;
  v1::GetComplaintRequest get;
  get.set_id(high);
  v1::Complaint got;
  grpc::Status status = stack.Complaints()->GetComplaint(Ctx(Role::kAgent).get(), get, &got);
  EXPECT_TRUE(status.ok()) << StatusText(status);
  stack.StopService();

  EXPECT_FALSE(start_with(4).ok()) << "6 is the count now";
  log = last_log();
  EXPECT_TRUE(absl::StrContains(log, "4, but the complaints in Redis were written with 6 shards"))
      << log;
}

}  // namespace
}  // namespace sqms::complaints::it
