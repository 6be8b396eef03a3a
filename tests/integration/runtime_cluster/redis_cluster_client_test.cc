// RedisClient in cluster mode against a real local Redis Cluster
// (tests/support/redis_cluster.h): routing, MOVED, ASK, and a
// primary failover under writes.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "libs/runtime/src/redis_slot.h"
#include "sqms/runtime/redis_client.h"
#include "tests/support/redis_cluster.h"

namespace sqms::runtime {
namespace {

using sqms::testing::Await;
using sqms::testing::RedisCluster;
using std::chrono::milliseconds;

int SlotOf(const std::string& key) { return internal::RedisKeySlot(key); }

class RedisClusterClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = RedisCluster::Start(sqms::testing::MakeTestDir("redis-cluster"));
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = std::move(*cluster);
  }

  RedisOptions Options() const {
    RedisOptions options;
    options.mode = RedisMode::kCluster;
    for (int port : cluster_->ports()) options.cluster_seeds.push_back({"127.0.0.1", port});
    options.command_timeout = milliseconds(2000);
    options.reconnect_backoff_min = milliseconds(20);
    options.reconnect_backoff_max = milliseconds(200);
    return options;
  }

  std::unique_ptr<RedisClient> Connected() {
    auto client = std::make_unique<RedisClient>(Options());
    EXPECT_TRUE(Await([&] { return client->connected(); }, absl::Seconds(10)));
    return client;
  }

  // A key (with hash tag {<tag>}) whose slot a primary other than `not_port`
  // owns, and that primary.
  std::string KeyOwnedBy(int port, const std::string& prefix) {
    for (int i = 0;; ++i) {
      std::string key = absl::StrCat(prefix, "{t", i, "}");
      auto owner = cluster_->OwnerOf(SlotOf(key));
      if (owner.ok() && *owner == port) return key;
    }
  }

  // The value of `key` read straight from the node on `port` (no redirects).
  std::string ReadOn(int port, const std::string& key) {
    auto reply = cluster_->Command(port, {"GET", key});
    return reply.ok() ? reply->str : reply.status().ToString();
  }

  int64_t CommandsProcessed(int port) {
    auto info = cluster_->Command(port, {"INFO", "stats"});
    if (!info.ok()) return -1;
    const std::string field = "total_commands_processed:";
    size_t at = info->str.find(field);
    return at == std::string::npos ? -1 : std::stoll(info->str.substr(at + field.size()));
  }

  std::unique_ptr<RedisCluster> cluster_;
};

TEST_F(RedisClusterClientTest, CommandsAndScriptsGoToTheOwnerOfTheirSlot) {
  auto client = Connected();
  const LuaScript script(
      "redis.call('SET', KEYS[1], ARGV[1]) redis.call('SET', KEYS[2], ARGV[1]) return ARGV[1]");
  for (int primary : cluster_->Primaries()) {
    SCOPED_TRACE(primary);
    const std::string key = KeyOwnedBy(primary, "plain");
    auto set = client->Command({"SET", key, "v"});
    ASSERT_TRUE(set.ok()) << set.status();
    EXPECT_EQ(set->str, "OK");
    EXPECT_EQ(ReadOn(primary, key), "v");  // not MOVED: it is there
    // A script (EVALSHA, NOSCRIPT → EVAL on this node) keyed in the same slot.
    const std::string tagged = key.substr(key.find('{')) + ":script";
    auto eval = client->Eval(script, {tagged + ":a", tagged + ":b"}, {"s"});
    ASSERT_TRUE(eval.ok()) << eval.status();
    EXPECT_EQ(eval->str, "s") << eval->str;
    EXPECT_EQ(ReadOn(primary, tagged + ":b"), "s");
  }
  // A pipeline spanning every node keeps its order.
  std::vector<RedisClient::Argv> commands;
  for (int i = 0; i < 30; ++i) commands.push_back({"INCRBY", absl::StrCat("n{", i, "}"), "7"});
  auto replies = client->Pipeline(commands);
  ASSERT_EQ(replies.size(), commands.size());
  for (const auto& r : replies) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->integer, 7);
  }
  EXPECT_EQ(client->Command({"PING"})->str, "PONG");  // keyless: any primary
}

TEST_F(RedisClusterClientTest, ScriptKeysInSeveralSlotsAreRejectedBeforeSending) {
  auto client = Connected();
  const LuaScript script("return 1");
  auto reply = client->Eval(script, {"{a}x", "{b}y"}, {});
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kInvalidArgument) << reply.status();
  EXPECT_TRUE(client->Eval(script, {"{a}x", "{a}y"}, {}).ok());
}

