#include "services/metrics/domain/counters.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace sqms::metrics::domain {
namespace {

// Indexed by Counter; these names are stored (Redis fields) and exported
// (Prometheus labels), so they never change once released.
constexpr std::array<std::string_view, kCounterCount> kCounterNames = {
    "calls_offered",
    "calls_answered",
    "calls_answered_in_time",
    "calls_abandoned",
    "calls_abandoned_short",
    "service_level_calls",
    "answer_wait_seconds",
    "calls_ended",
    "handle_seconds",
    "consultations",
    "consultations_dispatched",
    "ratings",
    "ratings_unsatisfied",
    "csat_responses",
    "csat_satisfied",
    "nps_responses",
    "nps_promoters",
    "nps_detractors",
    "csi_weighted_score",
    "csi_weight",
    "outage_seconds",
    "complaints",
    "complaints_duplicate",
    "first_responses",
    "first_responses_on_time",
    "first_response_seconds",
    "resolutions",
    "resolutions_on_time",
    "resolution_seconds",
    "replies",
    "follow_ups",
    "follow_ups_satisfied",
    "reopens",
    "sla_breaches",
    "incidents_acknowledged",
    "acknowledge_seconds",
    "incidents_resolved",
    "restore_seconds",
    "first_resolutions",
    "first_resolutions_revoked",
    "first_response_deadlines",
    "resolution_deadlines",
    "first_response_deadlines_met",
    "resolution_deadlines_met",
    "first_response_bucket_300",
    "first_response_bucket_900",
    "first_response_bucket_1800",
    "first_response_bucket_3600",
    "first_response_bucket_7200",
    "first_response_bucket_14400",
    "first_response_bucket_28800",
    "first_response_bucket_86400",
    "first_response_bucket_172800",
    "first_response_bucket_259200",
    "first_response_bucket_432000",
    "first_response_bucket_604800",
    "first_response_bucket_1209600",
    "first_response_bucket_2592000",
    "first_response_bucket_inf",
    "resolution_bucket_300",
    "resolution_bucket_900",
    "resolution_bucket_1800",
    "resolution_bucket_3600",
    "resolution_bucket_7200",
    "resolution_bucket_14400",
    "resolution_bucket_28800",
    "resolution_bucket_86400",
    "resolution_bucket_172800",
    "resolution_bucket_259200",
    "resolution_bucket_432000",
    "resolution_bucket_604800",
    "resolution_bucket_1209600",
    "resolution_bucket_2592000",
    "resolution_bucket_inf",
    "complaints_original",
    "complaints_handled",
};

// The codec validates durations; a negative one must still not subtract
// from a counter that is only ever added to.
int64_t NonNegative(int64_t seconds) { return std::max<int64_t>(seconds, 0); }

const ServiceLevelPolicy& PolicyFor(const ContributionPolicy& policy, const std::string& channel) {
  for (const auto& [name, level] : policy.service_level_by_channel) {
    if (name == channel) return level;
  }
  return policy.default_service_level;
}

const double* CsiWeight(const ContributionPolicy& policy, const std::string& dimension) {
  for (const auto& [name, weight] : policy.csi_weights) {
    if (name == dimension) return &weight;
  }
  return nullptr;
}

// Whether an outage of `platform` reported by `source` counts.
bool CountsOutage(const ContributionPolicy& policy, const std::string& platform,
                  OutageSource source) {
  for (const ReliabilityPlatform& p : policy.reliability_platforms) {
    if (p.id == platform) return p.outages_from == source;
  }
  return false;
}

// Collects increments, leaving out those by 0 so that an event that counts
// for nothing yields an empty list.
class Collector {
 public:
  void Add(Counter counter, int64_t by = 1) {
    if (by != 0) out_.push_back({counter, by});
  }
  void AddIf(bool condition, Counter counter) {
    if (condition) Add(counter);
  }
  std::vector<Increment> Take() { return std::move(out_); }

