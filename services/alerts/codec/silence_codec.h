#pragma once
// Silences and maintenance windows <-> sqms.alerts.v1.Silence. On the wire
// a recurrence's start is local "HH:MM" and its weekdays "mon" … "sun"; an
// unset starts_at means "from now" (the app fills it in), an unset ends_at
// "for ever" (allowed only with a recurrence).

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/alerts/domain/silence.h"
#include "sqms/alerts/v1/service.pb.h"

namespace sqms::alerts::codec {

// `state` (domain::StateAt) and `muting` (domain::MutingAt) as of `now`; a recurring silence's windows are local
// times in `zone`.
::sqms::alerts::v1::Silence SilenceToProto(const domain::Silence& silence, absl::Time now,
                                           absl::TimeZone zone);

// The silence `in` describes (id and created_by copied — the app overwrites
// them on creation; state ignored), or INVALID_ARGUMENT
// carrying every problem as a field violation: "silence.matchers[0].value",
// "silence.recurrence.weekdays[1]", "silence.recurrence.start",
// "silence.starts_at" / "silence.ends_at" (outside the range a timestamp
// may name, codec/timestamp_codec.h: e.g. 9999-12-31 is the last day),
// "silence.ends_at" (unset without a recurrence), then
// domain::ValidateSilence's ("silence.matchers", "silence.ends_at", …).
absl::StatusOr<domain::Silence> SilenceFromProto(const ::sqms::alerts::v1::Silence& in);

}  // namespace sqms::alerts::codec
