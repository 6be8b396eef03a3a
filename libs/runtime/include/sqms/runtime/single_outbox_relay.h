#pragma once
// The outbox relay of a service whose events all go through one outbox
// stream — one shard, one lease — such as the metrics service
// (sqms.kpi.v1) and the alerts service (sqms.incidents.v1). It builds what
// every such service would otherwise assemble by hand: the relay's
// Prometheus series (outbox_relay_metrics.h, all at 0 from here on), a
// Kafka producer per the service's KafkaConnection, an owner id unique to this
// process, and a dead-letter topic named `<topic>.dlq`. The relay is
// returned unstarted; its guarantees are OutboxRelay's (outbox_relay.h).
// A service with sharded outboxes (complaints) builds OutboxRelay itself.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "prometheus/registry.h"
#include "sqms/runtime/config.h"
#include "sqms/runtime/outbox_relay.h"
#include "sqms/runtime/outbox_relay_metrics.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::runtime {

struct SingleOutboxRelayOptions {
  std::string client_id;  // the Kafka client id, e.g. "sqms-alerts"
  std::string source;     // CloudEvents ce_source, e.g. "//sqms/alerts"
  std::string instance;   // this replica's id (owner = UniqueOwnerId(instance))
  std::string topic;      // where the events go; dead letters go to `<topic>.dlq`
  OutboxShardKeys keys;   // the outbox stream and its lease key
};

// Owns the relay and its series; destroy (or Stop) the relay before the
// registry it reports to. Members are declared so that the relay goes first.
struct SingleOutboxRelay {
  std::unique_ptr<OutboxRelayMetrics> stats;
  std::unique_ptr<OutboxRelay> relay;
};

// Fails only as OutboxRelay::Create does.
absl::StatusOr<SingleOutboxRelay> MakeSingleOutboxRelay(RedisClient& redis,
                                                        const KafkaConnection& kafka,
                                                        prometheus::Registry& registry,
                                                        SingleOutboxRelayOptions options);

}  // namespace sqms::runtime
