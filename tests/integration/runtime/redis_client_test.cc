// RedisClient against a real redis-server (tests/support).

#include "sqms/runtime/redis_client.h"

#include <atomic>
#include <chrono>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/support.h"

namespace sqms::runtime {
namespace {

using std::chrono::milliseconds;

// Queues a script that keeps Redis busy for 1.5 s, stalling every command
// sent behind it on this connection.
void HoldRedis(RedisClient& client) {
  client.CommandAsync({"EVAL",
                       "local s = redis.call('TIME') repeat local t = redis.call('TIME') "
                       "until (t[1] - s[1]) * 1000000 + (t[2] - s[2]) > 1500000 return 1",
                       "0"},
                      [](absl::StatusOr<RedisReply>) {});
}
using Clock = std::chrono::steady_clock;
using sqms::testing::Await;

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = sqms::testing::RedisServer::Start(sqms::testing::MakeTestDir("redis-client"));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  RedisOptions Options() const {
    RedisOptions options;
    options.port = server_->port();
    options.command_timeout = milliseconds(500);
    options.reconnect_backoff_min = milliseconds(20);
    options.reconnect_backoff_max = milliseconds(200);
    return options;
  }

  // A client that has connected (commands before the first connect fail fast).
  std::unique_ptr<RedisClient> Connected(RedisOptions options, RedisLatencyObserver observer = {}) {
    auto client = std::make_unique<RedisClient>(std::move(options), std::move(observer));
    EXPECT_TRUE(Await([&] { return client->connected(); }, absl::Seconds(5)));
    return client;
  }

  std::unique_ptr<sqms::testing::RedisServer> server_;
};

TEST_F(RedisClientTest, CommandRepliesAreConverted) {
  auto client = Connected(Options());
  EXPECT_EQ(client->Command({"SET", "k", std::string("a\0b", 3)})->str, "OK");
  auto value = client->Command({"GET", "k"});
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(value->type, RedisReply::Type::kString);
  EXPECT_EQ(value->str, std::string("a\0b", 3));
  EXPECT_TRUE(client->Command({"GET", "missing"})->IsNil());
  EXPECT_EQ(client->Command({"INCRBY", "n", "41"})->integer, 41);
  ASSERT_TRUE(client->Command({"RPUSH", "l", "x", "y"}).ok());
  auto list = client->Command({"LRANGE", "l", "0", "-1"});
  ASSERT_EQ(list->type, RedisReply::Type::kArray);
  ASSERT_EQ(list->elements.size(), 2u);
  EXPECT_EQ(list->elements[1].str, "y");
  auto error = client->Command({"INCR", "k"});
  ASSERT_TRUE(error.ok());  // an error reply is a reply
  EXPECT_EQ(error->type, RedisReply::Type::kError);
}

TEST_F(RedisClientTest, ThousandConcurrentAsyncCommandsAnsweredInOrderPerCaller) {
  constexpr int kCallers = 10, kPerCaller = 100;
  std::atomic<int> observed{0};
  auto client = Connected(Options(), [&](std::chrono::nanoseconds) { observed.fetch_add(1); });
  std::latch done(kCallers * kPerCaller);
  std::vector<std::vector<int64_t>> replies(kCallers);  // each touched by the I/O thread only
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&, c] {
      for (int i = 0; i < kPerCaller; ++i) {
        client->CommandAsync({"INCR", "counter:" + std::to_string(c)},
                             [&, c](absl::StatusOr<RedisReply> reply) {
                               replies[c].push_back(reply.ok() ? reply->integer : -1);
                               done.count_down();
                             });
      }
    });
  }
  for (auto& t : callers) t.join();
  done.wait();
  for (int c = 0; c < kCallers; ++c) {
    ASSERT_EQ(replies[c].size(), static_cast<size_t>(kPerCaller));
    for (int i = 0; i < kPerCaller; ++i) ASSERT_EQ(replies[c][i], i + 1) << "caller " << c;
  }
  EXPECT_EQ(observed.load(), kCallers * kPerCaller);
}

TEST_F(RedisClientTest, PipelineKeepsOrder) {
  auto client = Connected(Options());
  std::vector<RedisClient::Argv> commands;
  for (int i = 0; i < 2000; ++i) commands.push_back({"RPUSH", "seq", std::to_string(i)});
  auto results = client->Pipeline(std::move(commands));
  ASSERT_EQ(results.size(), 2000u);
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(results[i]->integer, i + 1);
  EXPECT_EQ(client->Command({"LINDEX", "seq", "1999"})->str, "1999");
}

TEST_F(RedisClientTest, LuaEvalShaFallsBackToEvalAfterScriptFlush) {
  auto client = Connected(Options());
  LuaScript script("redis.call('SET', KEYS[1], ARGV[1]); return redis.call('GET', KEYS[1])");
  auto first = client->Eval(script, {"lua:k"}, {"v1"});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->str, "v1");  // never loaded: NOSCRIPT, then EVAL

  EXPECT_EQ(client->Command({"SCRIPT", "EXISTS", script.sha1()})->elements[0].integer, 1);
  EXPECT_EQ(client->Command({"SCRIPT", "FLUSH"})->str, "OK");
  EXPECT_EQ(client->Command({"SCRIPT", "EXISTS", script.sha1()})->elements[0].integer, 0);

  auto second = client->Eval(script, {"lua:k"}, {"v2"});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->type, RedisReply::Type::kString);
  EXPECT_EQ(second->str, "v2");
  // A script error is a reply, not a retry loop.
  LuaScript broken("return redis.call('NOPE')");
  auto error = client->Eval(broken, {}, {});
  ASSERT_TRUE(error.ok());
  EXPECT_EQ(error->type, RedisReply::Type::kError);
}

