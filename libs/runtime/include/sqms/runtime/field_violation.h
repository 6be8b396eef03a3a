#pragma once
// INVALID_ARGUMENT with per-field violations, carried as an absl::Status
// payload so pure code (domains) can report them without gRPC. grpc_status.h
// turns them into google.rpc.BadRequest at the boundary.

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace sqms::runtime {

struct FieldViolation {
  std::string field;        // proto path, e.g. "complainant.phone"
  std::string description;  // what is wrong, for a human
};

// INVALID_ARGUMENT whose message lists the fields, carrying the violations.
// An empty list returns OK.
absl::Status InvalidArgument(std::vector<FieldViolation> violations);
// `status` (its code and message kept) carrying `violations` the way
// InvalidArgument does: e.g. FAILED_PRECONDITION or PERMISSION_DENIED that
// still names the field to change. `status` must not be OK.
absl::Status WithFieldViolations(absl::Status status, const std::vector<FieldViolation>& violations);
// The violations carried by `status` (empty if none).
std::vector<FieldViolation> FieldViolations(const absl::Status& status);

}  // namespace sqms::runtime
