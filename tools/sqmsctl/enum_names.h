// The one place where operator-facing enum names are defined: short,
// case-insensitive names ("hotline", "safety", "p1", "high") derived from the
// proto enum value names by dropping their common prefix, plus a few aliases
// ("delay" for timeliness). UNSPECIFIED is never accepted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "absl/status/statusor.h"
#include "sqms/alerts/v1/service.pb.h"
#include "sqms/complaints/v1/types.pb.h"
#include "sqms/events/v1/complaint_event.pb.h"
#include "sqms/metrics/v1/service.pb.h"

namespace sqms::tools {

// Parses a short name ("hotline"), a full name ("CHANNEL_HOTLINE") or an
// alias, ignoring case and treating '-' as '_'. INVALID_ARGUMENT listing the
// accepted names otherwise. Defined for complaints::v1::{Channel, Category,
// Priority, Level, Status}, events::v1::ComplaintEventType and
// metrics::v1::{WindowSize, Direction} and alerts::v1::{IncidentState, Outcome,
// AlertStatus}.
template <typename E>
absl::StatusOr<E> ParseEnum(std::string_view name);

// The same rule for any SQMS enum by descriptor (used to read enum names in
// JSON files exactly as the flags read them): the value's number.
absl::StatusOr<int> ParseEnumValue(const google::protobuf::EnumDescriptor& descriptor,
                                   std::string_view name);

// Lower-case short name of a value ("hotline", "p1"); "-" for UNSPECIFIED and
// the decimal number for a value this build does not know.
template <typename E>
std::string EnumShortName(E value);

// Every accepted short name of E, in declaration order, without UNSPECIFIED.
template <typename E>
std::vector<std::string> EnumShortNames();

}  // namespace sqms::tools
