#pragma once
// Checks any request message by reflection, so every field of every request
// of every service gets the same checks: enum values the schema does not
// know (proto3 enums are open and keep them), Timestamps outside
// 0001-01-01..9999-12-31 or with nanos outside [0, 1e9), repeated fields
// longer than kMaxRepeated and maps with more than kMaxMapEntries entries. What a field means
// (required, length limits, formats, ranges) stays with each service's validation. Pure,
// thread-safe.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace sqms::runtime {

inline constexpr int kMaxRepeated = 32;
// A map is a set of labels or scores: as many as an alert may carry
// (Prometheus practice; the alerts service's domain allows 64 labels).
inline constexpr int kMaxMapEntries = 64;

// google.protobuf.Timestamp's documented range in Unix seconds:
// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z. The one copy of these
// bounds: services and tools that check a time against them use these.
inline constexpr int64_t kMinTimestampSeconds = -62135596800;
inline constexpr int64_t kMaxTimestampSeconds = 253402300799;

// OK, or INVALID_ARGUMENT with one FieldViolation per malformed field,
// named by its proto path ("filter.statuses[2]", "period.label"); `prefix`
// (e.g. "filter.") is put before every path, for a message inside a request.
absl::Status CheckWellFormed(const google::protobuf::Message& request,
                             const std::string& prefix = "");

}  // namespace sqms::runtime
