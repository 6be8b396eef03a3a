#include "services/alerts/app/request_ids.h"

#include "absl/strings/str_cat.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/hmac.h"

namespace sqms::alerts::app {
namespace {

// SHA-256 under a fixed, public key: the runtime's SHA-256. Nothing here is
// secret (the incident documents hold the same text in clear); the hash
// only keeps a binding short whatever the command's size.
constexpr char kFingerprintKey[] = "sqms.alerts.request-fingerprint.v1";

}  // namespace

absl::Status BindRequestId(ports::AlertStore& store, const std::string& request_id,
                           const std::string& canonical) {
  const std::string fingerprint = runtime::HmacSha256Hex(kFingerprintKey, canonical);
  absl::StatusOr<std::string> bound = store.BindRequest(request_id, fingerprint);
  if (!bound.ok()) return bound.status();
  if (*bound == fingerprint) return absl::OkStatus();
  return runtime::WithFieldViolations(
      absl::FailedPreconditionError(absl::StrCat(
          "request id \"", request_id,
          "\" was already used for a different command; a retry must resend the same command, "
          "a new command needs a new request id")),
      {{"request_id", "already used for a different command"}});
}

}  // namespace sqms::alerts::app
