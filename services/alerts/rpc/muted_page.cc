#include "services/alerts/rpc/muted_page.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace sqms::alerts::rpc {
namespace {

constexpr runtime::PageTokens kTokens{
    "m1", "sqms.alerts.v1.ListMutedAlerts",
    "the plan_id, silence_id and inhibited_by of the request whose answer it came in"};

// The filters, each ended by a NUL (none can hold one: they are proto3
// strings compared as sent).
std::string Filters(const app::MutedAlertFilter& f) {
  const std::string nul(1, '\0');
  return absl::StrCat(f.plan_id, nul, f.silence_id, nul, f.inhibited_by, nul);
}

// A kept alert's position: (kept_at in Unix ns, fingerprint).
runtime::PagePosition PositionOf(const ports::MutedAlert& a) {
  return {absl::ToUnixNanos(a.kept_at), a.fingerprint};
}

}  // namespace

absl::StatusOr<std::optional<runtime::PagePosition>> MutedPageAfter(
    const app::MutedAlertFilter& filter, std::string_view page_token) {
  return kTokens.Decode(page_token, Filters(filter));
}

MutedPage PageOfMuted(const std::vector<ports::MutedAlert>& matched,
                      const app::MutedAlertFilter& filter,
                      const std::optional<runtime::PagePosition>& after, int limit) {
  MutedPage page;
  for (const ports::MutedAlert& a : matched) {
    if (after && !(PositionOf(a) > *after)) continue;
    if (static_cast<int>(page.alerts.size()) == limit) {
      page.next_page_token = kTokens.Encode(Filters(filter), PositionOf(*page.alerts.back()));
      break;
    }
    page.alerts.push_back(&a);
  }
  return page;
}

}  // namespace sqms::alerts::rpc
