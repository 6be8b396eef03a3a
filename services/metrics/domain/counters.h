#pragma once
// The base quantities every KPI is a formula over. An event adds to
// counters (Contributions); a KPI value is computed from the counters of one
// window and unit (kpi.h). Counters are integers and only ever added to, so
// partial sums from any number of partitions merge by addition — the
// property the exactly-once state relies on.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

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
  kCount  // not a counter: the number of them
};
inline constexpr int kCounterCount = static_cast<int>(Counter::kCount);

// Stable names (Redis fields, Prometheus labels), e.g. "calls_offered".
std::string_view CounterName(Counter counter);
std::optional<Counter> ParseCounter(std::string_view name);

// The counters of one window and unit, indexed by Counter.
using CounterValues = std::array<int64_t, kCounterCount>;

// Service-level thresholds of one channel (requirements §2 "service level":
// answered within T s / offered, abandons shorter than S s excluded).
struct ServiceLevelPolicy {
  int64_t answer_within_seconds = 20;  // T
  int64_t short_abandon_seconds = 5;   // S
};

// What turns events into counter increments; from the service's config.
struct ContributionPolicy {
  ServiceLevelPolicy default_service_level;
  std::vector<std::pair<std::string, ServiceLevelPolicy>> service_level_by_channel;
  std::vector<std::pair<std::string, double>> csi_weights;  // dimension -> weight
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
