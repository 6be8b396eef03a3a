#pragma once
// Keyset page tokens (AIP-158): the one form of every List of the suite
// that pages (ListComplaints, ListMutedAlerts, ListIncidents).
//
//   base64url("<kind>:<filters>:<at>:<key>")
//
//   kind     a short tag naming the list, and its order where it has more
//            than one ("v2", "d2", "m1", "i1"); a list takes a new kind when
//            the meaning of its positions changes.
//   filters  PageFilters(): 16 hex digits of an HMAC-SHA256 over the
//            canonical encoding of the filters of the request that got the
//            token. A token sent with other filters is refused instead of
//            silently paging another list; the page size may change.
//   at, key  the keyset position the next page continues after: a number
//            (a time in ms or ns) and a string that breaks ties (an id).
//
// Keyset, not offset: an item written or removed between two pages moves no
// other item to another page. The filters fingerprint catches a token resent
// with the wrong request; it does not authenticate (a client can make a
// token for any filters it may send anyway, and see nothing more with it).
// Pure functions, thread-safe.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sqms::runtime {

// Where a page ends, in the list's order.
struct PagePosition {
  int64_t at = 0;
  std::string key;
  auto operator<=>(const PagePosition&) const = default;
};

struct PageToken {
  std::string kind;
  std::string filters;  // PageFilters() of the request that got it
  PagePosition after;
};

// 16 lower-case hex digits of HMAC-SHA256 under `purpose` (a name of the
// list that keeps its hashes apart from every other HMAC of the suite) over
// `canonical_filters` (CanonicalFields of every filter, in a fixed order).
std::string PageFilters(std::string_view purpose, std::string_view canonical_filters);

std::string EncodePageToken(const PageToken& token);

// The token `text` encodes; nullopt when it is not of the form above (or
// is longer than 1 KiB, which no token of ours is).
std::optional<PageToken> ParsePageToken(std::string_view text);

// The refusals, INVALID_ARGUMENT with a violation on "page_token":
//   "not a token from next_page_token"
absl::Status NotAPageToken();
//   "belongs to other filters: send it with <resend>"; `resend` names what
//   must be the same as in the request whose answer held the token.
absl::Status PageTokenOfOtherFilters(std::string_view resend);

// The tokens of one list: its kind, the HMAC purpose of its filters and
// what a refusal tells the client to resend. A constant per list:
//   constexpr runtime::PageTokens kTokens{"i1", "sqms.alerts.v1.ListIncidents",
//                                         "the active_only and plan_id of ..."};
class PageTokens {
 public:
  constexpr PageTokens(std::string_view kind, std::string_view purpose, std::string_view resend)
      : kind_(kind), purpose_(purpose), resend_(resend) {}

  // The token of the page after `after` of a request with these filters.
  std::string Encode(std::string_view canonical_filters, const PagePosition& after) const;
  // The position `text` continues after, for a request whose filters are
  // `canonical_filters`: nullopt for "" (the first page); NotAPageToken()
  // when it is not a token of this kind; PageTokenOfOtherFilters(resend)
  // when it is one of other filters.
  absl::StatusOr<std::optional<PagePosition>> Decode(std::string_view text,
                                                     std::string_view canonical_filters) const;

 private:
  std::string_view kind_, purpose_, resend_;  // literals
};

}  // namespace sqms::runtime
