#pragma once
// A real redis-server, clients, and DurableTimers whose handler records
// every call (id, when) — the shared set-up of the runtime_timers suite.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "sqms/runtime/durable_timers.h"
#include "sqms/runtime/redis_client.h"
#include "tests/support/metric_value.h"
#include "tests/support/support.h"

namespace sqms::runtime::testing {

// Every handler call, thread-safe; `fail` decides a call's answer.
class FireLog {
 public:
  std::function<absl::Status(const DueTimer&)> fail = [](const DueTimer&) {
    return absl::OkStatus();
  };

  absl::Status Record(const DueTimer& timer) {
    {
      absl::MutexLock lock(&mu_);
      calls_[timer.id].push_back(absl::Now());
    }
    return fail(timer);
  }
  int Calls(const std::string& id) const {
    absl::MutexLock lock(&mu_);
    auto it = calls_.find(id);
    return it == calls_.end() ? 0 : static_cast<int>(it->second.size());
  }
  absl::Time FirstCall(const std::string& id) const {
    absl::MutexLock lock(&mu_);
    return calls_.at(id).front();
  }
  std::map<std::string, std::vector<absl::Time>> calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, std::vector<absl::Time>> calls_ ABSL_GUARDED_BY(mu_);
};

class DurableTimersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = sqms::testing::RedisServer::Start(sqms::testing::MakeTestDir("timers"));
    ASSERT_TRUE(server.ok()) << server.status();
    redis_server_ = std::move(*server);
    probe_ = Client();
  }

  std::unique_ptr<RedisClient> Client() {
    RedisOptions options;
    options.port = redis_server_->port();
    options.command_timeout = std::chrono::milliseconds(500);
    options.reconnect_backoff_min = std::chrono::milliseconds(20);
    options.reconnect_backoff_max = std::chrono::milliseconds(200);
    auto client = std::make_unique<RedisClient>(options);
    EXPECT_TRUE(sqms::testing::Await([&] { return client->connected(); }, absl::Seconds(5)));
    return client;
  }

  DurableTimersOptions Options(prometheus::Registry* registry = nullptr) const {
    DurableTimersOptions options;
    options.shard_keys = {"test:{t0}:timers", "test:{t1}:timers", "test:{t2}:timers"};
    options.name = "test";
    options.claim_ttl = absl::Seconds(2);
    options.batch = 5;
    options.retry_initial = absl::Milliseconds(100);
    options.retry_max = absl::Milliseconds(400);
    options.metrics = registry;
    return options;
  }

  std::unique_ptr<DurableTimers> Timers(RedisClient& client, FireLog& log,
                                        DurableTimersOptions options) {
    return std::make_unique<DurableTimers>(
        client, std::move(options), [&log](const DueTimer& t) { return log.Record(t); });
  }

  // The member's score, or "" when absent ("?" when Redis failed).
  std::string Score(const std::string& key, const std::string& id) {
    auto reply = probe_->Command({"ZSCORE", key, id});
    return reply.ok() ? reply->str : "?";
  }
  // Members left in all shard sets (-1 when Redis failed).
  long long Left() {
    long long total = 0;
    for (const auto& key : Options().shard_keys) {
      auto reply = probe_->Command({"ZCARD", key});
      if (!reply.ok()) return -1;
      total += reply->integer;
    }
    return total;
  }

  std::unique_ptr<sqms::testing::RedisServer> redis_server_;
  std::unique_ptr<RedisClient> probe_;
};

using sqms::testing::MetricValue;  // tests/support/metric_value.h

}  // namespace sqms::runtime::testing
