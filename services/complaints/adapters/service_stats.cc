#include "services/complaints/adapters/service_stats.h"

#include "services/complaints/codec/enum_labels.h"
#include "sqms/runtime/metrics.h"

namespace sqms::complaints::adapters {
ServiceStats::ServiceStats(prometheus::Registry& registry)
    : submitted(prometheus::BuildCounter()
                    .Name("sqms_complaints_submitted_total")
                    .Help("Complaints accepted, by channel, category and priority")
                    .Register(registry)),
      sla_breaches(prometheus::BuildCounter()
                       .Name("sqms_complaints_sla_breaches_total")
                       .Help("SLA targets breached, by target and priority")
                       .Register(registry)),
      outbox_depth(prometheus::BuildGauge()
                       .Name("sqms_outbox_depth")
                       .Help("Events committed in Redis and not yet confirmed by Kafka")
                       .Register(registry)
                       .Add({})),
      outbox_oldest_age(prometheus::BuildGauge()
                            .Name("sqms_outbox_oldest_age_seconds")
                            .Help("Age of the oldest event waiting in the outbox")
                            .Register(registry)
                            .Add({})),
      kafka_delivered(prometheus::BuildCounter()
                          .Name("sqms_kafka_delivered_total")
                          .Help("Outbox events confirmed by Kafka (acks=all)")
                          .Register(registry)
                          .Add({})),
      kafka_delivery_errors(prometheus::BuildCounter()
                                .Name("sqms_kafka_delivery_errors_total")
                                .Help("Outbox events whose delivery failed (re-sent)")
                                .Register(registry)
                                .Add({})),
      redis_latency(prometheus::BuildHistogram()
                        .Name("sqms_redis_latency_seconds")
                        .Help("Redis command latency, enqueue to reply")
                        .Register(registry)
                        .Add({}, runtime::LatencyBuckets())) {}

void ServiceStats::Submitted(const domain::Complaint& c) {
  submitted
      .Add({{"channel", codec::Label(c.channel)},
            {"category", codec::Label(c.category)},
            {"priority", codec::Label(c.priority)}})
      .Increment();
}

void ServiceStats::SlaBreached(const domain::Complaint& c, domain::SlaTarget target) {
  sla_breaches.Add({{"target", codec::Label(target)}, {"priority", codec::Label(c.priority)}})
      .Increment();
}

}  // namespace sqms::complaints::adapters
