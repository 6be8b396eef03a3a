#pragma once
// The outbox relay's Prometheus series, for any service that runs a relay
// (outbox_relay.h). All exist at 0 from construction:
//   sqms_outbox_depth, sqms_outbox_oldest_age_seconds (gauges),
//   sqms_kafka_delivered_total, sqms_kafka_delivery_errors_total,
//   sqms_outbox_dead_lettered_total, sqms_kafka_producer_recreated_total.
// Thread-safe (prometheus-cpp).

#include <cstdint>

#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "sqms/runtime/outbox_relay.h"

namespace sqms::runtime {

class OutboxRelayMetrics final : public OutboxRelayStats {
 public:
  explicit OutboxRelayMetrics(prometheus::Registry& registry);

  void Delivered(int64_t records) override { delivered_.Increment(static_cast<double>(records)); }
  void DeliveryFailed(int64_t records) override {
    delivery_errors_.Increment(static_cast<double>(records));
  }
  void DeadLettered(int64_t records) override {
    dead_lettered_.Increment(static_cast<double>(records));
  }
  void ProducerRecreated() override { producer_recreated_.Increment(); }
  void Backlog(int64_t depth, double oldest_age_seconds) override {
    depth_.Set(static_cast<double>(depth));
    oldest_age_.Set(oldest_age_seconds);
  }

 private:
  prometheus::Gauge& depth_;
  prometheus::Gauge& oldest_age_;
  prometheus::Counter& delivered_;
  prometheus::Counter& delivery_errors_;
  prometheus::Counter& dead_lettered_;
  prometheus::Counter& producer_recreated_;
};

}  // namespace sqms::runtime
