// RedisKeys: an idempotency key is located by itself (subject + key), in
// its own cluster slot, the same whatever the shard count, and never shows
// the subject or key in clear; request ids live in the complaint's slot; a
// contact's record lives in the slot of its events.
#include "services/complaints/adapters/redis_keys.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace sqms::complaints::adapters {
namespace {

TEST(RedisKeysTest, AnIdempotencyKeyDoesNotDependOnTheShardCount) {
  const RedisKeys four(4), eight(8), sixty_four(64);
  const std::string scope = "9:gateway-1order-42";
  EXPECT_EQ(four.Idempotency(scope), eight.Idempotency(scope));
  EXPECT_EQ(four.Idempotency(scope), sixty_four.Idempotency(scope));
  EXPECT_NE(four.Idempotency(scope), four.Idempotency("9:gateway-2order-42"));
}

TEST(RedisKeysTest, AnIdempotencyKeyHasItsOwnHashTagAndNoClearText) {
  const RedisKeys keys(4);
  const std::string key = keys.Idempotency("9:gateway-1order-42");
  EXPECT_EQ(key.rfind("sqms:{i:", 0), 0u) << key;
  EXPECT_NE(key.find("}:idem"), std::string::npos) << key;
  EXPECT_EQ(key.find("gateway"), std::string::npos) << key;
  EXPECT_EQ(key.find("order-42"), std::string::npos) << key;
  for (int shard = 0; shard < 4; ++shard) {
    EXPECT_EQ(key.find(absl::StrCat("{c", shard, "}")), std::string::npos);
  }
}

TEST(RedisKeysTest, RequestIdsLiveInTheComplaintsSlot) {
  const RedisKeys keys(4);
  const std::string id = keys.NewId(3, absl::FromUnixSeconds(1'780'000'000));
  EXPECT_EQ(keys.Requests(3, id), absl::StrCat("sqms:{c3}:requests:", id));
  EXPECT_EQ(keys.Complaint(3, id).substr(0, 10), keys.Requests(3, id).substr(0, 10));
}

TEST(RedisKeysTest, AContactsRecordSeenMarkersAndOutboxShareItsShard) {
  const RedisKeys keys(4);
  const int shard = keys.ShardOfSeed("call-7");
  const std::string tag = absl::StrCat("sqms:{c", shard, "}:");
  EXPECT_EQ(keys.Contact(shard, "call-7"), tag + "contact:call-7");
  EXPECT_EQ(keys.ContactSeen(shard, "e-1"), tag + "contact-seen:e-1");
  EXPECT_EQ(keys.Outbox(shard), tag + "outbox");
}

}  // namespace
}  // namespace sqms::complaints::adapters
