#pragma once
// ListComplaints page tokens: the one encoding every ComplaintRepository
// writes and reads (the Redis store, redis_list_page.cc, and the in-memory
// fake of the tests), so both refuse the same tokens.
//
// A token is the runtime's keyset page token (sqms/runtime/page_token.h),
// bound to the query that returned it (AIP-158):
//   base64url("<v2|d2>:<query fingerprint>:<position ms>:<position id>")
// — its kind names the order ("v2" received, "d2" next due), then
// ListQueryFingerprint of the query and the keyset position the next page
// continues after. Sent with a query whose filters or order differ, it is
// refused; page_size may change between pages.
//
// Tokens of the form before the binding, "v1:"/"d1:" + ms + ":" + id (no
// fingerprint), come from replicas not yet upgraded: they are accepted as
// before, with only their order checked, so a client paging across a
// rolling upgrade continues; the token of its next page is bound.
//
// Pure functions, thread-safe.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "services/complaints/ports/complaint_repository.h"
#include "sqms/runtime/page_token.h"

namespace sqms::complaints::adapters {

// A position in the query's order: `at` the received (or next due) time in
// ms, `key` the complaint id.
using runtime::PagePosition;

// 16 lower-case hex digits (64 bits of HMAC-SHA256) of the canonical
// encoding of `query`'s filters and order: every field of ports::ListQuery
// but page_size, page_token and complainant_phone (ComplaintService::List
// resolves the phone into complainant_key, which is part of it, and clears
// it before a store sees the query). The values of a set filter (statuses,
// categories, priorities) count as a set: their order and repeats do not
// change the fingerprint. Stable across processes and releases of one
// token version.
std::string ListQueryFingerprint(const ports::ListQuery& query);

// The token of the page of `query` that continues after `after`.
std::string EncodePageToken(const ports::ListQuery& query, const PagePosition& after);

// The position `query.page_token` continues after; nullopt for an empty
// token (the first page). INVALID_ARGUMENT with a violation on
// "page_token": "not a token from next_page_token" when it is not a page
// token; "belongs to other filters: ..." when it is the token of a query
// with other filters or another order.
absl::StatusOr<std::optional<PagePosition>> DecodePageToken(const ports::ListQuery& query);

}  // namespace sqms::complaints::adapters
