#pragma once
// Emergency plans and risks <-> sqms.alerts.v1.Plan / Risk. Durations are
// whole seconds on the wire (ack_timeout_seconds, within_seconds,
// ack_expiry_seconds); levels are "I" … "IV".

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/alerts/domain/plan.h"
#include "services/alerts/domain/risk.h"
#include "sqms/alerts/v1/service.pb.h"

namespace sqms::alerts::codec {

::sqms::alerts::v1::Plan PlanToProto(const domain::Plan& plan);

// The plan `in` describes, or INVALID_ARGUMENT carrying EVERY problem as a
// field violation named by its path in the request ("plan.level",
// "plan.triggers[0].matchers[1].op", "plan.escalation[0].ack_timeout_seconds"):
// the codec's own (level, matchers) and domain::ValidatePlan's. References
// (risk_id, targets, "rotation:<id>") are not checked against the catalog
// here; app::PlanChanges::Upsert does that.
absl::StatusOr<domain::Plan> PlanFromProto(const ::sqms::alerts::v1::Plan& in);

// A fingerprint of everything in `plan` but its version: 16 hex digits of
// FNV-1a over its encoding as sqms.alerts.v1.Plan (no map fields, so the
// encoding is stable). Equal plans give equal fingerprints in every process;
// a field added to the codec is covered at once. The seed of a stored plan
// (domain/plan_source.h).
std::string PlanFingerprint(const domain::Plan& plan);

// The risk with its score, level and the ids of `plans` naming it.
::sqms::alerts::v1::Risk RiskToProto(const domain::Risk& risk,
                                     const std::vector<domain::Plan>& plans);

}  // namespace sqms::alerts::codec
