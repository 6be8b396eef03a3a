#include "services/alerts/rpc/incident_page.h"

#include "sqms/runtime/canonical_fields.h"
#include "sqms/runtime/page_token.h"

namespace sqms::alerts::rpc {
namespace {

constexpr runtime::PageTokens kTokens{
    "i1", "sqms.alerts.v1.ListIncidents",
    "the active_only and plan_id of the request whose answer it came in"};

std::string Filters(const v1::ListIncidentsRequest& request) {
  runtime::CanonicalFields c;
  c.Add("active_only", request.active_only() ? 1 : 0).Add("plan_id", request.plan_id());
  return c.Take();
}

}  // namespace

absl::StatusOr<std::optional<runtime::PagePosition>> IncidentPageAfter(
    const v1::ListIncidentsRequest& request) {
  return kTokens.Decode(request.page_token(), Filters(request));
}

std::string IncidentPageToken(const v1::ListIncidentsRequest& request,
                              const ports::Incident& last) {
  return kTokens.Encode(Filters(request), ports::ListPosition(last));
}

}  // namespace sqms::alerts::rpc
