#include "tools/sqmsctl/rpc_error.h"

#include <array>

#include "google/rpc/error_details.pb.h"

namespace sqms::tools {

std::string StatusCodeName(int code) {
  static constexpr std::array<const char*, 17> kNames = {
      "OK",
      "CANCELLED",
      "UNKNOWN",
      "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED",
      "NOT_FOUND",
      "ALREADY_EXISTS",
      "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION",
      "ABORTED",
      "OUT_OF_RANGE",
      "UNIMPLEMENTED",
      "INTERNAL",
      "UNAVAILABLE",
      "DATA_LOSS",
      "UNAUTHENTICATED",
  };
  if (code >= 0 && code < static_cast<int>(kNames.size())) return kNames[code];
  return "CODE_" + std::to_string(code);
}

std::string FormatRpcStatus(const google::rpc::Status& status) {
  std::string out = StatusCodeName(status.code()) + ": " + status.message();
  for (const google::protobuf::Any& detail : status.details()) {
    google::rpc::BadRequest bad_request;
    if (!detail.UnpackTo(&bad_request)) continue;
    for (const auto& violation : bad_request.field_violations()) {
      out += "\n  field " + violation.field() + ": " + violation.description();
    }
  }
  return out;
}

std::string FormatGrpcError(const grpc::Status& status) {
  google::rpc::Status rich;
  if (status.error_details().empty() || !rich.ParseFromString(status.error_details())) {
    rich.Clear();
  }
  // The trailer may be absent or disagree; the call's own code and message win.
  rich.set_code(static_cast<int>(status.error_code()));
  rich.set_message(status.error_message());
  return FormatRpcStatus(rich);
}

}  // namespace sqms::tools
