#pragma once
// absl::Status → grpc::Status, in exactly one place. Field violations
// (field_violation.h) become a google.rpc.BadRequest detail; a retry delay
// (WithRetryDelay) becomes a google.rpc.RetryInfo detail.

#include <optional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "sqms/runtime/field_violation.h"

namespace grpc { class Status; }
namespace google::rpc { class Status; }

namespace sqms::runtime {

// `status` (not OK) telling the client to retry after `delay`, e.g. a full
// queue: WithRetryDelay(absl::ResourceExhaustedError(...), absl::Milliseconds(50)).
// Carried as a payload; ToGrpcStatus/ToRpcStatusProto turn it into
// google.rpc.RetryInfo{retry_delay} and FromGrpcStatus back (ms precision).
absl::Status WithRetryDelay(absl::Status status, absl::Duration delay);
// The retry delay `status` carries, if any.
std::optional<absl::Duration> RetryDelay(const absl::Status& status);

// Same code and message; violations become a serialized google.rpc.Status
// with a BadRequest detail in grpc::Status::error_details().
grpc::Status ToGrpcStatus(const absl::Status& status);
// For per-item errors inside a stream.
google::rpc::Status ToRpcStatusProto(const absl::Status& status);
// Client side: code, message, BadRequest violations and RetryInfo back.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace sqms::runtime
