#pragma once
// Loads the triage configuration (categories and keywords, urgency,
// importance, priority matrix, departments, routing, SLA per priority,
// business calendar, duplicate window, idempotency TTL) from YAML. The
// shipped default is services/complaints/config/triage.yaml, which documents
// every key.
//
// Strict: unknown keys, unknown names (category, level, priority, weekday),
// a missing `departments` list, a routing rule or default department not in
// it, a missing SLA priority, bad durations, time zones, hours or dates are
// all errors. Durations are "30m", "4h", "2d", "45s" or combinations
// ("1h30m"); on a business-hours SLA clock "d" means one business day of
// open time (calendar.business_day, default 8h), on a 24x7 clock 24 hours.
//
// Thread-safe (no shared state). Never throws.

#include <string>

#include "absl/status/statusor.h"
#include "services/complaints/domain/triage.h"

namespace sqms::complaints::config {

// Reads and validates `path`. INVALID_ARGUMENT "<path>: <key path>: <problem>"
// for bad content (e.g. `triage.yaml: sla.P2.resolution: "4x" is not a
// duration (use 30m, 4h, 2d)`); NOT_FOUND when the file cannot be read.
absl::StatusOr<domain::TriageConfig> LoadTriageConfig(const std::string& path);

// The same from a YAML document in memory; `name` stands for the file name
// in messages.
absl::StatusOr<domain::TriageConfig> LoadTriageConfigFromString(const std::string& yaml,
                                                               const std::string& name);

}  // namespace sqms::complaints::config
