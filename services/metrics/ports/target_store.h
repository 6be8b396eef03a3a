#pragma once
// Where the target monitor keeps each (target, unit)'s state and publishes
// its events: the state change and the events it causes are one atomic
// compare-and-set, so of any number of replicas evaluating the same
// figures exactly one publishes each breach and recovery. The surge monitor
// (app/surge_monitor.h) keeps its rules' statuses here too, the same way.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/metrics/domain/kpi.h"
#include "services/metrics/domain/target.h"
#include "services/metrics/domain/window.h"

namespace sqms::metrics::ports {

struct TargetStatus {
  domain::TargetState state = domain::TargetState::kUnknown;
  int misses = 0;               // closed windows in a row that missed the target
  std::string last_closed;      // label of the last closed window counted in `misses`;
                                // of a surge rule: the last window that surged
                                // (and `state` kBreached while that surge is in
                                // force, kMet once it ended)
  std::string decided_in;       // label of the window whose value decided `state`
                                // ("" before any decision; targets only)
  bool operator==(const TargetStatus&) const = default;
};

enum class TargetEventType { kBreached, kRecovered, kMissedRepeatedly, kSurge, kSurgeEnded };

// What a surge event adds (domain/surge.h).
struct SurgeFigures {
  std::optional<double> baseline;  // the mean of the baseline weeks; none without data
  int baseline_weeks = 0;          // how many weeks had data
  double factor = 0;               // the rule's factor
};

struct TargetEvent {
  TargetEventType type = TargetEventType::kBreached;
  domain::Target target;        // of a surge: kpi, dimension, window and the
                                // threshold the count reached (SurgeDecision)
  const domain::KpiDefinition* kpi = nullptr;
  std::string unit;
  std::string period;           // the window's label
  domain::KpiValue value;
  int misses = 0;
  SurgeFigures surge;           // kSurge only
  absl::Time at;
};

class TargetStore {
 public:
  virtual ~TargetStore() = default;
  // Every unit's status of `target_id` (absent: kUnknown, never evaluated).
  virtual absl::StatusOr<std::map<std::string, TargetStatus>> Load(const std::string& target_id) = 0;
  // If the stored status of (target_id, unit) is `expected`, stores `next`
  // and queues `events` for publishing, atomically; false (nothing written)
  // when another replica changed it first. UNAVAILABLE / DEADLINE_EXCEEDED:
  // unknown outcome — the next evaluation re-reads the status.
  virtual absl::StatusOr<bool> Transition(const std::string& target_id, const std::string& unit,
                                          const TargetStatus& expected, const TargetStatus& next,
                                          const std::vector<TargetEvent>& events) = 0;
  // The last `limit` events queued by Transition, newest first, as the
  // sqms.kpi.v1 payloads published (at most the last 1,000 are kept).
  virtual absl::StatusOr<std::vector<std::string>> RecentEvents(int limit) = 0;
};

}  // namespace sqms::metrics::ports
