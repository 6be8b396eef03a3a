#include "services/complaints/adapters/service_stats.h"

#include <array>

#include "sqms/runtime/metrics.h"

namespace sqms::complaints::adapters {
namespace {

template <size_t N, typename E>
std::string Label(const std::array<const char*, N>& names, E value) {
  const auto i = static_cast<size_t>(value);
  return i < N ? names[i] : "unknown";
}

}  // namespace

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
      .Add({{"channel", ChannelLabel(c.channel)},
            {"category", CategoryLabel(c.category)},
            {"priority", PriorityLabel(c.priority)}})
      .Increment();
}

void ServiceStats::SlaBreached(const domain::Complaint& c, domain::SlaTarget target) {
  sla_breaches.Add({{"target", SlaTargetLabel(target)}, {"priority", PriorityLabel(c.priority)}})
      .Increment();
}

std::string ChannelLabel(domain::Channel channel) {
  static constexpr std::array<const char*, 8> kNames = {
      "unspecified", "hotline", "email", "web", "app", "chat", "counter", "social"};
  return Label(kNames, channel);
}

std::string CategoryLabel(domain::Category category) {
  static constexpr std::array<const char*, 13> kNames = {
      "unspecified", "service_quality", "service_attitude", "facilities", "ticketing",
      "timeliness",  "safety",          "hygiene",          "catering",   "luggage",
      "billing",     "network_fault",   "other"};
  return Label(kNames, category);
}

std::string PriorityLabel(domain::Priority priority) {
  static constexpr std::array<const char*, 5> kNames = {"unspecified", "p1", "p2", "p3", "p4"};
  return Label(kNames, priority);
}

std::string SlaTargetLabel(domain::SlaTarget target) {
  static constexpr std::array<const char*, 4> kNames = {"unspecified", "first_response",
                                                        "resolution", "follow_up"};
  return Label(kNames, target);
}

}  // namespace sqms::complaints::adapters