TEST_F(RedisClusterClientTest, MovedAfterAMigrationIsFollowedAndTheMapUpdated) {
  auto client = Connected();
  std::vector<int> primaries = cluster_->Primaries();
  ASSERT_EQ(primaries.size(), 3u);
  const std::string key = KeyOwnedBy(primaries[0], "moving");
  ASSERT_TRUE(client->Command({"SET", key, "before"}).ok());
  ASSERT_TRUE(cluster_->MigrateSlot(SlotOf(key), primaries[1]).ok());

  auto get = client->Command({"GET", key});  // MOVED, then the new owner
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(get->str, "before");
  ASSERT_TRUE(client->Command({"SET", key, "after"}).ok());
  EXPECT_EQ(ReadOn(primaries[1], key), "after");

  // The map was updated: the old owner no longer sees these commands.
  const int64_t before = CommandsProcessed(primaries[0]);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(client->Command({"GET", key}).ok());
  EXPECT_LT(CommandsProcessed(primaries[0]) - before, 10) << "still sent to the old owner";
}

TEST_F(RedisClusterClientTest, AskDuringAMigrationIsFollowed) {
  auto client = Connected();
  std::vector<int> primaries = cluster_->Primaries();
  const std::string key = KeyOwnedBy(primaries[0], "asked");
  const std::string tag = key.substr(key.find('{'));
  ASSERT_TRUE(client->Command({"SET", key, "v1"}).ok());
  const int slot = SlotOf(key);
  ASSERT_TRUE(cluster_->BeginMigration(slot, primaries[1]).ok());
  ASSERT_TRUE(cluster_->MigrateKeys(slot).ok());

  // The key now lives on the importing node: the owner answers ASK.
  auto get = client->Command({"GET", key});
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(get->str, "v1");
  // A new key of the slot is created on the importing node.
  ASSERT_TRUE(client->Command({"SET", tag + ":new", "v2"}).ok());
  ASSERT_TRUE(cluster_->Command(primaries[1], {"ASKING"}).ok());  // same connection as the GET
  EXPECT_EQ(ReadOn(primaries[1], tag + ":new"), "v2");
  // A script there: ASK, then NOSCRIPT on that node, then EVAL after ASKING.
  const LuaScript script("return redis.call('GET', KEYS[1])");
  auto eval = client->Eval(script, {key}, {});
  ASSERT_TRUE(eval.ok()) << eval.status();
  EXPECT_EQ(eval->str, "v1");

  ASSERT_TRUE(cluster_->FinishMigration(slot).ok());
  EXPECT_EQ(client->Command({"GET", tag + ":new"})->str, "v2");
}

TEST_F(RedisClusterClientTest, WritesContinueThroughAFailoverAndNoAcknowledgedWriteIsLost) {
  auto client = Connected();
  std::atomic<bool> stop{false};
  std::atomic<int> written_after_promotion{0};
  std::atomic<bool> promoted{false};
  absl::Mutex mu;
  std::vector<std::string> acked;
  std::thread writer([&] {
    for (int i = 0; !stop.load(); ++i) {
      const std::string key = absl::StrCat("w{", i % 97, "}:", i);
      auto reply = client->Command({"SET", key, std::to_string(i)});
      if (reply.ok() && reply->str == "OK") {
        absl::MutexLock lock(&mu);
        acked.push_back(key);
        if (promoted.load()) written_after_promotion.fetch_add(1);
      }
    }
  });
  ASSERT_TRUE(Await([&] { absl::MutexLock lock(&mu); return acked.size() > 200; },
                    absl::Seconds(10)));
  const int primary = cluster_->Primaries().front();
  auto replica = cluster_->Failover(primary);
  ASSERT_TRUE(replica.ok()) << replica.status();
  promoted = true;
  EXPECT_TRUE(Await([&] { return written_after_promotion.load() > 300; }, absl::Seconds(20)));
  stop = true;
  writer.join();

  absl::MutexLock lock(&mu);
  int missing = 0;
  for (const std::string& key : acked) {
    auto reply = client->Command({"GET", key});
    if (!reply.ok() || reply->IsNil()) ++missing;
  }
  EXPECT_EQ(missing, 0) << "of " << acked.size() << " acknowledged writes";
}

TEST_F(RedisClusterClientTest, WritesResumeAfterAPrimaryDiesAndItsReplicaIsPromoted) {
  auto client = Connected();
  const int primary = cluster_->Primaries().front();
  const std::string key = KeyOwnedBy(primary, "killed");
  ASSERT_TRUE(client->Command({"SET", key, "1"}).ok());
  auto replica = cluster_->KillPrimary(primary);
  ASSERT_TRUE(replica.ok()) << replica.status();
  absl::StatusOr<RedisReply> last;
  EXPECT_TRUE(Await(
      [&] {
        last = client->Command({"SET", key, "2"});
        return last.ok() && last->str == "OK";
      },
      absl::Seconds(15), absl::Milliseconds(100)))
      << (last.ok() ? last->str : last.status().ToString());
  EXPECT_EQ(ReadOn(*replica, key), "2");
}

}  // namespace
}  // namespace sqms::runtime
