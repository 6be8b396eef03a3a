#include "redis_pipeline.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "redis_connection.h"
#include "sqms/runtime/log.h"

namespace sqms::runtime::internal {
namespace {

using Clock = RedisClock;

bool IsNoScript(const absl::StatusOr<RedisReply>& reply) {
  return reply.ok() && reply->type == RedisReply::Type::kError &&
         absl::StartsWith(reply->str, "NOSCRIPT");
}

// The outcome of a command that went out and got no reply: it may have run.
absl::Status UnknownOutcome(const absl::Status& cause) {
  return absl::DeadlineExceededError(
      absl::StrCat(cause.message(), " (no reply: the command may have run)"));
}

}  // namespace

class RedisPipeline::Impl {
 public:
  Impl(RedisOptions options, RedisLatencyObserver observer, RedisInterceptor* interceptor)
      : options_(std::move(options)),
        observer_(std::move(observer)),
        interceptor_(interceptor),
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
  void Enqueue(RedisCommand* commands, size_t n) {
    {
      absl::MutexLock lock(&mu_);
      if (!stopping_) {
        for (size_t i = 0; i < n; ++i) queue_.push_back(std::move(commands[i]));
        return;
      }
    }
    const absl::Status shut_down = absl::UnavailableError("redis: client shut down");
    for (size_t i = 0; i < n; ++i) Finish(commands[i], shut_down);
  }

  bool connected() const { return connected_.load(std::memory_order_relaxed); }
  const RedisOptions& options() const { return options_; }

 private:
  void Run();
  absl::Status Serve(RedisConnection& connection);
  void Backoff(Clock::duration wait);
  bool TakeBatch();
  absl::Status SendBatch(RedisConnection& connection);
  absl::Status ReadReplies(RedisConnection& connection);
  void FailAll(const absl::Status& status);
  void FailQueued(const absl::Status& status) ABSL_LOCKS_EXCLUDED(mu_);
  void Complete(RedisCommand& c, absl::StatusOr<RedisReply> reply);
  void Finish(RedisCommand& c, absl::StatusOr<RedisReply> outcome);

  const RedisOptions options_;
  const RedisLatencyObserver observer_;
  RedisInterceptor* const interceptor_;
  std::atomic<bool> connected_{false};

  absl::Mutex mu_;
  std::deque<RedisCommand> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  // I/O thread only; reused so a steady state allocates nothing per batch.
  std::vector<RedisCommand> batch_;
  std::vector<RedisCommand> retry_;
  std::thread io_thread_;  // last: starts after everything above exists
};

void RedisPipeline::Impl::Run() {
  Clock::duration backoff = options_.reconnect_backoff_min;
  const std::string address = absl::StrCat(options_.host, ":", options_.port);
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
    }
    auto connection = RedisConnection::Connect(options_);
    if (!connection.ok()) {
      if (backoff == options_.reconnect_backoff_min) {  // first of a streak
        log::Warn("redis: cannot connect", {{"address", address},
                                            {"error", std::string(connection.status().message())}});
      }
      FailAll(absl::UnavailableError(
          absl::StrCat("redis: not connected (", connection.status().message(), ")")));
      Backoff(backoff);
      backoff = std::min<Clock::duration>(backoff * 2, options_.reconnect_backoff_max);
      continue;
    }
    backoff = options_.reconnect_backoff_min;
    connected_.store(true, std::memory_order_relaxed);
    absl::Status status = Serve(**connection);
    connected_.store(false, std::memory_order_relaxed);
    if (absl::IsCancelled(status)) break;  // shutdown
    log::Warn("redis: connection lost", {{"address", address},
                                         {"error", std::string(status.message())}});
    // What was sent was answered (DEADLINE_EXCEEDED) by ReadReplies; what was
    // not — a batch found a dead connection, NOSCRIPT re-sends, the queue —
    // waits for the next connection (within its deadline) instead of failing
    // callers while Redis may be back at once; if it is not, the failed
    // connect fails it as "not connected".
  }
  FailAll(absl::UnavailableError("redis: client shut down"));
}

// Sends batches until the connection breaks (UNAVAILABLE), is found closed
// before a batch was sent (ABORTED), or shutdown (CANCELLED).
absl::Status RedisPipeline::Impl::Serve(RedisConnection& connection) {
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
void RedisPipeline::Impl::Backoff(Clock::duration wait) {
  absl::Time until = absl::Now() + absl::FromChrono(wait);
  const absl::Status unavailable = absl::UnavailableError("redis: not connected");
  for (;;) {
    std::deque<RedisCommand> failed;
    {
      absl::MutexLock lock(&mu_);
      auto wake = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_ || !queue_.empty(); };
      mu_.AwaitWithDeadline(absl::Condition(&wake), until);
      if (stopping_ || queue_.empty()) return;
      failed.swap(queue_);
    }
    for (RedisCommand& c : failed) Finish(c, unavailable);
  }
}

