#include "services/alerts/rpc/incident_page.h"

#include "sqms/runtime/canonical_fields.h"
#include "sqms/runtime/page_token.h"

namespace sqms::alerts::rpc {
namespace {

constexpr std::string_view kKind = "i1";
constexpr std::string_view kPurpose = "sqms.alerts.v1.ListIncidents";
constexpr std::string_view kResend =
    "the active_only and plan_id of the request whose answer it came in";

std::string Filters(const v1::ListIncidentsRequest& request) {
  runtime::CanonicalFields c;
  c.Add("active_only", request.active_only() ? 1 : 0).Add("plan_id", request.plan_id());
  return runtime::PageFilters(kPurpose, c.Take());
}

}  // namespace

absl::StatusOr<std::optional<runtime::PagePosition>> IncidentPageAfter(
    const v1::ListIncidentsRequest& request) {
  return runtime::DecodePageToken(request.page_token(), kKind, Filters(request), kResend);
}

std::string IncidentPageToken(const v1::ListIncidentsRequest& request,
                              const ports::Incident& last) {
  return runtime::EncodePageToken({.kind = std::string(kKind),
                                   .filters = Filters(request),
                                   .after = ports::ListPosition(last)});
}

}  // namespace sqms::alerts::rpc
