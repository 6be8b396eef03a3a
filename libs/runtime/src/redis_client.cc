#include "sqms/runtime/redis_client.h"

#include <atomic>
#include <future>
#include <utility>

#include "absl/strings/str_cat.h"
#include "redis_cluster_router.h"
#include "redis_pipeline.h"
#include "redis_slot.h"
#include "sqms/runtime/hmac.h"

namespace sqms::runtime {

absl::Status RedisErrorStatus(const RedisReply& reply, std::string_view context) {
  static constexpr std::string_view kRefusedBeforeAnyWrite[] = {
      "LOADING", "BUSY",    "MASTERDOWN", "NOREPLICAS", "READONLY",
      "OOM",     "MISCONF", "TRYAGAIN",   "CLUSTERDOWN"};
  const std::string_view code = std::string_view(reply.str).substr(0, reply.str.find(' '));
  const std::string message = absl::StrCat(std::string(context), ": redis: ", reply.str);
  for (std::string_view refused : kRefusedBeforeAnyWrite) {
    if (code == refused) return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

using Clock = std::chrono::steady_clock;

LuaScript::LuaScript(std::string source)
    : source_(std::make_shared<const std::string>(std::move(source))), sha1_(Sha1Hex(*source_)) {}

class RedisClient::Impl {
 public:
  Impl(RedisOptions options, RedisLatencyObserver observer)
      : command_timeout_(options.command_timeout), cluster_(options.mode == RedisMode::kCluster) {
    if (cluster_) {
      transport_ = std::make_unique<internal::RedisClusterRouter>(std::move(options),
                                                                  std::move(observer));
    } else {
      transport_ = std::make_unique<internal::RedisPipeline>(std::move(options),
                                                             std::move(observer));
    }
  }

  internal::RedisCommand Make(Argv argv, Callback done,
                              std::shared_ptr<const std::string> script = nullptr) {
    Clock::time_point now = Clock::now();
    internal::RedisCommand c;
    c.argv = std::move(argv);
    c.done = std::move(done);
    c.enqueued = now;
    c.deadline = now + command_timeout_;
    c.script = std::move(script);
    return c;
  }

  void Enqueue(internal::RedisCommand* commands, size_t n) { transport_->Enqueue(commands, n); }
  bool connected() const { return transport_->connected(); }
  bool cluster() const { return cluster_; }

 private:
  const std::chrono::milliseconds command_timeout_;
  const bool cluster_;
  std::unique_ptr<internal::RedisTransport> transport_;
};

RedisClient::RedisClient(RedisOptions options, RedisLatencyObserver observer)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(observer))) {}

RedisClient::~RedisClient() = default;

bool RedisClient::connected() const { return impl_->connected(); }

void RedisClient::CommandAsync(Argv argv, Callback done) {
  internal::RedisCommand c = impl_->Make(std::move(argv), std::move(done));
  impl_->Enqueue(&c, 1);
}

namespace {
// The waiter's side of a blocking call. The callback owns a reference, so
// nothing on the caller's stack is touched after the caller wakes up.
std::pair<RedisClient::Callback, std::future<absl::StatusOr<RedisReply>>> BlockingCallback() {
  auto promise = std::make_shared<std::promise<absl::StatusOr<RedisReply>>>();
  auto future = promise->get_future();
  return {[promise](absl::StatusOr<RedisReply> reply) { promise->set_value(std::move(reply)); },
          std::move(future)};
}
}  // namespace

absl::StatusOr<RedisReply> RedisClient::Command(Argv argv) {
  auto [callback, future] = BlockingCallback();
  CommandAsync(std::move(argv), std::move(callback));
  return future.get();
}

std::vector<absl::StatusOr<RedisReply>> RedisClient::Pipeline(std::vector<Argv> commands) {
  if (commands.empty()) return {};
  struct Shared {
    std::vector<absl::StatusOr<RedisReply>> results;
    std::atomic<size_t> left;
    std::promise<void> done;
  };
  auto shared = std::make_shared<Shared>();
  shared->results.resize(commands.size());
  shared->left = commands.size();
  std::future<void> done = shared->done.get_future();
  std::vector<internal::RedisCommand> pending;
  pending.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    pending.push_back(impl_->Make(std::move(commands[i]), [shared, i](absl::StatusOr<RedisReply> r) {
      shared->results[i] = std::move(r);
      if (shared->left.fetch_sub(1) == 1) shared->done.set_value();
    }));
  }
  impl_->Enqueue(pending.data(), pending.size());
  done.wait();
  return std::move(shared->results);
}

namespace {
RedisClient::Argv EvalArgv(const LuaScript& script, const std::vector<std::string>& keys,
                           const std::vector<std::string>& args) {
  RedisClient::Argv argv;
  argv.reserve(3 + keys.size() + args.size());
  argv.push_back("EVALSHA");
  argv.push_back(script.sha1());
  argv.push_back(std::to_string(keys.size()));
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}
}  // namespace

void RedisClient::EvalAsync(const LuaScript& script, const std::vector<std::string>& keys,
                            const std::vector<std::string>& args, Callback done) {
  if (impl_->cluster()) {
    // A script runs on one node: its keys must share a slot.
    if (auto slot = internal::RedisKeysSlot(keys); !slot.ok()) {
      done(slot.status());
      return;
    }
  }
  internal::RedisCommand c =
      impl_->Make(EvalArgv(script, keys, args), std::move(done), script.shared_source());
  impl_->Enqueue(&c, 1);
}

absl::StatusOr<RedisReply> RedisClient::Eval(const LuaScript& script,
                                             const std::vector<std::string>& keys,
                                             const std::vector<std::string>& args) {
  auto [callback, future] = BlockingCallback();
  EvalAsync(script, keys, args, std::move(callback));
  return future.get();
}

}  // namespace sqms::runtime
