#include "sqms/runtime/redis_client.h"

#include <atomic>
#include <deque>
#include <future>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "redis_connection.h"
#include "sqms/runtime/hmac.h"
#include "sqms/runtime/log.h"

namespace sqms::runtime {

using Clock = std::chrono::steady_clock;

LuaScript::LuaScript(std::string source)
    : source_(std::make_shared<const std::string>(std::move(source))), sha1_(Sha1Hex(*source_)) {}

namespace {

// One queued command. `script` is set for EVALSHA so the I/O thread can
// re-send it as EVAL on NOSCRIPT without a copy of the arguments.
struct Pending {
  RedisClient::Argv argv;
  RedisClient::Callback done;
  Clock::time_point enqueued;
  Clock::time_point deadline;
  std::shared_ptr<const std::string> script;
};

void Fail(Pending& p, const absl::Status& status) { p.done(status); }

bool IsNoScript(const absl::StatusOr<RedisReply>& reply) {
  return reply.ok() && reply->type == RedisReply::Type::kError &&
         absl::StartsWith(reply->str, "NOSCRIPT");
}

}  // namespace

class RedisClient::Impl {
 public:
  Impl(RedisOptions options, RedisLatencyObserver observer)
      : options_(std::move(options)),
        observer_(std::move(observer)),
        io_thread_([this] { Run(); }) {}

  ~Impl() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    io_thread_.join();
  }

  // Queues `commands` back to back (one lock, so they go out in order). After
  // shutdown (a callback queueing more while the client is destroyed) they
  // fail here, so every callback still runs exactly once.
  void Enqueue(Pending* commands, size_t n) {
    {
      absl::MutexLock lock(&mu_);
      if (!stopping_) {
        for (size_t i = 0; i < n; ++i) queue_.push_back(std::move(commands[i]));
        return;
      }
    }
    const absl::Status shut_down = absl::UnavailableError("redis: client shut down");
    for (size_t i = 0; i < n; ++i) Fail(commands[i], shut_down);
  }

  Pending Make(Argv argv, Callback done, std::shared_ptr<const std::string> script = nullptr) {
    Clock::time_point now = Clock::now();
    return Pending{std::move(argv), std::move(done), now, now + options_.command_timeout,
                   std::move(script)};
  }

  bool connected() const { return connected_.load(std::memory_order_relaxed); }

 private:
  void Run();
  absl::Status Serve(internal::RedisConnection& connection);
  void Backoff(Clock::duration wait);
  bool TakeBatch();
  absl::Status SendBatch(internal::RedisConnection& connection);
  void FailAll(const absl::Status& status);
  void FailQueued(const absl::Status& status) ABSL_LOCKS_EXCLUDED(mu_);
  void Complete(Pending& p, absl::StatusOr<RedisReply> reply);

  const RedisOptions options_;
  const RedisLatencyObserver observer_;
  std::atomic<bool> connected_{false};

  absl::Mutex mu_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  // I/O thread only; reused so a steady state allocates nothing per batch.
  std::vector<Pending> batch_;
  std::vector<Pending> retry_;
  std::thread io_thread_;  // last: starts after everything above exists
};

void RedisClient::Impl::Run() {
  Clock::duration backoff = options_.reconnect_backoff_min;
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
    }
    auto connection = internal::RedisConnection::Connect(options_);
    if (!connection.ok()) {
      if (backoff == options_.reconnect_backoff_min) {  // first of a streak
        log::Warn("redis: cannot connect", {{"error", std::string(connection.status().message())}});
      }
      FailAll(connection.status());
      Backoff(backoff);
      backoff = std::min<Clock::duration>(backoff * 2, options_.reconnect_backoff_max);
      continue;
    }
    backoff = options_.reconnect_backoff_min;
    connected_.store(true, std::memory_order_relaxed);
    absl::Status status = Serve(**connection);
    connected_.store(false, std::memory_order_relaxed);
    // Nothing of the batch was sent on a connection found dead: keep it for
    // the next one instead of failing callers while Redis may be back up.
    if (absl::IsCancelled(status)) break;  // shutdown
    log::Warn("redis: connection lost", {{"error", std::string(status.message())}});
    if (!absl::IsAborted(status)) FailAll(status);
  }
  FailAll(absl::UnavailableError("redis: client shut down"));
}

// Sends batches until the connection breaks (UNAVAILABLE), is found closed
// before a batch was sent (ABORTED), or shutdown (CANCELLED).
absl::Status RedisClient::Impl::Serve(internal::RedisConnection& connection) {
  for (;;) {
    if (!TakeBatch()) return absl::CancelledError();
    // Redis closes idle connections on restart; one poll() per batch finds
    // that before anything is written.
    if (!connection.Idle()) return absl::AbortedError("redis: connection closed");
    if (absl::Status s = SendBatch(connection); !s.ok()) return s;
  }
}

