#include "sqms/runtime/single_outbox_relay.h"

#include <utility>

#include "sqms/runtime/outbox_lease.h"

namespace sqms::runtime {

absl::StatusOr<SingleOutboxRelay> MakeSingleOutboxRelay(RedisClient& redis,
                                                        const KafkaConnection& kafka,
                                                        prometheus::Registry& registry,
                                                        SingleOutboxRelayOptions options) {
  SingleOutboxRelay made;
  made.stats = std::make_unique<OutboxRelayMetrics>(registry);
  auto relay = OutboxRelay::Create(
      redis,
      [producer = KafkaProducerOptionsFrom(kafka, options.client_id)] {
        return KafkaProducer::Create(producer);
      },
      *made.stats,
      OutboxRelayOptions{.shards = 1,
                         .shard_keys = [keys = options.keys](int) { return keys; },
                         .owner = UniqueOwnerId(options.instance),
                         .source = options.source,
                         .dead_letter_topic = options.topic + ".dlq"});
  if (!relay.ok()) return relay.status();
  made.relay = *std::move(relay);
  return made;
}

}  // namespace sqms::runtime
