#include "services/alerts/rpc/roles.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace sqms::alerts::rpc {
namespace {

using runtime::Role;

struct MethodInfo {
  Method method;
  std::string_view name;
  runtime::Roles roles;
};

// THE role matrix (documented in roles.h). Indexed by Method.
const MethodInfo& Info(Method method) {
  static const auto* const kTable = new MethodInfo[kMethodCount]{
      // Alerts come from monitoring (service) and from people who see one.
      {Method::kRaiseAlert, "RaiseAlert", {Role::kService, Role::kSupervisor, Role::kAdmin}},
      // Reads: every role; incidents carry no personal data.
      {Method::kGetIncident, "GetIncident",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kService}},
      {Method::kListIncidents, "ListIncidents",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kService}},
      // Responding to an incident: whoever is on duty, agents and up.
      {Method::kAcknowledgeIncident, "AcknowledgeIncident",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin}},
      {Method::kMitigateIncident, "MitigateIncident",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin}},
      {Method::kResolveIncident, "ResolveIncident",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin}},
      {Method::kCloseIncident, "CloseIncident", {Role::kAgent, Role::kSupervisor, Role::kAdmin}},
      {Method::kCompleteStep, "CompleteStep", {Role::kAgent, Role::kSupervisor, Role::kAdmin}},
      {Method::kAddNote, "AddNote", {Role::kAgent, Role::kSupervisor, Role::kAdmin}},
      {Method::kWatchIncidents, "WatchIncidents",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kService}},
      {Method::kListPlans, "ListPlans",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kService}},
      {Method::kGetPlan, "GetPlan",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kService}},
      // Plans decide who gets paged: admins only.
      {Method::kUpsertPlan, "UpsertPlan", {Role::kAdmin}},
      {Method::kListRisks, "ListRisks",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kService}},
      // Drills page real people; silences mute real alerts: supervisors and admins.
      {Method::kStartDrill, "StartDrill", {Role::kSupervisor, Role::kAdmin}},
      {Method::kGetDrillReport, "GetDrillReport",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kService}},
      {Method::kCreateSilence, "CreateSilence", {Role::kSupervisor, Role::kAdmin}},
      {Method::kListSilences, "ListSilences",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kService}},
      {Method::kExpireSilence, "ExpireSilence", {Role::kSupervisor, Role::kAdmin}},
      // Who may see the silences may see what they hold.
      {Method::kListMutedAlerts, "ListMutedAlerts",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kService}},
  };
  return kTable[static_cast<int>(method)];
}

}  // namespace

const runtime::Roles& AllowedRoles(Method method) { return Info(method).roles; }

absl::Status AuthorizeDrillAlert(const runtime::Principal& principal) {
  const runtime::Roles& drills = AllowedRoles(Method::kStartDrill);
  if (drills.Contains(principal.role)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("a drill alert (drill=true) starts a drill, which pages real people: that needs "
                   "role ",
                   drills.Names(), " (as StartDrill), not ",
                   std::string(runtime::RoleName(principal.role))));
}

std::string_view MethodName(Method method) { return Info(method).name; }

runtime::RpcMethod Describe(Method method) {
  return {kServiceName, MethodName(method), &AllowedRoles(method)};
}

}  // namespace sqms::alerts::rpc