// Sleeps `wait` while disconnected, failing new commands as they arrive so
// callers never wait for a reconnect. Returns early on shutdown.
void RedisClient::Impl::Backoff(Clock::duration wait) {
  absl::Time until = absl::Now() + absl::FromChrono(wait);
  const absl::Status unavailable = absl::UnavailableError("redis: not connected");
  for (;;) {
    std::deque<Pending> failed;
    {
      absl::MutexLock lock(&mu_);
      auto wake = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_ || !queue_.empty(); };
      mu_.AwaitWithDeadline(absl::Condition(&wake), until);
      if (stopping_ || queue_.empty()) return;
      failed.swap(queue_);
    }
    for (Pending& p : failed) Fail(p, unavailable);
  }
}

// Moves up to max_pipeline queued commands into batch_, failing the expired
// ones. Blocks until there is work; false on shutdown.
bool RedisClient::Impl::TakeBatch() {
  if (!batch_.empty()) return true;  // carried over from a closed connection
  std::swap(batch_, retry_);         // NOSCRIPT re-sends go first
  while (batch_.empty()) {
    absl::MutexLock lock(&mu_);
    auto wake = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_ || !queue_.empty(); };
    mu_.Await(absl::Condition(&wake));
    if (stopping_) return false;
    size_t n = std::min(queue_.size(), static_cast<size_t>(std::max(1, options_.max_pipeline)));
    for (size_t i = 0; i < n; ++i) {
      batch_.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
  }
  return true;
}

absl::Status RedisClient::Impl::SendBatch(internal::RedisConnection& connection) {
  Clock::time_point now = Clock::now();
  size_t live = 0;
  for (size_t i = 0; i < batch_.size(); ++i) {
    if (batch_[i].deadline <= now) {
      Fail(batch_[i], absl::UnavailableError("redis: deadline exceeded"));
    } else {
      if (live != i) batch_[live] = std::move(batch_[i]);
      ++live;
    }
  }
  batch_.resize(live);
  for (const Pending& p : batch_) {
    if (absl::Status s = connection.Append(p.argv); !s.ok()) return s;
  }
  // The socket timeout (the longest wait for the next bytes) is the time
  // left to the batch's oldest command — commands are queued in deadline
  // order — so a stalled Redis cannot hold a caller much past its deadline;
  // but never under a quarter of the command timeout, or an overloaded client
  // whose oldest command is nearly expired would drop a healthy connection
  // and melt down. Set once per batch: most replies are already buffered, and
  // a per-reply value cost two setsockopt calls per reply.
  const auto left = std::max(
      batch_.empty() ? options_.command_timeout
                     : std::chrono::ceil<std::chrono::milliseconds>(batch_.front().deadline -
                                                                    Clock::now()),
      std::chrono::ceil<std::chrono::milliseconds>(options_.command_timeout / 4));
  for (size_t i = 0; i < batch_.size(); ++i) {
    absl::StatusOr<RedisReply> reply = connection.GetReply(left);
    if (!reply.ok()) {
      batch_.erase(batch_.begin(), batch_.begin() + static_cast<long>(i));
      return reply.status();
    }
    Complete(batch_[i], std::move(reply));
  }
  batch_.clear();
  return absl::OkStatus();
}

void RedisClient::Impl::Complete(Pending& p, absl::StatusOr<RedisReply> reply) {
  if (p.script != nullptr && IsNoScript(reply)) {
    // Redis lost its script cache (restart, failover, SCRIPT FLUSH): the
    // same command again as EVAL, ahead of the next batch.
    p.argv[0] = "EVAL";
    p.argv[1] = *p.script;
    p.script = nullptr;
    retry_.push_back(std::move(p));
    return;
  }
  Clock::time_point now = Clock::now();
  if (observer_) observer_(now - p.enqueued);
  if (now > p.deadline) reply = absl::UnavailableError("redis: deadline exceeded");
  p.done(std::move(reply));
}

void RedisClient::Impl::FailAll(const absl::Status& status) {
  for (Pending& p : batch_) Fail(p, status);
  batch_.clear();
  for (Pending& p : retry_) Fail(p, status);
  retry_.clear();
  FailQueued(status);
}

void RedisClient::Impl::FailQueued(const absl::Status& status) {
  std::deque<Pending> failed;
  {
    absl::MutexLock lock(&mu_);
    failed.swap(queue_);
  }
  for (Pending& p : failed) Fail(p, status);
}

RedisClient::RedisClient(RedisOptions options, RedisLatencyObserver observer)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(observer))) {}

RedisClient::~RedisClient() = default;

bool RedisClient::connected() const { return impl_->connected(); }

void RedisClient::CommandAsync(Argv argv, Callback done) {
  Pending p = impl_->Make(std::move(argv), std::move(done));
  impl_->Enqueue(&p, 1);
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
  std::vector<Pending> pending;
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
  Pending p = impl_->Make(EvalArgv(script, keys, args), std::move(done), script.shared_source());
  impl_->Enqueue(&p, 1);
}

absl::StatusOr<RedisReply> RedisClient::Eval(const LuaScript& script,
                                             const std::vector<std::string>& keys,
                                             const std::vector<std::string>& args) {
  auto [callback, future] = BlockingCallback();
  EvalAsync(script, keys, args, std::move(callback));
  return future.get();
}

}  // namespace sqms::runtime
