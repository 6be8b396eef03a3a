#pragma once
// Which role may call which RPC: the one table (roles.cc) the handlers and
// docs/api.md follow. Health checks need no token and are not listed.
//
//   method                    agent  supervisor  admin  service
//   SubmitComplaint             x        x         x       x
//   StreamComplaints            x        x         x       x
//   GetComplaint                x        x         x       x
//   WatchComplaints             x        x         x       x
//   ListComplaints              x        x         x
//   AssignComplaint ..AddNote   x        x         x        (every lifecycle
//     command but the three below)
//   CloseComplaint                       x         x
//   ReopenComplaint                      x         x
//   EscalateComplaint           x*       x         x
//   StreamContactEvents                  x         x       x
//   ReclassifyComplaint         x        x         x
//   ExplainTriage               x        x         x
//
// * an agent escalates to level 1 (supervisor) only, one tier up from 0:
//   EscalationCeiling. Every escalation is one tier up, never past
//   domain::kTopEscalationLevel (lifecycle.h).

#include <string_view>

#include "sqms/runtime/auth.h"
#include "sqms/runtime/rpc_call.h"

namespace sqms::complaints::rpc {

enum class Method {
  kSubmitComplaint, kStreamComplaints, kGetComplaint, kListComplaints, kAssignComplaint,
  kStartHandling, kWaitOnCustomer, kResumeHandling, kResolveComplaint, kReplyToComplainant,
  kRecordFollowUp, kCloseComplaint, kReopenComplaint, kEscalateComplaint, kAddNote,
  kWatchComplaints, kStreamContactEvents, kReclassifyComplaint, kExplainTriage
};
inline constexpr int kMethodCount = 19;

// The roles allowed to call `method`. Thread-safe (constant table).
const runtime::Roles& AllowedRoles(Method method);
// The RPC name as in the proto, e.g. "SubmitComplaint" (metrics label).
std::string_view MethodName(Method method);
// The gRPC service the method belongs to, e.g.
// "sqms.complaints.v1.ComplaintService" (metrics label).
std::string_view ServiceName(Method method);
// The method as runtime::RunUnary / OpenOrderedStream take it (names for
// the metrics, AllowedRoles for authorization).
runtime::RpcMethod Describe(Method method);
// The highest escalation level `role` may escalate a complaint to
// (domain::Command::escalate_up_to): 1 (supervisor) for an agent, the top
// for a supervisor or admin, 0 for anyone else.
int EscalationCeiling(runtime::Role role);
// Whether `role` sees complainant personal data unmasked in GetComplaint
// (every other response is masked for everyone): supervisor and admin only.
bool SeesPersonalData(runtime::Role role);

}  // namespace sqms::complaints::rpc
