#include "sqms/runtime/outbox_relay_metrics.h"

namespace sqms::runtime {

OutboxRelayMetrics::OutboxRelayMetrics(prometheus::Registry& registry)
    : depth_(prometheus::BuildGauge()
                 .Name("sqms_outbox_depth")
                 .Help("Events committed in Redis and not yet confirmed by Kafka")
                 .Register(registry)
                 .Add({})),
      oldest_age_(prometheus::BuildGauge()
                      .Name("sqms_outbox_oldest_age_seconds")
                      .Help("Age of the oldest event waiting in the outbox")
                      .Register(registry)
                      .Add({})),
      delivered_(prometheus::BuildCounter()
                     .Name("sqms_kafka_delivered_total")
                     .Help("Outbox events confirmed by Kafka (acks=all)")
                     .Register(registry)
                     .Add({})),
      delivery_errors_(prometheus::BuildCounter()
                           .Name("sqms_kafka_delivery_errors_total")
                           .Help("Outbox events whose delivery failed (re-sent)")
                           .Register(registry)
                           .Add({})),
      dead_lettered_(prometheus::BuildCounter()
                         .Name("sqms_outbox_dead_lettered_total")
                         .Help("Outbox events that could never be delivered, written to the "
                               "dead-letter topic")
                         .Register(registry)
                         .Add({})),
      producer_recreated_(prometheus::BuildCounter()
                              .Name("sqms_kafka_producer_recreated_total")
                              .Help("Kafka producers recreated after a fatal error")
                              .Register(registry)
                              .Add({})) {}

}  // namespace sqms::runtime
