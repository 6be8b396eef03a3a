#include "services/complaints/adapters/list_page_token.h"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sqms/runtime/canonical_fields.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/hmac.h"

namespace sqms::complaints::adapters {
namespace {

// Not a secret: it only keeps these hashes apart from every other HMAC of
// the suite (as "sqms-idempotency" does for idempotency keys).
constexpr std::string_view kFingerprintKey = "sqms-list-page-token";
constexpr size_t kFingerprintDigits = 16;

// The order letter of a token: "v" received, "d" next due.
char OrderLetter(ports::ListOrder order) { return order == ports::ListOrder::kNextDue ? 'd' : 'v'; }

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

absl::Status NotAToken() {
  return runtime::InvalidArgument({{"page_token", "not a token from next_page_token"}});
}

// A token as read: its order, its fingerprint ("" in the unbound v1 form)
// and its position.
struct ParsedToken {
  char order = 'v';
  std::string fingerprint;
  PagePosition at;
};

std::optional<ParsedToken> Parse(const std::string& token) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 3 || raw[2] != ':') {
    return std::nullopt;
  }
  ParsedToken t;
  t.order = raw[0];
  if (t.order != 'v' && t.order != 'd') return std::nullopt;
  size_t at = 3;  // the position, after the prefix (and the fingerprint)
  if (raw[1] == '2') {
    at += kFingerprintDigits + 1;
    if (raw.size() < at || raw[at - 1] != ':') return std::nullopt;
    t.fingerprint = raw.substr(3, kFingerprintDigits);
  } else if (raw[1] != '1') {
    return std::nullopt;
  }
  const size_t colon = raw.find(':', at);
  if (colon == std::string::npos || !absl::SimpleAtoi(raw.substr(at, colon - at), &t.at.ms)) {
    return std::nullopt;
  }
  t.at.id = raw.substr(colon + 1);
  return t;
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
  return runtime::HmacSha256Hex(kFingerprintKey, c.Take()).substr(0, kFingerprintDigits);
}

std::string EncodePageToken(const ports::ListQuery& query, const PagePosition& after) {
  const std::string prefix(1, OrderLetter(query.order));
  return absl::WebSafeBase64Escape(
      absl::StrCat(prefix, "2:", ListQueryFingerprint(query), ":", after.ms, ":", after.id));
}

absl::StatusOr<std::optional<PagePosition>> DecodePageToken(const ports::ListQuery& query) {
  if (query.page_token.empty()) return std::optional<PagePosition>();
  std::optional<ParsedToken> token = Parse(query.page_token);
  if (!token) return NotAToken();
  if (token->order != OrderLetter(query.order) ||
      (!token->fingerprint.empty() && token->fingerprint != ListQueryFingerprint(query))) {
    return runtime::InvalidArgument(
        {{"page_token",
          "belongs to another query: send the same filters and order as the request that "
          "returned it"}});
  }
  return std::optional<PagePosition>(std::move(token->at));
}

}  // namespace sqms::complaints::adapters
