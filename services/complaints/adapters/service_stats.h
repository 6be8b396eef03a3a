#pragma once
// The complaints service's own Prometheus series, declared in one struct
// (RPC RED metrics come from runtime::RpcMetrics).

#include <array>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "services/complaints/domain/model.h"
#include "sqms/runtime/outbox_relay_metrics.h"

namespace sqms::complaints::adapters {

struct ServiceStats {
  explicit ServiceStats(prometheus::Registry& registry);

  // The outbox relay's series, all at 0 from start-up.
  runtime::OutboxRelayMetrics relay;

  // sqms_complaints_submitted_total{channel,category,priority}
  void Submitted(const domain::Complaint& complaint);
  // sqms_complaints_sla_breaches_total{target,priority}; every combination
  // exists at 0 from start-up.
  void SlaBreached(const domain::Complaint& complaint, domain::SlaTarget target);

  // An agent overrode triage: at submission (a category other than the
  // rules') or by ReclassifyComplaint. Every pair exists at 0 from start-up.
  // sqms_complaints_triage_overrides_total{from_category,to_category} and
  // sqms_complaints_triage_priority_overrides_total{from_priority,to_priority}
  void TriageOverridden(domain::Category from, domain::Category to, domain::Priority from_priority,
                        domain::Priority to_priority);
  // Hot reload of the triage config: sqms_complaints_triage_config_reloads_total
  // {result="applied"|"rejected"}, and sqms_complaints_triage_config_info
  // {version} = 1 for the rules in force (the previous version's series is removed).
  // `reloaded`: false for the config loaded at start-up (not counted).
  void TriageConfigApplied(const std::string& version, bool reloaded);
  void TriageConfigRejected();

  // Known issues: sqms_complaints_known_issues_total{change="linked"|
  // "released"} — complaints linked to an active incident at submission,
  // and holds ended by its resolution. Both at 0 from start-up.
  void KnownIssueLinked() { known_issue_linked_->Increment(); }
  void KnownIssueReleased() { known_issue_released_->Increment(); }

  prometheus::Family<prometheus::Counter>& submitted;
  prometheus::Family<prometheus::Counter>& triage_overrides;
  prometheus::Family<prometheus::Counter>& triage_priority_overrides;
  prometheus::Family<prometheus::Counter>& triage_reloads;
  prometheus::Family<prometheus::Gauge>& triage_config_info;
  prometheus::Family<prometheus::Counter>& sla_breaches;
  prometheus::Histogram& redis_latency;       // sqms_redis_latency_seconds

 private:
  // submitted's series, made at start-up, by (channel, category, priority),
  // each 1-based (unspecified values take the family's label lookup).
  static constexpr int SubmittedIndex(int channel, int category, int priority) {
    return ((channel - 1) * domain::kCategoryMax + (category - 1)) * domain::kPriorityMax +
           (priority - 1);
  }
  std::array<prometheus::Counter*,
             domain::kChannelMax * domain::kCategoryMax * domain::kPriorityMax>
      submitted_by_{};

  prometheus::Counter* known_issue_linked_ = nullptr;
  prometheus::Counter* known_issue_released_ = nullptr;

  absl::Mutex info_mu_;  // serialises the info gauge's swap
  prometheus::Gauge* current_info_ ABSL_GUARDED_BY(info_mu_) = nullptr;
};

}  // namespace sqms::complaints::adapters
