// relay_runner: a runtime::OutboxRelay in a process of its own, so the relay
// suite can SIGKILL or SIGSTOP it. Shard i's stream is `{<prefix><i>}:outbox`
// and its lease `{<prefix><i>}:outbox:lease`. Logs (JSON) to stderr;
// SIGTERM/SIGINT stop it cleanly.
//
//   relay_runner --brokers B --redis-port P --prefix X --shards N
//                --owner-prefix O --lease-ms L --dead-letter-topic D


#include <cstdlib>
#include <map>
#include <string>

#include "sqms/runtime/log.h"
#include "sqms/runtime/outbox_relay.h"
#include "sqms/runtime/grpc_server.h"
#include "sqms/runtime/redis_client.h"

namespace {

class NoStats : public sqms::runtime::OutboxRelayStats {
 public:
  void Delivered(int64_t) override {}
  void DeliveryFailed(int64_t) override {}
  void DeadLettered(int64_t) override {}
  void ProducerRecreated() override {}
  void Backlog(int64_t, double) override {}
};

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int i = 1; i + 1 < argc; i += 2) flags[argv[i]] = argv[i + 1];
  for (const char* required : {"--brokers", "--redis-port", "--prefix", "--shards",
                               "--owner-prefix", "--lease-ms", "--dead-letter-topic"}) {
    if (!flags.contains(required)) {
      std::fprintf(stderr, "relay_runner: %s is required\n", required);
      return 2;
    }
  }
  sqms::runtime::BlockShutdownSignals();  // before any thread starts
  sqms::runtime::log::Init("relay_runner", sqms::runtime::log::Level::kInfo);

  sqms::runtime::RedisOptions redis_options;
  redis_options.port = std::atoi(flags["--redis-port"].c_str());
  sqms::runtime::RedisClient redis(redis_options);
  NoStats stats;
  sqms::runtime::KafkaProducerOptions producer_options;
  producer_options.brokers = flags["--brokers"];
  producer_options.client_id = "relay-runner";
  const std::string prefix = flags["--prefix"];
  sqms::runtime::OutboxRelayOptions options;
  options.shards = std::atoi(flags["--shards"].c_str());
  options.shard_keys = [prefix](int shard) {
    const std::string tag = "{" + prefix + std::to_string(shard) + "}";
    return sqms::runtime::OutboxShardKeys{tag + ":outbox", tag + ":outbox:lease"};
  };
  options.owner = sqms::runtime::UniqueOwnerId(flags["--owner-prefix"]);
  options.source = "//sqms/relay-test";
  options.dead_letter_topic = flags["--dead-letter-topic"];
  options.lease_ttl = std::chrono::milliseconds(std::atoi(flags["--lease-ms"].c_str()));
  options.retry_backoff = std::chrono::milliseconds(50);
  auto relay = sqms::runtime::OutboxRelay::Create(
      redis, [producer_options] { return sqms::runtime::KafkaProducer::Create(producer_options); },
      stats, std::move(options));
  if (!relay.ok()) {
    std::fprintf(stderr, "relay_runner: %s\n", relay.status().ToString().c_str());
    return 2;
  }
  (*relay)->Start();
  sqms::runtime::WaitForShutdownSignal();
  (*relay)->Stop(std::chrono::seconds(2));
  sqms::runtime::log::Info("relay_runner stopped", {{"owner", (*relay)->owner()}});
  return 0;
}
