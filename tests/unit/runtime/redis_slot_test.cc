#include "libs/runtime/src/redis_slot.h"

#include "gtest/gtest.h"
#include "libs/runtime/src/redis_cluster_topology.h"

namespace sqms::runtime::internal {
namespace {

TEST(RedisKeySlotTest, MatchesRedis) {
  // Values from the Redis Cluster specification and CLUSTER KEYSLOT.
  EXPECT_EQ(RedisKeySlot("123456789"), 0x31C3);
  EXPECT_EQ(RedisKeySlot("somekey"), 11058);
  EXPECT_EQ(RedisKeySlot("hello"), 866);
  EXPECT_EQ(RedisKeySlot("foo{hello}"), 866);
}

TEST(RedisKeySlotTest, HashTagRules) {
  EXPECT_EQ(RedisKeySlot("sqms:{c3}:complaint:1"), RedisKeySlot("c3"));
  EXPECT_EQ(RedisKeySlot("{}x"), RedisKeySlot("{}x"));  // empty tag: the whole key
  EXPECT_NE(RedisKeySlot("{}x"), RedisKeySlot(""));
  EXPECT_EQ(RedisKeySlot("a{b}{c}"), RedisKeySlot("b"));  // the first tag only
  EXPECT_EQ(RedisKeySlot("a{b"), RedisKeySlot("a{b"));
}

TEST(RedisCommandSlotTest, FirstKeyOfEachKindOfCommand) {
  EXPECT_EQ(RedisCommandSlot({"GET", "hello"}), 866);
  EXPECT_EQ(RedisCommandSlot({"evalsha", "sha", "2", "hello", "x", "arg"}), 866);
  EXPECT_EQ(RedisCommandSlot({"EVAL", "return 1", "0"}), std::nullopt);
  EXPECT_EQ(RedisCommandSlot({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "hello", ">"}), 866);
  EXPECT_EQ(RedisCommandSlot({"PING"}), std::nullopt);
  EXPECT_EQ(RedisCommandSlot({"CLUSTER", "SLOTS"}), std::nullopt);
}

TEST(RedisKeysSlotTest, ScriptKeysMustShareASlot) {
  EXPECT_EQ(*RedisKeysSlot({"{a}1", "{a}2"}), RedisKeySlot("a"));
  EXPECT_EQ(*RedisKeysSlot({}), std::nullopt);
  auto crossed = RedisKeysSlot({"{a}1", "{b}2"});
  EXPECT_EQ(crossed.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ParseClusterErrorTest, RedirectsAndRefusals) {
  RedisReply moved{RedisReply::Type::kError, 0, "MOVED 3999 127.0.0.1:6381", {}};
  auto m = ParseClusterError(moved);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->kind, RedisClusterError::Kind::kMoved);
  EXPECT_EQ(m->slot, 3999);
  EXPECT_EQ(m->address, "127.0.0.1:6381");
  RedisReply ask{RedisReply::Type::kError, 0, "ASK 1 10.0.0.2:7000", {}};
  EXPECT_EQ(ParseClusterError(ask)->kind, RedisClusterError::Kind::kAsk);
  RedisReply again{RedisReply::Type::kError, 0, "TRYAGAIN Multiple keys request during rehashing", {}};
  EXPECT_EQ(ParseClusterError(again)->kind, RedisClusterError::Kind::kTryAgain);
  RedisReply down{RedisReply::Type::kError, 0, "CLUSTERDOWN The cluster is down", {}};
  EXPECT_EQ(ParseClusterError(down)->kind, RedisClusterError::Kind::kClusterDown);
  RedisReply cross{RedisReply::Type::kError, 0, "CROSSSLOT Keys in request don't hash", {}};
  EXPECT_FALSE(ParseClusterError(cross).has_value());
  RedisReply ok{RedisReply::Type::kString, 0, "MOVED 1 a:1", {}};
  EXPECT_FALSE(ParseClusterError(ok).has_value());
}

TEST(ParseClusterSlotsTest, RangesAndTheirPrimaries) {
  auto node = [](std::string host, int64_t port) {
    RedisReply n{RedisReply::Type::kArray, 0, "", {}};
    n.elements.push_back({RedisReply::Type::kString, 0, std::move(host), {}});
    n.elements.push_back({RedisReply::Type::kInteger, port, "", {}});
    return n;
  };
  auto range = [&](int64_t first, int64_t last, RedisReply primary) {
    RedisReply r{RedisReply::Type::kArray, 0, "", {}};
    r.elements.push_back({RedisReply::Type::kInteger, first, "", {}});
    r.elements.push_back({RedisReply::Type::kInteger, last, "", {}});
    r.elements.push_back(std::move(primary));
    r.elements.push_back(node("10.0.0.9", 7009));  // a replica
    return r;
  };
  RedisReply slots{RedisReply::Type::kArray, 0, "", {}};
  slots.elements.push_back(range(0, 5460, node("10.0.0.1", 7000)));
  slots.elements.push_back(range(5461, 16383, node("", 7001)));
  auto parsed = ParseClusterSlots(slots, "seed");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].primary, "10.0.0.1:7000");
  EXPECT_EQ((*parsed)[1].first, 5461);
  EXPECT_EQ((*parsed)[1].primary, "seed:7001");
  RedisReply error{RedisReply::Type::kError, 0, "ERR This instance has cluster support disabled", {}};
  EXPECT_EQ(ParseClusterSlots(error, "seed").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sqms::runtime::internal
