// eo_counter: a checkpointing consumer in a process of its own, so the
// exactly-once test can SIGKILL it mid-stream. Counts records per key into
// `<prefix>:counts`; SIGTERM/SIGINT stop it cleanly (final checkpoint).
//
//   eo_counter --brokers B --redis-port P --group G --topic T --prefix X --instance I


#include <cstdlib>
#include <map>
#include <string>

#include "sqms/runtime/checkpointing_consumer.h"
#include "sqms/runtime/log.h"
#include "sqms/runtime/grpc_server.h"
#include "sqms/runtime/redis_client.h"
#include "tests/integration/runtime_eo/helper/counting_processor.h"

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int i = 1; i + 1 < argc; i += 2) flags[argv[i]] = argv[i + 1];
  for (const char* required :
       {"--brokers", "--redis-port", "--group", "--topic", "--prefix", "--instance"}) {
    if (!flags.contains(required)) {
      std::fprintf(stderr, "eo_counter: %s is required\n", required);
      return 2;
    }
  }
  sqms::runtime::BlockShutdownSignals();  // before any thread starts
  sqms::runtime::log::Init("eo_counter", sqms::runtime::log::Level::kInfo);

  sqms::runtime::RedisOptions redis_options;
  redis_options.port = std::atoi(flags["--redis-port"].c_str());
  sqms::runtime::RedisClient redis(redis_options);
  sqms::testing::CountingProcessor processor(flags["--prefix"] + ":counts");
  sqms::runtime::CheckpointingConsumerOptions options;
  options.kafka.brokers = flags["--brokers"];
  options.kafka.group_id = flags["--group"];
  options.kafka.topics = {flags["--topic"]};
  options.kafka.client_id = flags["--instance"];
  options.kafka.retry_backoff = std::chrono::milliseconds(50);
  options.kafka.properties["session.timeout.ms"] = "6000";  // devkafka rebalance quirk
  options.key_prefix = flags["--prefix"];
  options.instance_id = flags["--instance"];
  options.checkpoint_every = 100;
  options.checkpoint_interval = std::chrono::milliseconds(50);
  auto consumer = sqms::runtime::CheckpointingConsumer::Create(options, redis, processor);
  if (!consumer.ok()) {
    std::fprintf(stderr, "eo_counter: %s\n", consumer.status().ToString().c_str());
    return 2;
  }
  (*consumer)->Start();
  sqms::runtime::WaitForShutdownSignal();
  (*consumer)->Stop();
  sqms::runtime::log::Info("eo_counter stopped", {{"status", (*consumer)->status().ToString()}});
  return (*consumer)->status().ok() ? 0 : 1;
}