TEST_F(RedisClientTest, StoppedRedisFailsFastWithUnavailable) {
  auto client = Connected(Options());
  server_->Stop();
  Clock::time_point start = Clock::now();
  auto reply = client->Command({"GET", "k"});
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable) << reply.status();
  EXPECT_LT(Clock::now() - start, Options().command_timeout + milliseconds(300));
  ASSERT_TRUE(Await([&] { return !client->connected(); }, absl::Seconds(5)));
  // While disconnected: no waiting for a deadline at all.
  start = Clock::now();
  auto fast = client->Command({"GET", "k"});
  EXPECT_EQ(fast.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(fast.status().message().find("redis:"), std::string::npos);
  EXPECT_LT(Clock::now() - start, Options().command_timeout);
}

TEST_F(RedisClientTest, StalledRedisReturnsWithinTheDeadline) {
  auto client = Connected(Options());
  // A script that holds Redis for 1.5 s stalls the connection behind it.
  HoldRedis(*client);
  Clock::time_point start = Clock::now();
  auto reply = client->Command({"GET", "k"});
  Clock::duration took = Clock::now() - start;
  // Within the deadline either way: DEADLINE_EXCEEDED once sent (the
  // outcome is unknown, not a failure), UNAVAILABLE when the command never
  // left the queue before its deadline (a slow, e.g. sanitized, build).
  EXPECT_THAT(reply.status().code(), ::testing::AnyOf(absl::StatusCode::kDeadlineExceeded,
                                                      absl::StatusCode::kUnavailable))
      << reply.status();
  EXPECT_NE(reply.status().message().find("deadline exceeded"), std::string::npos);
  EXPECT_LT(took, Options().command_timeout + milliseconds(300));
  // And it recovers once Redis is responsive again.
  EXPECT_TRUE(Await([&] { return client->Command({"PING"}).ok(); }, absl::Seconds(10)));
}

TEST_F(RedisClientTest, AWriteAnsweredAfterItsDeadlineIsAnUnknownOutcomeNotAFailure) {
  auto client = Connected(Options());
  // A script holds Redis for 1.5 s; the write is sent behind it (on this
  // connection, or on the next once the stalled one is dropped).
  HoldRedis(*client);
  auto reply = client->Command({"SET", "late", "written"});
  // What "late" holds once Redis answers again ("" = nothing).
  auto stored_is = [&](const std::string& want) {
    return Await(
        [&] {
          auto got = client->Command({"GET", "late"});
          return got.ok() && (got->IsNil() ? std::string() : got->str) == want;
        },
        absl::Seconds(10));
  };
  if (reply.status().code() == absl::StatusCode::kDeadlineExceeded) {
    // Sent, answered late: it did run, so a caller must not read
    // DEADLINE_EXCEEDED as "failed" (and a retry must be idempotent).
    EXPECT_TRUE(stored_is("written"));
  } else {
    // A slow (e.g. sanitized) build may not send it before its deadline: then
    // it is UNAVAILABLE and must never run later.
    ASSERT_EQ(reply.status().code(), absl::StatusCode::kUnavailable) << reply.status();
    EXPECT_NE(reply.status().message().find("before sending"), std::string::npos);
    EXPECT_TRUE(stored_is(""));
  }
}

TEST_F(RedisClientTest, NotSentIsUnavailableAndSentIsDeadlineExceeded) {
  auto client = Connected(Options());
  server_->Stop();
  ASSERT_TRUE(Await([&] { return !client->Command({"PING"}).ok() && !client->connected(); },
                    absl::Seconds(5)));
  // Certainly not sent: safe to retry as is.
  EXPECT_EQ(client->Command({"SET", "k", "v"}).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(RedisClientTest, ReconnectsAfterRedisRestarts) {
  auto client = Connected(Options());
  ASSERT_TRUE(client->Command({"SET", "durable", "yes"}).ok());
  ASSERT_TRUE(server_->Restart().ok());
  ASSERT_TRUE(Await(
      [&] {
        auto reply = client->Command({"GET", "durable"});
        return reply.ok() && reply->str == "yes";
      },
      absl::Seconds(10)));
  EXPECT_TRUE(client->connected());
}

TEST_F(RedisClientTest, AuthenticatesWithPassword) {
  ASSERT_TRUE(Connected(Options())->Command({"CONFIG", "SET", "requirepass", "pw"}).ok());
  RedisOptions options = Options();
  options.password = "pw";
  EXPECT_EQ(Connected(options)->Command({"PING"})->str, "PONG");

  options.password = "wrong";
  RedisClient wrong(options);
  auto reply = wrong.Command({"PING"});
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(wrong.connected());
}

TEST_F(RedisClientTest, DestructionFailsQueuedCommands) {
  std::atomic<int> answered{0};
  {
    RedisClient client(Options());
    for (int i = 0; i < 100; ++i) {
      client.CommandAsync({"PING"}, [&](absl::StatusOr<RedisReply>) { answered.fetch_add(1); });
    }
  }
  EXPECT_EQ(answered.load(), 100);  // each exactly once, reply or UNAVAILABLE
}

}  // namespace
}  // namespace sqms::runtime