 private:
  std::vector<Increment> out_;
};

void AddSurvey(const SurveyAnswered& s, const ContributionPolicy& policy, Collector& c) {
  if (s.unsatisfied.has_value()) {
    c.Add(Counter::kRatings);
    c.AddIf(*s.unsatisfied, Counter::kRatingsUnsatisfied);
  }
  if (s.csat.has_value()) {
    c.Add(Counter::kCsatResponses);
    c.AddIf(*s.csat >= 4, Counter::kCsatSatisfied);
  }
  if (s.nps.has_value()) {
    c.Add(Counter::kNpsResponses);
    c.AddIf(*s.nps >= 9, Counter::kNpsPromoters);
    c.AddIf(*s.nps <= 6, Counter::kNpsDetractors);
  }
  // Weights are fractional; the counters keep them ×1000 as integers so
  // that partial sums still merge by addition.
  int64_t score = 0;
  int64_t weight = 0;
  for (const auto& [dimension, value] : s.csi) {
    const double* w = CsiWeight(policy, dimension);
    if (w == nullptr) continue;
    score += std::llround(*w * value * 1000.0);
    weight += std::llround(*w * 1000.0);
  }
  c.Add(Counter::kCsiWeightedScore, score);
  c.Add(Counter::kCsiWeight, weight);
}

void AddCall(const Event& e, const ContributionPolicy& policy, Collector& c) {
  const ServiceLevelPolicy& level = PolicyFor(policy, e.dimensions.channel);
  if (const auto* answered = std::get_if<CallAnswered>(&e.body)) {
    const int64_t wait = NonNegative(answered->wait_seconds);
    c.Add(Counter::kCallsAnswered);
    c.Add(Counter::kAnswerWaitSeconds, wait);
    c.Add(Counter::kServiceLevelCalls);
    c.AddIf(wait <= level.answer_within_seconds, Counter::kCallsAnsweredInTime);
  } else if (const auto* abandoned = std::get_if<CallAbandoned>(&e.body)) {
    c.Add(Counter::kCallsAbandoned);
    if (NonNegative(abandoned->wait_seconds) < level.short_abandon_seconds) {
      c.Add(Counter::kCallsAbandonedShort);
    } else {
      c.Add(Counter::kServiceLevelCalls);
    }
  }
}

// What meeting a deadline decided (nothing: nullopt): on time adds to
// `on_time` (the older counter), `deadlines` and `met`; late adds to
// `deadlines` unless its breach did already.
void AddDeadline(std::optional<SlaMet> sla, Counter on_time, Counter deadlines, Counter met,
                 Collector& c) {
  c.AddIf(sla == SlaMet::kOnTime, on_time);
  c.AddIf(sla.has_value() && *sla != SlaMet::kLateAfterBreach, deadlines);
  c.AddIf(sla == SlaMet::kOnTime, met);
}

void AddComplaint(const EventBody& body, Collector& c) {
  if (const auto* submitted = std::get_if<ComplaintSubmitted>(&body)) {
    c.Add(Counter::kComplaints);
    c.AddIf(submitted->duplicate, Counter::kComplaintsDuplicate);
    c.AddIf(!submitted->duplicate, Counter::kComplaintsOriginal);
  } else if (const auto* first = std::get_if<ComplaintFirstResponse>(&body)) {
    c.Add(Counter::kFirstResponses);
    c.Add(Counter::kFirstResponseSeconds, NonNegative(first->seconds));
    AddDeadline(first->sla, Counter::kFirstResponsesOnTime, Counter::kFirstResponseDeadlines,
                Counter::kFirstResponseDeadlinesMet, c);
    c.Add(BucketCounter(Counter::kFirstResponseBucket0, DurationBucketOf(first->seconds)));
  } else if (const auto* resolved = std::get_if<ComplaintResolved>(&body)) {
    c.Add(Counter::kResolutions);
    c.Add(Counter::kResolutionSeconds, NonNegative(resolved->seconds));
    AddDeadline(resolved->sla, Counter::kResolutionsOnTime, Counter::kResolutionDeadlines,
                Counter::kResolutionDeadlinesMet, c);
    c.Add(BucketCounter(Counter::kResolutionBucket0, DurationBucketOf(resolved->seconds)));
    c.AddIf(resolved->reopens_before == 0, Counter::kFirstResolutions);
  } else if (std::holds_alternative<ComplaintResolutionRevoked>(body)) {
    c.Add(Counter::kFirstResolutionsRevoked);
  } else if (std::holds_alternative<ComplaintHandled>(body)) {
    c.Add(Counter::kComplaintsHandled);
  } else if (std::holds_alternative<ComplaintReplied>(body)) {
    c.Add(Counter::kReplies);
  } else if (const auto* follow_up = std::get_if<ComplaintFollowedUp>(&body)) {
    c.Add(Counter::kFollowUps);
    c.AddIf(follow_up->satisfied, Counter::kFollowUpsSatisfied);
  } else if (std::holds_alternative<ComplaintReopened>(body)) {
    c.Add(Counter::kReopens);
  } else if (const auto* breached = std::get_if<ComplaintSlaBreached>(&body)) {
    c.Add(Counter::kSlaBreaches);
    c.AddIf(breached->target == SlaTargetKind::kFirstResponse, Counter::kFirstResponseDeadlines);
    c.AddIf(breached->target == SlaTargetKind::kResolution, Counter::kResolutionDeadlines);
  }
}

void AddIncident(const EventBody& body, const ContributionPolicy& policy, Collector& c) {
  if (const auto* acknowledged = std::get_if<IncidentAcknowledged>(&body)) {
    c.Add(Counter::kIncidentsAcknowledged);
    c.Add(Counter::kAcknowledgeSeconds, NonNegative(acknowledged->seconds));
  } else if (const auto* resolved = std::get_if<IncidentResolved>(&body)) {
    c.Add(Counter::kIncidentsResolved);
    c.Add(Counter::kRestoreSeconds, NonNegative(resolved->seconds));
  } else if (const auto* outage = std::get_if<IncidentOutage>(&body)) {
    if (CountsOutage(policy, outage->platform, OutageSource::kIncidents)) {
      c.Add(Counter::kOutageSeconds, NonNegative(outage->outage_seconds));
    }
  }
}

}  // namespace

