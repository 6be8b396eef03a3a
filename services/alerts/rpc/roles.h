#pragma once
// Which role may call which AlertService RPC: the one table (roles.cc) the
// handlers follow. Health checks need no token and are not listed.
//
//   method                               agent  supervisor  admin  service
//   RaiseAlert                                      x         x       x
//   GetIncident, ListIncidents,            x        x         x       x
//     WatchIncidents, ListPlans, GetPlan,
//     ListRisks, GetDrillReport, ListSilences,
//     ListMutedAlerts
//   Acknowledge/Mitigate/Resolve/Close-    x        x         x
//     Incident, CompleteStep, AddNote
//   StartDrill, CreateSilence,                      x         x
//     ExpireSilence
//   UpsertPlan                                                x
//
// RaiseAlert with drill=true starts a drill as StartDrill does (real
// pages, marked [DRILL]), so it needs StartDrill's roles too: one rule for
// drills, however they are started (AuthorizeDrillAlert).

#include <string_view>

#include "absl/status/status.h"
#include "sqms/runtime/auth.h"
#include "sqms/runtime/rpc_call.h"

namespace sqms::alerts::rpc {

inline constexpr std::string_view kServiceName = "sqms.alerts.v1.AlertService";

enum class Method {
  kRaiseAlert, kGetIncident, kListIncidents, kAcknowledgeIncident, kMitigateIncident,
  kResolveIncident, kCloseIncident, kCompleteStep, kAddNote, kWatchIncidents, kListPlans,
  kGetPlan, kUpsertPlan, kListRisks, kStartDrill, kGetDrillReport, kCreateSilence,
  kListSilences, kExpireSilence, kListMutedAlerts
};
inline constexpr int kMethodCount = 20;

// The roles allowed to call `method`. Thread-safe (constant table).
const runtime::Roles& AllowedRoles(Method method);
// RaiseAlert's check for an alert with drill=true, after AllowedRoles:
// OK when `principal` may call StartDrill, otherwise PERMISSION_DENIED
// saying why and which roles may. Thread-safe.
absl::Status AuthorizeDrillAlert(const runtime::Principal& principal);
// The RPC name as in the proto, e.g. "RaiseAlert" (metrics label).
std::string_view MethodName(Method method);
// The method as runtime::RunUnary / AdmitStream take it.
runtime::RpcMethod Describe(Method method);

}  // namespace sqms::alerts::rpc
