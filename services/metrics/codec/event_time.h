#pragma once
// The event time every decoder reads the same way: an event's occurred_at
// dates it into its windows, so an event without one, or dated outside the
// time KPIs cover (domain::Covered: 1970 to 8999), cannot be counted.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace sqms::metrics::codec {

// A Timestamp as an absl::Time (no range check).
absl::Time ToTime(const google::protobuf::Timestamp& t);

// Field `field` of event `event_id` of `kind` ("complaint event", ...):
// INVALID_ARGUMENT "<kind> <event_id>: <field> <time> is outside the time
// KPIs cover (1970 to 8999)" when not domain::Covered.
absl::StatusOr<absl::Time> CoveredTime(const google::protobuf::Timestamp& t, const char* field,
                                       const char* kind, const std::string& event_id);

// A time field an event must carry, e.g. "complaint.received_at":
// INVALID_ARGUMENT "<kind> <event_id>: <field> is not set" when `has` is
// false, else CoveredTime's.
absl::StatusOr<absl::Time> RequiredTime(bool has, const google::protobuf::Timestamp& t,
                                        const char* field, const char* kind,
                                        const std::string& event_id);

// `occurred_at` of event `event_id` of `kind` ("complaint event", ...):
// INVALID_ARGUMENT "<kind> <event_id>: occurred_at is not set" when
// `has_occurred_at` is false, "...: occurred_at <time> is outside the time
// KPIs cover (1970 to 8999)" when not domain::Covered.
absl::StatusOr<absl::Time> EventTime(bool has_occurred_at,
                                     const google::protobuf::Timestamp& occurred_at,
                                     const char* kind, const std::string& event_id);

}  // namespace sqms::metrics::codec
