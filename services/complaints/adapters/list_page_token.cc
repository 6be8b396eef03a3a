#include "services/complaints/adapters/list_page_token.h"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "sqms/runtime/canonical_fields.h"

namespace sqms::complaints::adapters {
namespace {

// Not a secret: it only keeps these hashes apart from every other HMAC of
// the suite (as "sqms-idempotency" does for idempotency keys).
constexpr std::string_view kFingerprintKey = "sqms-list-page-token";
constexpr std::string_view kResend = "the same filters and order as the request that returned it";

// The kind of a token: "v2" received order, "d2" next due.
std::string_view Kind(ports::ListOrder order) {
  return order == ports::ListOrder::kNextDue ? "d2" : "v2";
}

// A set filter, canonical: sorted, without repeats.
template <typename E>
std::string SetOf(const std::vector<E>& values) {
  std::vector<int64_t> v;
  v.reserve(values.size());
  for (E e : values) v.push_back(static_cast<int64_t>(e));
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return absl::StrJoin(v, ",");
}

// A token of the form before the binding, "v1:<ms>:<id>" or "d1:<ms>:<id>":
// its order letter and position.
std::optional<std::pair<char, PagePosition>> ParseUnbound(const std::string& token) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 3 || raw[1] != '1' ||
      raw[2] != ':' || (raw[0] != 'v' && raw[0] != 'd')) {
    return std::nullopt;
  }
  const size_t colon = raw.find(':', 3);
  PagePosition at;
  if (colon == std::string::npos || !absl::SimpleAtoi(raw.substr(3, colon - 3), &at.at)) {
    return std::nullopt;
  }
  at.key = raw.substr(colon + 1);
  return std::make_pair(raw[0], std::move(at));
}

}  // namespace

std::string ListQueryFingerprint(const ports::ListQuery& q) {
  runtime::CanonicalFields c;
  c.Add("order", static_cast<int64_t>(q.order))
      .Add("statuses", SetOf(q.statuses))
      .Add("categories", SetOf(q.categories))
      .Add("priorities", SetOf(q.priorities))
      .Add("department", q.department)
      .Add("channel", static_cast<int64_t>(q.channel))
      .Add("region", q.region)
      .Add("station", q.station)
      .AddTime("created_after", q.created_after)
      .AddTime("created_before", q.created_before)
      .Add("sla_breached_only", q.sla_breached_only ? 1 : 0)
      .Add("assignee", q.assignee)
      .Add("sla_at_risk_only", q.sla_at_risk_only ? 1 : 0)
      .Add("escalated_only", q.escalated_only ? 1 : 0)
      .Add("complainant_key", q.complainant_key)
      .Add("incident_id", q.incident_id);
  return runtime::PageFilters(kFingerprintKey, c.Take());
}

std::string EncodePageToken(const ports::ListQuery& query, const PagePosition& after) {
  return runtime::EncodePageToken({.kind = std::string(Kind(query.order)),
                                   .filters = ListQueryFingerprint(query),
                                   .after = after});
}

absl::StatusOr<std::optional<PagePosition>> DecodePageToken(const ports::ListQuery& query) {
  if (query.page_token.empty()) return std::optional<PagePosition>();
  if (std::optional<runtime::PageToken> token = runtime::ParsePageToken(query.page_token)) {
    if (token->kind != "v2" && token->kind != "d2") return runtime::NotAPageToken();
    // A token of the other order is one of another query, like one of
    // other filters.
    if (token->kind != Kind(query.order) || token->filters != ListQueryFingerprint(query)) {
      return runtime::PageTokenOfOtherFilters(kResend);
    }
    return std::optional<PagePosition>(std::move(token->after));
  }
  std::optional<std::pair<char, PagePosition>> unbound = ParseUnbound(query.page_token);
  if (!unbound) return runtime::NotAPageToken();
  if (unbound->first != Kind(query.order)[0]) return runtime::PageTokenOfOtherFilters(kResend);
  return std::optional<PagePosition>(std::move(unbound->second));
}

}  // namespace sqms::complaints::adapters
