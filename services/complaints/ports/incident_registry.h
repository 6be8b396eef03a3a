#pragma once
// The alerts service's active incidents, as every replica of the
// complaints service must see them (known issues: domain/known_issue.h).
// Filled from sqms.incidents.v1 by whichever replica consumes an
// incident's partition; read by all.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/complaints/domain/known_issue.h"

namespace sqms::complaints::ports {

// Thread-safe. Every method returns UNAVAILABLE when the store is down.
class IncidentRegistry {
 public:
  virtual ~IncidentRegistry() = default;

  // Records `incident` as active (replacing what was recorded of it),
  // unless it ended already: a redelivered older event never revives an
  // ended incident. Atomic.
  virtual absl::Status Activate(const domain::ActiveIncident& incident) = 0;
  // `incident_id` ended (resolved or closed): no longer active, and
  // remembered as ended. Idempotent. Atomic.
  virtual absl::Status End(const std::string& incident_id) = 0;
  // Every active incident, in no particular order.
  virtual absl::StatusOr<std::vector<domain::ActiveIncident>> Active() = 0;
};

}  // namespace sqms::complaints::ports