std::vector<ReliabilityPlatform> DefaultReliabilityPlatforms() {
  std::vector<ReliabilityPlatform> out;
  for (std::string_view id : kContactPlatforms) {
    out.push_back({.id = std::string(id), .outages_from = OutageSource::kContact});
  }
  return out;
}

std::string_view CounterName(Counter counter) {
  const int i = static_cast<int>(counter);
  return i >= 0 && i < kCounterCount ? kCounterNames[i] : std::string_view();
}

bool IsBucketCounter(Counter counter) {
  const int i = static_cast<int>(counter);
  return (i >= static_cast<int>(Counter::kFirstResponseBucket0) &&
          i <= static_cast<int>(Counter::kFirstResponseBucketInf)) ||
         (i >= static_cast<int>(Counter::kResolutionBucket0) &&
          i <= static_cast<int>(Counter::kResolutionBucketInf));
}

std::optional<Counter> ParseCounter(std::string_view name) {
  for (int i = 0; i < kCounterCount; ++i) {
    if (kCounterNames[i] == name) return static_cast<Counter>(i);
  }
  return std::nullopt;
}

std::vector<Increment> Contributions(const Event& event, const ContributionPolicy& policy) {
  Collector c;
  const EventBody& body = event.body;
  if (std::holds_alternative<CallOffered>(body)) {
    c.Add(Counter::kCallsOffered);
  } else if (std::holds_alternative<CallAnswered>(body) ||
             std::holds_alternative<CallAbandoned>(body)) {
    AddCall(event, policy, c);
  } else if (const auto* ended = std::get_if<CallEnded>(&body)) {
    // Average handle time is over answered calls: an abandoned call's end
    // (a CTI reports its hang-up too) handled nothing.
    if (!ended->abandoned) {
      c.Add(Counter::kCallsEnded);
      c.Add(Counter::kHandleSeconds, NonNegative(ended->handle_seconds));
    }
  } else if (std::holds_alternative<ConsultationCreated>(body)) {
    c.Add(Counter::kConsultations);
  } else if (std::holds_alternative<ConsultationDispatched>(body)) {
    c.Add(Counter::kConsultationsDispatched);
  } else if (const auto* survey = std::get_if<SurveyAnswered>(&body)) {
    AddSurvey(*survey, policy, c);
  } else if (const auto* outage = std::get_if<OutageEnded>(&body)) {
    if (CountsOutage(policy, outage->platform, OutageSource::kContact)) {
      c.Add(Counter::kOutageSeconds, NonNegative(outage->outage_seconds));
    }
  } else {
    AddComplaint(body, c);
    AddIncident(body, policy, c);
  }
  return c.Take();
}

}  // namespace sqms::metrics::domain
