#pragma once
// The complaints service's own Prometheus series, declared in one struct
// (RPC RED metrics come from runtime::RpcMetrics).

#include <string>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "services/complaints/domain/model.h"

namespace sqms::complaints::adapters {

struct ServiceStats {
  explicit ServiceStats(prometheus::Registry& registry);

  // sqms_complaints_submitted_total{channel,category,priority}
  void Submitted(const domain::Complaint& complaint);
  // sqms_complaints_sla_breaches_total{target,priority}
  void SlaBreached(const domain::Complaint& complaint, domain::SlaTarget target);

  prometheus::Family<prometheus::Counter>& submitted;
  prometheus::Family<prometheus::Counter>& sla_breaches;
  prometheus::Gauge& outbox_depth;            // sqms_outbox_depth
  prometheus::Gauge& outbox_oldest_age;       // sqms_outbox_oldest_age_seconds
  prometheus::Counter& kafka_delivered;       // sqms_kafka_delivered_total
  prometheus::Counter& kafka_delivery_errors; // sqms_kafka_delivery_errors_total
  prometheus::Histogram& redis_latency;       // sqms_redis_latency_seconds
};

}  // namespace sqms::complaints::adapters
