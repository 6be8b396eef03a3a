#pragma once
// ListMutedAlerts pages (AIP-158): the kept alerts that matched one set of
// filters, oldest kept first (kept_at, then fingerprint), `limit` at a
// time. A page token is the position of the last alert of its page, bound
// to the filters of the request that got it:
//   base64url("m1:<filters' fingerprint>:<kept_at, Unix ns>:<fingerprint>")
// (the runtime's keyset page token, sqms/runtime/page_token.h).
// The next page lists what comes after that position, so an alert kept or
// decided again between two pages moves no other alert to another page.
// The fingerprint catches a token sent with other filters; it does not
// authenticate (a client may list those filters anyway). Pure functions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/alerts/app/incident_commands.h"
#include "services/alerts/ports/alert_store.h"
#include "sqms/runtime/page_token.h"

namespace sqms::alerts::rpc {

struct MutedPage {
  std::vector<const ports::MutedAlert*> alerts;  // into the list paged
  std::string next_page_token;                   // "" when nothing follows
};

// The position `page_token` continues after; nullopt for "" (the first
// page). INVALID_ARGUMENT with a violation on "page_token" when it is not a
// token from next_page_token, or is one of other filters. Checked before
// the kept alerts are read.
absl::StatusOr<std::optional<runtime::PagePosition>> MutedPageAfter(
    const app::MutedAlertFilter& filter, std::string_view page_token);

// The page of `matched` (sorted oldest kept first, all that matched
// `filter`) after `after` (MutedPageAfter; nullopt: the first), at most
// `limit` alerts.
MutedPage PageOfMuted(const std::vector<ports::MutedAlert>& matched,
                      const app::MutedAlertFilter& filter,
                      const std::optional<runtime::PagePosition>& after, int limit);

}  // namespace sqms::alerts::rpc
