#include "tools/sqmsctl/rpc_error.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
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
    google::rpc::RetryInfo retry;
    if (detail.UnpackTo(&bad_request)) {
      for (const auto& violation : bad_request.field_violations()) {
        out += "\n  field " + violation.field() + ": " + violation.description();
      }
    } else if (detail.UnpackTo(&retry) && retry.has_retry_delay()) {
      // A busy server refused the call before any work: the operator needs
      // to know that a rerun is safe, and when.
      const absl::Duration delay = absl::Seconds(retry.retry_delay().seconds()) +
                                   absl::Nanoseconds(retry.retry_delay().nanos());
      out += absl::StrCat("\n  retry after ", absl::FormatDuration(delay),
                          ": refused before any work, nothing was done");
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
