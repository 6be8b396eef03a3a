#include "services/alerts/adapters/alert_stats.h"

#include "services/alerts/adapters/alertmanager_receiver.h"
#include "sqms/runtime/metrics.h"

namespace sqms::alerts::adapters {
namespace {

constexpr const char* kSources[] = {"complaints", "metrics", "api", "alertmanager"};
constexpr const char* kLevels[] = {"I", "II", "III", "IV"};
constexpr const char* kNotificationOutcomes[] = {"delivered", "retried", "failed", "cancelled"};
constexpr app::Outcome kOutcomes[] = {
    app::Outcome::kOpened,   app::Outcome::kGrouped,  app::Outcome::kDuplicate,
    app::Outcome::kSilenced, app::Outcome::kInhibited, app::Outcome::kResolved,
    app::Outcome::kNoIncident, app::Outcome::kCounted};

// Seconds to minutes-and-hours: an acknowledgement takes seconds to an hour.
const prometheus::Histogram::BucketBoundaries& ResponseBuckets() {
  static const prometheus::Histogram::BucketBoundaries buckets = {
      1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400};
  return buckets;
}

double Seconds(absl::Duration d) { return absl::ToDoubleSeconds(d); }

}  // namespace

AlertMetrics::AlertMetrics(prometheus::Registry& registry, const std::vector<std::string>& targets)
    : received_(prometheus::BuildCounter()
                    .Name("sqms_alerts_received_total")
                    .Help("Alerts received, by source (redeliveries not counted)")
                    .Register(registry)),
      decisions_(prometheus::BuildCounter()
                     .Name("sqms_alerts_decisions_total")
                     .Help("What became of each alert for each plan it matched")
                     .Register(registry)),
      webhook_refused_(prometheus::BuildCounter()
                           .Name("sqms_alerts_webhook_refused_total")
                           .Help("Alerts of Alertmanager notifications refused, by reason")
                           .Register(registry)),
      mtta_(prometheus::BuildHistogram()
                .Name("sqms_incidents_acknowledged_seconds")
                .Help("Time from opening to acknowledgement (MTTA), by level; drills apart")
                .Register(registry)),
      mttr_(prometheus::BuildHistogram()
                .Name("sqms_incidents_resolved_seconds")
                .Help("Time from opening to resolution (MTTR), by level; drills apart")
                .Register(registry)),
      notifications_(prometheus::BuildCounter()
                         .Name("sqms_notifications_total")
                         .Help("Notification attempts by target and outcome")
                         .Register(registry)),
      notification_latency_(prometheus::BuildHistogram()
                                .Name("sqms_notification_latency_seconds")
                                .Help("One webhook attempt, request to response")
                                .Register(registry)) {
  for (const char* s : kSources) received_.Add({{"source", s}});
  for (app::Outcome o : kOutcomes) decisions_.Add({{"outcome", std::string(app::OutcomeName(o))}});
  for (const char* reason : {kRefusedInvalid, kRefusedForbidden}) {
    webhook_refused_.Add({{"reason", reason}});
  }
  for (const char* level : kLevels) {
    for (const char* drill : {"false", "true"}) {
      mtta_.Add({{"level", level}, {"drill", drill}}, ResponseBuckets());
      mttr_.Add({{"level", level}, {"drill", drill}}, ResponseBuckets());
    }
  }
  for (const std::string& t : targets) {
    for (const char* o : kNotificationOutcomes) notifications_.Add({{"target", t}, {"outcome", o}});
    notification_latency_.Add({{"target", t}}, runtime::LatencyBuckets());
  }
}

void AlertMetrics::Received(const std::string& source) {
  received_.Add({{"source", source}}).Increment();
}

void AlertMetrics::WebhookRefused(const std::string& reason) {
  webhook_refused_.Add({{"reason", reason}}).Increment();
}

void AlertMetrics::Decided(app::Outcome outcome) {
  decisions_.Add({{"outcome", std::string(app::OutcomeName(outcome))}}).Increment();
}

void AlertMetrics::Acknowledged(const ports::Incident& i) {
  mtta_.Add({{"level", i.level}, {"drill", i.drill ? "true" : "false"}}, ResponseBuckets())
      .Observe(Seconds(i.acknowledged_at - i.opened_at));
}

void AlertMetrics::Resolved(const ports::Incident& i) {
  mttr_.Add({{"level", i.level}, {"drill", i.drill ? "true" : "false"}}, ResponseBuckets())
      .Observe(Seconds(i.resolved_at - i.opened_at));
}

void AlertMetrics::Notification(const std::string& target, const std::string& outcome) {
  notifications_.Add({{"target", target}, {"outcome", outcome}}).Increment();
}

void AlertMetrics::NotificationLatency(const std::string& target, double seconds) {
  notification_latency_.Add({{"target", target}}, runtime::LatencyBuckets()).Observe(seconds);
}

}  // namespace sqms::alerts::adapters