// Moves up to max_pipeline queued commands into batch_. Blocks until there is
// work; false on shutdown.
bool RedisPipeline::Impl::TakeBatch() {
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

absl::Status RedisPipeline::Impl::SendBatch(RedisConnection& connection) {
  // Load shedding: what expired while queued is failed without being sent.
  Clock::time_point now = Clock::now();
  size_t live = 0;
  for (size_t i = 0; i < batch_.size(); ++i) {
    if (batch_[i].deadline <= now) {
      Finish(batch_[i], absl::UnavailableError("redis: deadline exceeded before sending"));
    } else {
      if (live != i) batch_[live] = std::move(batch_[i]);
      ++live;
    }
  }
  batch_.resize(live);
  for (const RedisCommand& c : batch_) {
    // An ASK redirect: ASKING and the command must follow each other.
    if (c.asking) {
      if (absl::Status s = connection.Append({"ASKING"}); !s.ok()) return s;
    }
    if (absl::Status s = connection.Append(c.argv); !s.ok()) return s;
  }
  return ReadReplies(connection);
}

absl::Status RedisPipeline::Impl::ReadReplies(RedisConnection& connection) {
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
    absl::StatusOr<RedisReply> reply =
        batch_[i].asking ? connection.GetReply(left) : absl::StatusOr<RedisReply>(RedisReply{});
    if (reply.ok()) reply = connection.GetReply(left);  // the ASKING reply is dropped
    if (!reply.ok()) {
      // Everything from here on was written (or may have been): its outcome
      // is unknown, so it is not re-sent on the next connection.
      const absl::Status unknown = UnknownOutcome(reply.status());
      for (size_t j = i; j < batch_.size(); ++j) Finish(batch_[j], unknown);
      batch_.clear();
      return reply.status();
    }
    Complete(batch_[i], std::move(reply));
  }
  batch_.clear();
  return absl::OkStatus();
}

void RedisPipeline::Impl::Complete(RedisCommand& c, absl::StatusOr<RedisReply> reply) {
  if (c.script != nullptr && IsNoScript(reply)) {
    // This node lost its script cache (restart, failover, SCRIPT FLUSH) or
    // never had it (another cluster node): the same command again as EVAL,
    // ahead of the next batch (after ASKING again if it was asked for).
    c.argv[0] = "EVAL";
    c.argv[1] = *c.script;
    c.script = nullptr;
    retry_.push_back(std::move(c));
    return;
  }
  const Clock::time_point now = Clock::now();
  if (observer_) observer_(now - c.enqueued);
  if (now > c.deadline &&
      !(interceptor_ != nullptr && c.routed && reply.ok() && reply->type == RedisReply::Type::kError)) {
    // A reply after the deadline: the caller has given up, and whatever it
    // did may stand. A late redirect (not executed) goes to the interceptor.
    reply = absl::DeadlineExceededError("redis: deadline exceeded (reply came late: the command ran)");
  }
  Finish(c, std::move(reply));
}

void RedisPipeline::Impl::Finish(RedisCommand& c, absl::StatusOr<RedisReply> outcome) {
  if (interceptor_ != nullptr && c.routed && interceptor_->Intercept(c, outcome)) return;
  c.done(std::move(outcome));
}

void RedisPipeline::Impl::FailAll(const absl::Status& status) {
  for (RedisCommand& c : batch_) Finish(c, status);
  batch_.clear();
  for (RedisCommand& c : retry_) Finish(c, status);
  retry_.clear();
  FailQueued(status);
}

void RedisPipeline::Impl::FailQueued(const absl::Status& status) {
  std::deque<RedisCommand> failed;
  {
    absl::MutexLock lock(&mu_);
    failed.swap(queue_);
  }
  for (RedisCommand& c : failed) Finish(c, status);
}

RedisPipeline::RedisPipeline(RedisOptions options, RedisLatencyObserver observer,
                             RedisInterceptor* interceptor)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(observer), interceptor)) {}

RedisPipeline::~RedisPipeline() = default;

void RedisPipeline::Enqueue(RedisCommand* commands, size_t n) { impl_->Enqueue(commands, n); }

bool RedisPipeline::connected() const { return impl_->connected(); }

const RedisOptions& RedisPipeline::options() const { return impl_->options(); }

}  // namespace sqms::runtime::internal
