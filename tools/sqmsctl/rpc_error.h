// Operator-readable rendering of gRPC errors, including the
// google.rpc.BadRequest field violations the SQMS services attach.
#pragma once

#include <grpcpp/support/status.h>

#include <string>
#include <string_view>

#include "google/rpc/status.pb.h"

namespace sqms::tools {

// "UNAVAILABLE", "INVALID_ARGUMENT", ...; "CODE_<n>" for unknown values.
std::string StatusCodeName(int code);

// Renders "CODE: message" followed by one indented line per field violation
// ("  field <name>: <description>") found in status.details, and for a
// google.rpc.RetryInfo (a busy server: RESOURCE_EXHAUSTED) "  retry after
// <delay>: refused before any work, nothing was done". No trailing newline.
std::string FormatRpcStatus(const google::rpc::Status& status);

// Same for a failed call: parses status.error_details() as google.rpc.Status
// when present, else uses the code and message alone.
std::string FormatGrpcError(const grpc::Status& status);

}  // namespace sqms::tools
