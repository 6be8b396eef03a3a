#pragma once
// ListIncidents pages (AIP-158): newest opened first, `limit` at a time. A
// page token is the position of the last incident of its page in that
// order (ports::ListPosition: opened_at in Unix ms, id), bound to the
// filters of the request that got it (active_only, plan_id):
//   base64url("i1:<filters' fingerprint>:<opened_at ms>:<id>")
// (the runtime's keyset page token, sqms/runtime/page_token.h). The next
// page lists what was opened before that position, so incidents opened
// between two pages move nothing to another page: they are on the first.
// Pure functions.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "services/alerts/ports/alert_store.h"
#include "sqms/alerts/v1/service.pb.h"

namespace sqms::alerts::rpc {

// The position `request.page_token` continues after; nullopt for "" (the
// first page). INVALID_ARGUMENT with a violation on "page_token" when it is
// not a token from next_page_token, or is one of other filters.
absl::StatusOr<std::optional<runtime::PagePosition>> IncidentPageAfter(
    const v1::ListIncidentsRequest& request);

// The token of the page of `request` that continues after `last`.
std::string IncidentPageToken(const v1::ListIncidentsRequest& request, const ports::Incident& last);

}  // namespace sqms::alerts::rpc
