#pragma once
// Field violations as the alerts codecs collect them (runtime's
// FieldViolation, proto paths from the request: "plan.triggers[0].op").
// The domain reports some problems as a plain INVALID_ARGUMENT whose
// message reads "<field>: <problem>" (ValidateSilence, ValidateLabels);
// these helpers turn such a status into violations and merge them with the
// codec's own without reporting one problem twice.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::alerts::codec {

using Violations = std::vector<runtime::FieldViolation>;

// The violations `status` (not OK) stands for: those it carries, else one
// parsed from its message "<field>: <problem>" (a field is a path with no
// spaces), else one on `fallback_field` with the whole message.
Violations ViolationsOf(const absl::Status& status, std::string_view fallback_field);

// Whether `field` is already reported in `violations`: the same path, or an
// ancestor or descendant of a reported one ("triggers[0].matchers" and
// "triggers[0].matchers[1].op" overlap) — the same problem seen twice, once
// by the codec, once by the domain's check of what the codec built.
bool Overlaps(const Violations& violations, std::string_view field);

// Appends each of `more` that does not overlap one already in `*out`.
void Merge(Violations more, Violations* out);

}  // namespace sqms::alerts::codec
