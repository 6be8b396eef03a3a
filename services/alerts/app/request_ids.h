#pragma once
// A request id names one command (docs/alerts.md, "Request ids"). Every
// command that takes one — the incident commands, StartDrill, CreateSilence,
// RaiseAlert — first binds its request id to a fingerprint of the command
// (SHA-256 of domain/request_fingerprint.h's encoding) through
// AlertStore::BindRequest, and only then looks for an earlier outcome or
// applies anything. So a retry of the same command finds its own binding and
// goes on to its first outcome (the replay paths of each use case), while
// the same id with a different command — another kind, another incident or
// plan, another payload, another actor — is refused before anything is read
// or written under it. The binding is atomic (set-if-absent) and never
// replaced while any record kept under the id lives, so two different
// commands racing under one id cannot both get through.

#include <string>

#include "absl/status/status.h"
#include "services/alerts/ports/alert_store.h"

namespace sqms::alerts::app {

// OK when `request_id` was unused (it is bound now) or came with this same
// command (`canonical`, a domain/request_fingerprint.h encoding) before.
// FAILED_PRECONDITION when it came with a different command, with a
// google.rpc.BadRequest violation on "request_id" (the field's path in
// every alerts request) and a message saying so; nothing is changed. A
// store error as it came. An empty `request_id` is the caller's to refuse
// first (INVALID_ARGUMENT). Thread-safe.
absl::Status BindRequestId(ports::AlertStore& store, const std::string& request_id,
                           const std::string& canonical);

}  // namespace sqms::alerts::app
