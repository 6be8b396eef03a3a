#pragma once
// What the alerts codec tests check of a refused input: the fields named by
// the status's violations, and that they reach the client as a
// google.rpc.BadRequest detail (runtime::ToGrpcStatus).

#include <set>
#include <string>

#include "absl/status/status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/status.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/grpc_status.h"

namespace sqms::alerts::codec::testing {

inline std::set<std::string> Fields(const absl::Status& status) {
  std::set<std::string> out;
  for (const auto& v : runtime::FieldViolations(status)) out.insert(v.field);
  return out;
}

// The fields of the BadRequest detail the client receives ({} when none).
inline std::set<std::string> BadRequestFields(const absl::Status& status) {
  const grpc::Status wire = runtime::ToGrpcStatus(status);
  google::rpc::Status proto;
  google::rpc::BadRequest bad_request;
  std::set<std::string> out;
  if (!proto.ParseFromString(wire.error_details()) || proto.details_size() != 1 ||
      !proto.details(0).UnpackTo(&bad_request)) {
    return out;
  }
  for (const auto& v : bad_request.field_violations()) out.insert(v.field());
  return out;
}

}  // namespace sqms::alerts::codec::testing
