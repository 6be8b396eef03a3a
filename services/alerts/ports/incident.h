#pragma once
// The incident record as the app works on it and the store keeps it (one
// JSON document per incident, written only by compare-and-set on
// `version`). The proto (rpc/) and the event (sqms.incidents.v1) are mapped
// from it in codec/.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/alerts/domain/escalation.h"
#include "services/alerts/domain/incident.h"
#include "services/alerts/domain/labels.h"
#include "services/alerts/domain/plan.h"

namespace sqms::alerts::ports {

struct TimelineEntry {
  absl::Time at;
  std::string actor;  // token subject, or "system"
  std::string kind;   // opened, alert, resolved-alert, notified, escalated, acknowledged, …
  std::string text;
};

struct StepRecord {
  bool done = false;
  absl::Time done_at;
  std::string done_by;
  // The step as the plan had it when the incident opened (title, owner,
  // expected minutes): a plan changed since does not rename, reorder or
  // re-time an open incident's steps. nullopt in documents stored before
  // it was kept: then the plan in force describes the step.
  std::optional<domain::Step> definition;
};

struct Incident {
  std::string id;
  std::string plan_id;
  std::string risk_id;
  std::string title;
  std::string level;  // "I" … "IV"
  domain::IncidentState state = domain::IncidentState::kTriggered;
  bool drill = false;
  bool outage = false;
  std::vector<std::string> known_issue_categories;  // the plan's, at opening
  std::string group_key;
  domain::Labels labels;        // group labels
  domain::Labels first_alert;   // the first alert's labels (inhibition source)
  absl::Time opened_at;
  // The current acknowledgement: InfinitePast / "" / -1 until one, and
  // again after its ack_expiry (domain/incident.h).
  absl::Time acknowledged_at = absl::InfinitePast();
  std::string acknowledged_by;
  int acknowledged_tier = -1;
  absl::Time resolved_at = absl::InfinitePast();
  absl::Time closed_at = absl::InfinitePast();
  std::string review;
  domain::EscalationStep step;  // last notified
  int64_t escalation_seq = 0;   // +1 per escalation step; names its timer
  absl::Time next_escalation_at = absl::InfiniteFuture();  // InfiniteFuture: none
  // Flap protection: when the last alert resolved under a plan with
  // resolve_after (its resolution timer "quiet|<id>|<ms>" is due
  // resolve_after later); InfinitePast while an alert fires.
  absl::Time quiet_since = absl::InfinitePast();
  std::map<std::string, bool> alerts;  // fingerprint → firing
  // fingerprint → when the latest firing it holds started (alert.at), so
  // that an older resolution handled late does not resolve a newer firing
  // (ports::StartedAfterEnd). Absent when unknown: an alert without a
  // time, a drill started by StartDrill, an incident stored before this
  // was kept; a resolution ends those.
  std::map<std::string, absl::Time> alert_started;
  int alerts_total = 0;                // alerts received, duplicates included
  std::vector<std::string> linked_complaints;
  std::vector<StepRecord> steps;       // one per plan step
  std::vector<TimelineEntry> timeline;
  std::vector<std::string> deliveries;  // delivery ids, in order
  int64_t version = 0;                  // 0: not stored yet

  int FiringAlerts() const {
    int n = 0;
    for (const auto& [fingerprint, firing] : alerts) n += firing ? 1 : 0;
    return n;
  }
};

// A notification to one target, decided in the same write as the incident
// change it reports.
struct Delivery {
  std::string id;
  std::string incident_id;
  std::string target;
  std::string kind;  // pages: triggered, escalated, repeated; notices: acknowledged, resolved
  int tier = 0;
  int repeat = 0;
  std::vector<std::string> recipients;
  int64_t decided_version = 0;  // incident version that decided it
  // pending → delivered | failed | cancelled (a page whose incident was
  // acknowledged or resolved before it was claimed).
  std::string status = "pending";
  int attempts = 0;
  int last_http_status = 0;
  std::string last_error;
  int64_t last_latency_ms = 0;
  absl::Time created_at;

  // Pages stop at acknowledgement; the notices ("acknowledged", "resolved")
  // to the tiers already paged do not.
  bool IsPage() const { return kind != "resolved" && kind != "acknowledged"; }
};

}  // namespace sqms::alerts::ports
