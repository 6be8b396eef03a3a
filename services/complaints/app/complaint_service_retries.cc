// ComplaintService's retry checks: idempotency keys of submissions and
// request ids of lifecycle commands (docs/api.md, "Retries").
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/cord.h"
#include "services/complaints/app/complaint_service.h"
#include "services/complaints/domain/request_fingerprint.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/hmac.h"

namespace sqms::complaints::app {
namespace {

// FAILED_PRECONDITION carrying one field violation (google.rpc.BadRequest
// at the gRPC boundary), so clients see which field to change.
absl::Status Refused(std::string message, std::string field, std::string description) {
  return runtime::WithFieldViolations(absl::FailedPreconditionError(std::move(message)),
                                      {{std::move(field), std::move(description)}});
}

}  // namespace

std::string ComplaintService::IdempotencyScope(const std::string& subject,
                                               const std::string& key) {
  if (key.empty()) return "";
  return absl::StrCat(subject.size(), ":", subject, key);  // length-prefixed: no ambiguity
}

std::string ComplaintService::RequestFingerprint(const std::string& canonical) const {
  return runtime::HmacSha256Hex(pii_key_, absl::StrCat("request-fingerprint|", canonical));
}

absl::StatusOr<std::string> ComplaintService::KeyBinding(
    const absl::StatusOr<ports::IdempotencyReservation>& held, const std::string& fingerprint,
    const std::string& key) {
  if (!held.ok()) return held.status();
  if (held->request_fingerprint != fingerprint) {
    return Refused(absl::StrCat("idempotency key \"", key,
                                "\" was already used for a different request; a retry must "
                                "resend the same request, a new complaint needs a new key"),
                   "idempotency_key", "already used for a different request");
  }
  return held->complaint_id;
}

absl::StatusOr<std::optional<domain::Complaint>> ComplaintService::FirstOutcome(
    const std::string& id, const std::string& request_id, const std::string& fingerprint) {
  auto recorded = repository_.FindRequest(id, request_id);
  if (!recorded.ok()) return recorded.status();
  if (!*recorded) return std::nullopt;
  if ((*recorded)->request_fingerprint != fingerprint) {
    return Refused(absl::StrCat("request id \"", request_id, "\" was already used for a "
                                "different command on complaint ", id,
                                "; a retry must resend the same command, a new command needs "
                                "a new request id"),
                   "command.request_id", "already used for a different command");
  }
  return std::move((*recorded)->complaint);
}

}  // namespace sqms::complaints::app
