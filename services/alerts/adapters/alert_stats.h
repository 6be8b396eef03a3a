#pragma once
// sqms-alerts' own Prometheus series, in one struct (RPC RED metrics come
// from runtime::RpcMetrics, timers' from DurableTimers, the relay's from
// OutboxRelayMetrics). Every series named here exists at 0 from start-up:
//   sqms_alerts_received_total{source}          source: complaints, metrics, api, alertmanager
//   sqms_alerts_decisions_total{outcome}        opened, grouped, duplicate, silenced,
//                                               inhibited, resolved, no_incident, counted
//   sqms_alerts_webhook_refused_total{reason}   Alertmanager alerts refused: invalid
//                                               (unreadable), forbidden (e.g. drills)
//   sqms_incidents_acknowledged_seconds{level,drill}   histogram: MTTA
//   sqms_incidents_resolved_seconds{level,drill}       histogram: MTTR
//   sqms_notifications_total{target,outcome}    delivered, retried, failed, cancelled
//   sqms_notification_latency_seconds{target}   histogram: one HTTP attempt
// Open incidents by level (sqms_incidents_open{level,drill}) are read from
// the store at scrape time, the plan health gauges (sqms_alerts_stored_
// plans_invalid, sqms_alerts_risks_without_plan, sqms_alerts_plans_retired)
// from app::PlanChanges::health(), the kept muted alerts (sqms_alerts_muted_
// kept) from the store at scrape (alerts_service_server.cc). Thread-safe.

#include <string>
#include <vector>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "services/alerts/app/alert_processor.h"
#include "services/alerts/app/incident_commands.h"

namespace sqms::alerts::adapters {

class AlertMetrics final : public app::AlertStats, public app::IncidentStats {
 public:
  // `targets`: the configured target ids, whose series start at 0.
  AlertMetrics(prometheus::Registry& registry, const std::vector<std::string>& targets);

  void Received(const std::string& source) override;
  void Decided(app::Outcome outcome) override;
  void Acknowledged(const ports::Incident& incident) override;
  void Resolved(const ports::Incident& incident) override;

  // An alert of an Alertmanager notification refused; reason: "invalid",
  // "forbidden" (adapters/alertmanager_receiver.h).
  void WebhookRefused(const std::string& reason);

  // outcome: "delivered", "retried", "failed", "cancelled".
  void Notification(const std::string& target, const std::string& outcome);
  void NotificationLatency(const std::string& target, double seconds);

 private:
  prometheus::Family<prometheus::Counter>& received_;
  prometheus::Family<prometheus::Counter>& decisions_;
  prometheus::Family<prometheus::Counter>& webhook_refused_;
  prometheus::Family<prometheus::Histogram>& mtta_;
  prometheus::Family<prometheus::Histogram>& mttr_;
  prometheus::Family<prometheus::Counter>& notifications_;
  prometheus::Family<prometheus::Histogram>& notification_latency_;
};

}  // namespace sqms::alerts::adapters
