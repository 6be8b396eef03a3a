#pragma once
// absl::Status → grpc::Status, in exactly one place. Field violations
// (field_violation.h) become a google.rpc.BadRequest detail.

#include "absl/status/status.h"
#include "sqms/runtime/field_violation.h"

namespace grpc { class Status; }
namespace google::rpc { class Status; }

namespace sqms::runtime {

// Same code and message; violations become a serialized google.rpc.Status
// with a BadRequest detail in grpc::Status::error_details().
grpc::Status ToGrpcStatus(const absl::Status& status);
// For per-item errors inside a stream.
google::rpc::Status ToRpcStatusProto(const absl::Status& status);
// Client side: code, message and BadRequest violations back.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace sqms::runtime
