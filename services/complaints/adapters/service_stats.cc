#include "services/complaints/adapters/service_stats.h"

#include "services/complaints/codec/enum_labels.h"
#include "sqms/runtime/metrics.h"

namespace sqms::complaints::adapters {
ServiceStats::ServiceStats(prometheus::Registry& registry)
    : relay(registry),
      submitted(prometheus::BuildCounter()
                    .Name("sqms_complaints_submitted_total")
                    .Help("Complaints accepted, by channel, category and priority")
                    .Register(registry)),
      triage_overrides(prometheus::BuildCounter()
                           .Name("sqms_complaints_triage_overrides_total")
                           .Help("Agent overrides of triage's category, by category pair")
                           .Register(registry)),
      triage_priority_overrides(prometheus::BuildCounter()
                                    .Name("sqms_complaints_triage_priority_overrides_total")
                                    .Help("Agent overrides of triage's priority, by priority pair")
                                    .Register(registry)),
      triage_reloads(prometheus::BuildCounter()
                         .Name("sqms_complaints_triage_config_reloads_total")
                         .Help("Changed triage configs applied or rejected without a restart")
                         .Register(registry)),
      triage_config_info(prometheus::BuildGauge()
                             .Name("sqms_complaints_triage_config_info")
                             .Help("1 for the version of the triage config in force")
                             .Register(registry)),
      sla_breaches(prometheus::BuildCounter()
                       .Name("sqms_complaints_sla_breaches_total")
                       .Help("SLA targets breached, by target and priority")
                       .Register(registry)),
      redis_latency(prometheus::BuildHistogram()
                        .Name("sqms_redis_latency_seconds")
                        .Help("Redis command latency, enqueue to reply")
                        .Register(registry)
                        .Add({}, runtime::LatencyBuckets())) {
  auto& known_issues =
      prometheus::BuildCounter()
          .Name("sqms_complaints_known_issues_total")
          .Help("Complaints linked to an active incident as a known issue (change=linked), and "
                "their SLA holds ended by its resolution (change=released)")
          .Register(registry);
  known_issue_linked_ = &known_issues.Add({{"change", "linked"}});
  known_issue_released_ = &known_issues.Add({{"change", "released"}});
  // Every label combination at 0, so increase() sees the first override.
  using domain::Category;
  using domain::Priority;
  for (int from = 1; from <= domain::kCategoryMax; ++from) {
    for (int to = 1; to <= domain::kCategoryMax; ++to) {
      triage_overrides.Add({{"from_category", codec::Label(static_cast<Category>(from))},
                            {"to_category", codec::Label(static_cast<Category>(to))}});
    }
  }
  for (int from = 1; from <= domain::kPriorityMax; ++from) {
    for (int to = 1; to <= domain::kPriorityMax; ++to) {
      triage_priority_overrides.Add({{"from_priority", codec::Label(static_cast<Priority>(from))},
                                     {"to_priority", codec::Label(static_cast<Priority>(to))}});
    }
  }
  for (const char* result : {"applied", "rejected"}) triage_reloads.Add({{"result", result}});
  // Intake panels read 0, not "No data", before the first complaint.
  for (int channel = 1; channel <= domain::kChannelMax; ++channel) {
    for (int category = 1; category <= domain::kCategoryMax; ++category) {
      for (int priority = 1; priority <= domain::kPriorityMax; ++priority) {
        submitted_by_[SubmittedIndex(channel, category, priority)] =
            &submitted.Add({{"channel", codec::Label(static_cast<domain::Channel>(channel))},
                            {"category", codec::Label(static_cast<Category>(category))},
                            {"priority", codec::Label(static_cast<Priority>(priority))}});
      }
    }
  }
  // The P1 page counts increase(): a breach series born at 1 would be missed.
  for (auto target : {domain::SlaTarget::kFirstResponse, domain::SlaTarget::kResolution,
                      domain::SlaTarget::kFollowUp}) {
    for (int priority = 1; priority <= domain::kPriorityMax; ++priority) {
      sla_breaches.Add({{"target", codec::Label(target)},
                        {"priority", codec::Label(static_cast<Priority>(priority))}});
    }
  }
}

void ServiceStats::TriageOverridden(domain::Category from, domain::Category to,
                                    domain::Priority from_priority, domain::Priority to_priority) {
  if (from != to) {
    triage_overrides.Add({{"from_category", codec::Label(from)}, {"to_category", codec::Label(to)}})
        .Increment();
  }
  if (from_priority != to_priority) {
    triage_priority_overrides
        .Add({{"from_priority", codec::Label(from_priority)},
              {"to_priority", codec::Label(to_priority)}})
        .Increment();
  }
}

void ServiceStats::TriageConfigApplied(const std::string& version, bool reloaded) {
  absl::MutexLock lock(&info_mu_);
  if (current_info_ != nullptr) triage_config_info.Remove(current_info_);
  current_info_ = &triage_config_info.Add({{"version", version}});
  current_info_->Set(1);
  if (reloaded) triage_reloads.Add({{"result", "applied"}}).Increment();
}

void ServiceStats::TriageConfigRejected() {
  triage_reloads.Add({{"result", "rejected"}}).Increment();
}

void ServiceStats::Submitted(const domain::Complaint& c) {
  if (c.category_overridden && c.triage.suggested_category != domain::Category::kUnspecified) {
    TriageOverridden(c.triage.suggested_category, c.category, c.priority, c.priority);
  }
  // Every submission: the counter made at start-up, no label lookup.
  const int channel = static_cast<int>(c.channel), category = static_cast<int>(c.category),
            priority = static_cast<int>(c.priority);
  if (channel >= 1 && channel <= domain::kChannelMax && category >= 1 &&
      category <= domain::kCategoryMax && priority >= 1 && priority <= domain::kPriorityMax) {
    submitted_by_[SubmittedIndex(channel, category, priority)]->Increment();
    return;
  }
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
