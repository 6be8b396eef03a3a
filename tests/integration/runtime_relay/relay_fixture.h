#pragma once
// Shared by the relay suite: a real redis-server and devkafka per test, a
// RedisClient on it, outbox entries written as the services' scripts write
// them, relay_runner processes, and readers of what reached Kafka.

#include <signal.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sqms/runtime/outbox_lease.h"
#include "sqms/runtime/redis_client.h"
#include "tests/support/support.h"

namespace sqms::runtime {

class RelayTest : public ::testing::Test {
 protected:
  static constexpr char kTopic[] = "sqms.kpi.v1";           // 4 partitions in devkafka
  static constexpr char kDeadLetters[] = "sqms.kpi.v1.dlq";
  static constexpr char kPrefix[] = "rt";

  void SetUp() override {
    dir_ = testing::MakeTestDir("relay");
    auto redis = testing::RedisServer::Start(dir_);
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_server_ = std::move(*redis);
    auto kafka = testing::DevKafka::Start(dir_);
    ASSERT_TRUE(kafka.ok()) << kafka.status();
    kafka_ = std::move(*kafka);
    RedisOptions options;
    options.port = redis_server_->port();
    redis_ = std::make_unique<RedisClient>(options);
  }

  static std::string Stream(int shard) { return absl::StrCat("{", kPrefix, shard, "}:outbox"); }
  static std::string Lease(int shard) { return Stream(shard) + ":lease"; }
  static OutboxShardKeys Keys(int shard) { return {Stream(shard), Lease(shard)}; }

  // Appends events seq in [from, to) to shard 0's outbox: id "e<seq>", key
  // "k<seq % keys>", payload "<seq>".
  void Append(int from, int to, int keys = 5, int shard = 0) {
    std::vector<RedisClient::Argv> commands;
    for (int seq = from; seq < to; ++seq) {
      commands.push_back({"XADD", Stream(shard), "*", "topic", kTopic, "key",
                          absl::StrCat("k", seq % keys), "id", absl::StrCat("e", seq), "type",
                          "sqms.test.v1.counted", "time", "1700000000000", "payload",
                          std::to_string(seq)});
    }
    for (auto& reply : redis_->Pipeline(std::move(commands))) ASSERT_TRUE(reply.ok());
  }

  int64_t StreamLength(int shard = 0) {
    auto reply = redis_->Command({"XLEN", Stream(shard)});
    return reply.ok() ? reply->integer : -1;
  }

  std::string LeaseValue(int shard = 0) {
    auto reply = redis_->Command({"GET", Lease(shard)});
    return reply.ok() ? reply->str : "";
  }

  // A relay_runner on `shards` shards with a `lease_ms` lease.
  std::unique_ptr<testing::Process> StartRunner(const std::string& name, int lease_ms = 1000,
                                                int shards = 1) {
    auto process = testing::Process::Start(
        {testing::BuildPath("tests/relay_runner"), "--brokers", kafka_->bootstrap(),
         "--redis-port", std::to_string(redis_server_->port()), "--prefix", kPrefix, "--shards",
         std::to_string(shards), "--owner-prefix", name, "--lease-ms", std::to_string(lease_ms),
         "--dead-letter-topic", kDeadLetters},
        dir_ + "/" + name + ".log");
    EXPECT_TRUE(process.ok()) << process.status();
    return process.ok() ? std::move(*process) : nullptr;
  }

  static size_t CountInLog(const testing::Process& p, const std::string& what) {
    const std::string log = testing::ReadFile(p.log_path());
    size_t n = 0;
    for (size_t at = log.find(what); at != std::string::npos; at = log.find(what, at + 1)) ++n;
    return n;
  }

  // Event ids e<from>..e<to-1> absent from `records`.
  static std::vector<std::string> Missing(const std::vector<ConsumedRecord>& records, int from,
                                          int to) {
    std::set<std::string> seen;
    for (const auto& r : records) {
      if (auto id = r.Header("ce_id")) seen.insert(*id);
    }
    std::vector<std::string> missing;
    for (int seq = from; seq < to; ++seq) {
      if (!seen.count(absl::StrCat("e", seq))) missing.push_back(absl::StrCat("e", seq));
    }
    return missing;
  }

  // Calls of XRANGE Redis has served so far (the relay reads with it).
  int64_t XrangeCalls() {
    auto reply = redis_->Command({"INFO", "commandstats"});
    if (!reply.ok()) return -1;
    const std::string marker = "cmdstat_xrange:calls=";
    const size_t at = reply->str.find(marker);
    if (at == std::string::npos) return 0;
    return std::atoll(reply->str.c_str() + at + marker.size());
  }

  // Reads `topic` until every event id e<from>..e<to-1> was seen.
  std::vector<ConsumedRecord> ReadAll(testing::TopicReader& reader, int from, int to,
                                      absl::Duration timeout = absl::Seconds(60)) {
    return reader.ReadUntil(
        [&](const std::vector<ConsumedRecord>& records) {
          return Missing(records, from, to).empty();
        },
        timeout);
  }

  std::string dir_;
  std::unique_ptr<testing::RedisServer> redis_server_;
  std::unique_ptr<testing::DevKafka> kafka_;
  std::unique_ptr<RedisClient> redis_;
};

}  // namespace sqms::runtime
