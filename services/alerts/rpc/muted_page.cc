#include "services/alerts/rpc/muted_page.h"

#include <optional>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "sqms/runtime/page_token.h"

namespace sqms::alerts::rpc {
namespace {

constexpr std::string_view kKind = "m1";
constexpr std::string_view kPurpose = "sqms.alerts.v1.ListMutedAlerts";
constexpr std::string_view kResend =
    "the plan_id, silence_id and inhibited_by of the request whose answer it came in";

// The filters, each ended by a NUL (none can hold one: they are proto3
// strings compared as sent).
std::string Filters(const app::MutedAlertFilter& f) {
  const std::string nul(1, '\0');
  return runtime::PageFilters(kPurpose,
                              absl::StrCat(f.plan_id, nul, f.silence_id, nul, f.inhibited_by, nul));
}

// A kept alert's position: (kept_at in Unix ns, fingerprint).
runtime::PagePosition PositionOf(const ports::MutedAlert& a) {
  return {absl::ToUnixNanos(a.kept_at), a.fingerprint};
}

}  // namespace

absl::StatusOr<MutedPage> PageOfMuted(const std::vector<ports::MutedAlert>& matched,
                                      const app::MutedAlertFilter& filter,
                                      std::string_view page_token, int limit) {
  const std::string filters = Filters(filter);
  absl::StatusOr<std::optional<runtime::PagePosition>> after =
      runtime::DecodePageToken(page_token, kKind, filters, kResend);
  if (!after.ok()) return after.status();
  MutedPage page;
  for (const ports::MutedAlert& a : matched) {
    if (*after && !(PositionOf(a) > **after)) continue;
    if (static_cast<int>(page.alerts.size()) == limit) {
      page.next_page_token = runtime::EncodePageToken({.kind = std::string(kKind),
                                                       .filters = filters,
                                                       .after = PositionOf(*page.alerts.back())});
      break;
    }
    page.alerts.push_back(&a);
  }
  return page;
}

}  // namespace sqms::alerts::rpc
