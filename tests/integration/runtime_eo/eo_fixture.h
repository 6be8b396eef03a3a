#pragma once
// Shared by the exactly-once suite: a real redis-server and devkafka per
// test, a RedisClient on it, and readers of what the checkpoints stored.

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "gtest/gtest.h"
#include "sqms/runtime/redis_client.h"
#include "tests/support/support.h"

namespace sqms::runtime {

class EoTest : public ::testing::Test {
 protected:
  static constexpr char kPrefix[] = "{eo}";

  void SetUp() override {
    auto redis = testing::RedisServer::Start(testing::MakeTestDir("eo-redis"));
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_server_ = std::move(*redis);
    RedisOptions options;
    options.port = redis_server_->port();
    redis_ = std::make_unique<RedisClient>(options);
  }

  // HGETALL as a map; empty when the key is missing or Redis fails.
  std::map<std::string, std::string> HashOf(const std::string& key) {
    std::map<std::string, std::string> out;
    auto reply = redis_->Command({"HGETALL", key});
    if (!reply.ok()) return out;
    for (size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
      out[reply->elements[i].str] = reply->elements[i + 1].str;
    }
    return out;
  }

  std::map<std::string, int64_t> Counts() {
    std::map<std::string, int64_t> out;
    for (const auto& [key, value] : HashOf(std::string(kPrefix) + ":counts")) {
      int64_t n = 0;
      EXPECT_TRUE(absl::SimpleAtoi(value, &n)) << value;
      out[key] = n;
    }
    return out;
  }

  int64_t CountsTotal() {
    int64_t total = 0;
    for (const auto& [key, n] : Counts()) total += n;
    return total;
  }

  // Sum over partitions of the stored next offset: with every partition
  // starting at 0, the records the checkpoints cover.
  int64_t StoredOffsetsTotal() {
    int64_t total = 0;
    for (const auto& [field, value] : HashOf(std::string(kPrefix) + ":checkpoints")) {
      int64_t n = 0;
      if (absl::StartsWith(field, "o:") && absl::SimpleAtoi(value, &n)) total += n;
    }
    return total;
  }

  // Instances that claimed a partition last.
  std::set<std::string> Owners() {
    std::set<std::string> out;
    for (const auto& [field, value] : HashOf(std::string(kPrefix) + ":checkpoints")) {
      if (absl::StartsWith(field, "w:")) out.insert(value);
    }
    return out;
  }

  std::unique_ptr<testing::RedisServer> redis_server_;
  std::unique_ptr<RedisClient> redis_;
};

}  // namespace sqms::runtime
