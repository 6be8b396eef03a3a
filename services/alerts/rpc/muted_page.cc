#include "services/alerts/rpc/muted_page.h"

#include <cstdint>
#include <optional>
#include <tuple>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/hmac.h"

namespace sqms::alerts::rpc {
namespace {

constexpr char kVersion[] = "m1";
constexpr char kFiltersKey[] = "sqms.alerts.v1.ListMutedAlerts";

// 16 hex digits of HMAC-SHA256 over the filters, each ended by a NUL (none
// can hold one: they are proto3 strings compared as sent).
std::string FiltersFingerprint(const app::MutedAlertFilter& f) {
  const std::string nul(1, '\0');
  const std::string canonical =
      absl::StrCat(f.plan_id, nul, f.silence_id, nul, f.inhibited_by, nul);
  return runtime::HmacSha256Hex(kFiltersKey, canonical).substr(0, 16);
}

struct Position {
  int64_t kept_at_ns = 0;
  std::string fingerprint;
};

bool After(const ports::MutedAlert& a, const Position& p) {
  const int64_t ns = absl::ToUnixNanos(a.kept_at);
  return std::tie(ns, a.fingerprint) > std::tie(p.kept_at_ns, p.fingerprint);
}

std::string Encode(const app::MutedAlertFilter& filter, const ports::MutedAlert& last) {
  return absl::WebSafeBase64Escape(absl::StrCat(kVersion, ":", FiltersFingerprint(filter), ":",
                                                absl::ToUnixNanos(last.kept_at), ":",
                                                last.fingerprint));
}

absl::Status Refused(std::string_view why) {
  return runtime::InvalidArgument({{"page_token", std::string(why)}});
}

absl::StatusOr<std::optional<Position>> Decode(const app::MutedAlertFilter& filter,
                                               std::string_view token) {
  if (token.empty()) return std::nullopt;
  std::string raw;
  if (token.size() > 1024 ||
      !absl::WebSafeBase64Unescape(absl::string_view(token.data(), token.size()), &raw)) {
    return Refused("not a token from next_page_token");
  }
  std::vector<std::string> parts = absl::StrSplit(raw, absl::MaxSplits(':', 3));
  Position p;
  if (parts.size() != 4 || parts[0] != kVersion || !absl::SimpleAtoi(parts[2], &p.kept_at_ns)) {
    return Refused("not a token from next_page_token");
  }
  if (parts[1] != FiltersFingerprint(filter)) {
    return Refused(
        "belongs to other filters: send it with the plan_id, silence_id and inhibited_by of the "
        "request whose answer it came in");
  }
  p.fingerprint = std::move(parts[3]);
  return p;
}

}  // namespace

absl::StatusOr<MutedPage> PageOfMuted(const std::vector<ports::MutedAlert>& matched,
                                      const app::MutedAlertFilter& filter,
                                      std::string_view page_token, int limit) {
  absl::StatusOr<std::optional<Position>> after = Decode(filter, page_token);
  if (!after.ok()) return after.status();
  MutedPage page;
  for (const ports::MutedAlert& a : matched) {
    if (*after && !After(a, **after)) continue;
    if (static_cast<int>(page.alerts.size()) == limit) {
      page.next_page_token = Encode(filter, *page.alerts.back());
      break;
    }
    page.alerts.push_back(&a);
  }
  return page;
}

}  // namespace sqms::alerts::rpc
