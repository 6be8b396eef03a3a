#pragma once
// The base quantities every KPI is a formula over. An event adds to
// counters (Contributions); a KPI value is computed from the counters of one
// window and unit (kpi.h). Counters are integers and only ever added to, so
// partial sums from any number of partitions merge by addition — the
// property the exactly-once state relies on.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "services/metrics/domain/duration_buckets.h"
#include "services/metrics/domain/event.h"

namespace sqms::metrics::domain {

enum class Counter : int {
  kCallsOffered,
  kCallsAnswered,
  kCallsAnsweredInTime,       // answered within the channel's service-level T
  kCallsAbandoned,
  kCallsAbandonedShort,       // abandoned before S seconds: out of service level
  kServiceLevelCalls,         // answered + abandoned after S seconds: the service level's base
  kAnswerWaitSeconds,         // sum over answered calls
  kCallsEnded,
  kHandleSeconds,             // sum over ended calls
  kConsultations,
  kConsultationsDispatched,
  kRatings,                   // surveys with the unsatisfied question answered
  kRatingsUnsatisfied,
  kCsatResponses,
  kCsatSatisfied,             // 4 or 5
  kNpsResponses,
  kNpsPromoters,              // 9 or 10
  kNpsDetractors,             // 0..6
  kCsiWeightedScore,          // sum over surveys of Σ w_d·score_d, ×1000 (integer)
  kCsiWeight,                 // sum over surveys of Σ w_d over answered dims, ×1000
  kOutageSeconds,
  kComplaints,
  kComplaintsDuplicate,
  kFirstResponses,
  kFirstResponsesOnTime,
  kFirstResponseSeconds,
  kResolutions,
  kResolutionsOnTime,
  kResolutionSeconds,
  kReplies,
  kFollowUps,
  kFollowUpsSatisfied,
  kReopens,
  kSlaBreaches,
  kIncidentsAcknowledged,     // incidents acknowledged (first acknowledgement only)
  kAcknowledgeSeconds,        // sum over them of acknowledged_at − opened_at
  kIncidentsResolved,         // incidents resolved (first resolution only)
  kRestoreSeconds,            // sum over them of resolved_at − opened_at
  // First-contact resolution (reopen.h): complaints resolved for the first
  // time (no reopen before), and of those the ones reopened later — added
  // by the reopen to the window of the resolution it revokes.
  kFirstResolutions,
  kFirstResolutionsRevoked,
  // SLA compliance's bases: each first-response (resolution) deadline once
  // it is decided — met on time, breached, or met late with no breach
  // reported (event.h SlaMet). An overdue complaint still unanswered counts
  // as missed from its breach on, not only once answered. A reopen starts
  // a new handling cycle with a resolution deadline of its own.
  kFirstResponseDeadlines,
  kResolutionDeadlines,
  // Of those, the ones met on time: counted only with the two above, so a
  // window never has a numerator without its denominator (the older
  // first_responses_on_time and resolutions_on_time began before them).
  kFirstResponseDeadlinesMet,
  kResolutionDeadlinesMet,
  // Duration histograms (duration_buckets.h): first responses and
  // resolutions by the bucket their seconds fall in, kDurationBucketCount
  // contiguous counters each, from bucket 0 (<= 5 min) to +inf.
  kFirstResponseBucket0,
  kFirstResponseBucketInf = kFirstResponseBucket0 + kDurationBucketCount - 1,
  kResolutionBucket0,
  kResolutionBucketInf = kResolutionBucket0 + kDurationBucketCount - 1,
  // The handling rate's cohort (kpi.cc): complaints that are not linked
  // duplicates, counted at submission, and of those the ones handled (first
  // resolution), counted in the windows of their receipt (ComplaintHandled).
  // Appended: counters are never inserted before others.
  kComplaintsOriginal,
  kComplaintsHandled,
  kCount  // not a counter: the number of them
};
inline constexpr int kCounterCount = static_cast<int>(Counter::kCount);

// The counter of bucket `bucket` (0..kDurationBucketCount − 1) of the
// histogram whose bucket 0 is `first` (kFirstResponseBucket0,
// kResolutionBucket0).
constexpr Counter BucketCounter(Counter first, int bucket) {
  return static_cast<Counter>(static_cast<int>(first) + bucket);
}
// Whether `counter` is a histogram bucket (not exported per department to
// Prometheus: 30 series per department for figures the store answers).
bool IsBucketCounter(Counter counter);

// Stable names (Redis fields, Prometheus labels), e.g. "calls_offered";
// buckets "first_response_bucket_300" … "first_response_bucket_inf" and
// "resolution_bucket_300" … (named by their upper bound in seconds).
std::string_view CounterName(Counter counter);
std::optional<Counter> ParseCounter(std::string_view name);

// The counters of one window and unit, indexed by Counter.
using CounterValues = std::array<int64_t, kCounterCount>;

// Service-level thresholds of one channel (requirements §2 "service level":
// answered within T s / (answered + abandoned after S s or more): abandons
// shorter than S s are left out of both).
struct ServiceLevelPolicy {
  int64_t answer_within_seconds = 20;  // T
  int64_t short_abandon_seconds = 5;   // S
};

// Where a platform's outages are reported: outage_ended contact events, or
// incidents of an outage plan (sqms.incidents.v1). One source per platform,
// so that an outage reported both ways counts once.
enum class OutageSource { kContact, kIncidents };
// A platform whose outages count for system reliability (requirements §2:
// call platform, backbone network, business support system, regional
// systems), by its id: a contact event's platform ("call_platform", ...) or
// an incident's platform label (else its service label).
struct ReliabilityPlatform {
  std::string id;
  OutageSource outages_from = OutageSource::kContact;
};
// The platforms contact events name (sqms.events.v1.Platform, as the codec
// spells them): the handbook's four.
inline constexpr std::string_view kContactPlatforms[] = {"call_platform", "backbone_network",
                                                         "business_support", "regional_system"};
// The handbook's four, their outages from the contact events.
std::vector<ReliabilityPlatform> DefaultReliabilityPlatforms();

// What turns events into counter increments; from the service's config.
struct ContributionPolicy {
  ServiceLevelPolicy default_service_level;
  std::vector<std::pair<std::string, ServiceLevelPolicy>> service_level_by_channel;
  std::vector<std::pair<std::string, double>> csi_weights;  // dimension -> weight
  // An outage counts only on a listed platform, and only from its source.
  std::vector<ReliabilityPlatform> reliability_platforms = DefaultReliabilityPlatforms();
};

struct Increment {
  Counter counter;
  int64_t by = 0;
};

// The counter increments of one event, never one by 0. Pure; never fails:
// an event that counts for nothing gives an empty list. Negative durations
// count as 0.
std::vector<Increment> Contributions(const Event& event, const ContributionPolicy& policy);

}  // namespace sqms::metrics::domain
