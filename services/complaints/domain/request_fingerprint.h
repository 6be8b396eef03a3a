#pragma once
// Canonical encodings of a request, for retry checks (docs/api.md,
// "Retries"). A retry must be the same request: the service keeps a keyed
// hash (HMAC-SHA-256 under the PII key, so a stored fingerprint does not
// let anyone test guesses of a phone number) of these bytes with the
// idempotency key or request id, and refuses a retry whose hash differs.
//
// The encoding is every field the request carries, in a fixed order, each
// as "<name>=<length>:<bytes>;" so no two different requests encode alike.
// Volatile fields are left out: the idempotency key / request id itself (it
// is what the fingerprint is stored under) and the time the service saw the
// request (Command::now). Pure functions; thread-safe.

#include <cstdint>
#include <string>

#include "services/complaints/domain/contact_event.h"
#include "services/complaints/domain/lifecycle.h"
#include "services/complaints/domain/model.h"

namespace sqms::complaints::domain {

// Everything a submission asks for but its idempotency_key.
std::string CanonicalSubmission(const Submission& submission);

// A lifecycle command on one complaint: the complaint id, expected version,
// kind, actor and payload; not `now` and not `request_id`.
std::string CanonicalCommand(const std::string& complaint_id, int64_t expected_version,
                             const Command& command);

// A contact event as its sender sent it (before CompleteContactEvent fills
// in what the contact's record knows): every field but event_id, which the
// fingerprint is stored under.
std::string CanonicalContactEvent(const ContactEvent& event);

}  // namespace sqms::complaints::domain
