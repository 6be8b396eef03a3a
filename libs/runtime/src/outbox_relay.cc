#include "sqms/runtime/outbox_relay.h"

#include <utility>

#include "absl/time/time.h"
#include "outbox_relay_core.h"
#include "sqms/runtime/log.h"

namespace sqms::runtime {

absl::StatusOr<std::unique_ptr<OutboxRelay>> OutboxRelay::Create(RedisClient& redis,
                                                                  KafkaProducerFactory producers,
                                                                  OutboxRelayStats& stats,
                                                                  OutboxRelayOptions options) {
  if (options.shards < 1 || !options.shard_keys || !producers) {
    return absl::InvalidArgumentError("outbox relay: shards, shard_keys and a producer factory are required");
  }
  if (options.dead_letter_topic.empty()) {
    return absl::InvalidArgumentError("outbox relay: dead_letter_topic is required");
  }
  if (options.owner.empty()) options.owner = UniqueOwnerId("relay");
  auto producer = producers();
  if (!producer.ok()) return producer.status();
  return std::unique_ptr<OutboxRelay>(new OutboxRelay(redis, std::move(producers), stats,
                                                      std::move(options), *std::move(producer)));
}

OutboxRelay::OutboxRelay(RedisClient& redis, KafkaProducerFactory producers,
                         OutboxRelayStats& stats, OutboxRelayOptions options,
                         std::unique_ptr<KafkaProducer> producer)
    : lease_(redis, options.owner, options.lease_ttl) {
  core_ = std::make_unique<Core>(redis, lease_, std::move(producers), stats, std::move(options),
                                 std::move(producer));
}

OutboxRelay::~OutboxRelay() { Stop(std::chrono::seconds(5)); }

void OutboxRelay::Start() { thread_ = std::thread([this] { Loop(); }); }

void OutboxRelay::Notify() {
  absl::MutexLock lock(&mu_);
  notified_ = true;
}

void OutboxRelay::Stop(std::chrono::milliseconds flush) {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  core_->Shutdown(flush);
}

void OutboxRelay::Loop() {
  log::Info("outbox relay started", {{"owner", lease_.owner()}});
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
    }
    if (core_->Round()) continue;  // a backlog: keep reading
    absl::MutexLock lock(&mu_);
    auto woken_or_stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return notified_ || stopping_;
    };
    const bool woken = mu_.AwaitWithTimeout(absl::Condition(&woken_or_stopping),
                                            absl::FromChrono(core_->idle_wait()));
    if (woken && !stopping_) {
      // Let commits gather for a moment, so one pass carries many of them.
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::FromChrono(core_->linger()));
    }
    notified_ = false;
  }
}

}  // namespace sqms::runtime
