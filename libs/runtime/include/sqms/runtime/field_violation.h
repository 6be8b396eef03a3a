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
// The violations carried by `status` (empty if none).
std::vector<FieldViolation> FieldViolations(const absl::Status& status);

}  // namespace sqms::runtime
