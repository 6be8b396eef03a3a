#pragma once
// Checks of a request that need its proto shape, run by the handlers before
// the request becomes a domain value. Field paths follow one convention
// (docs/api.md, "Field paths"): relative to the request message, dotted,
// repeated elements as name[i] ("filter.statuses[2]", "occurred_at.nanos").
//
// CheckWellFormed (runtime/well_formed.h) walks any request by reflection;
// what a field means (required, length limits, formats, ranges) stays with
// the domain's validation.

#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "sqms/complaints/v1/service.pb.h"
#include "sqms/runtime/well_formed.h"

namespace sqms::complaints::rpc {

// The reflection walk lives in the runtime (well_formed.h).
using runtime::CheckWellFormed;
using runtime::kMaxRepeated;

// CheckWellFormed plus the filter's own rules: no UNSPECIFIED in the
// repeated enums, strings at most 128 characters of valid UTF-8,
// created_after < created_before. `prefix` is "filter.".
absl::Status CheckFilter(const ::sqms::complaints::v1::ComplaintFilter& filter,
                         const std::string& prefix);

// Violations from app/domain name LifecycleRequest's fields as "command.<f>"
// or (for the id) "id". Rewrites them to the request's own path: "<f>" when
// the request is a bare LifecycleRequest (StartHandling, ...), "command.<f>"
// when it is wrapped (AssignComplaint, ...). Keeps the status code.
absl::Status RebaseCommandPaths(const absl::Status& status, bool wrapped);

}  // namespace sqms::complaints::rpc
