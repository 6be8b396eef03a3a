#include "services/complaints/rpc/roles.h"

#include "services/complaints/domain/lifecycle.h"

namespace sqms::complaints::rpc {
namespace {

using runtime::Role;

struct MethodInfo {
  Method method;
  std::string_view name;
  runtime::Roles roles;
};

constexpr std::string_view kComplaintService = "sqms.complaints.v1.ComplaintService";
constexpr std::string_view kContactService = "sqms.contact.v1.ContactEventService";

// THE role matrix (documented in roles.h). Indexed by Method.
const MethodInfo& Info(Method method) {
  static const auto* const kTable = new MethodInfo[kMethodCount]{
      // Intake and reads: every role, call-center gateways (service) included.
      {Method::kSubmitComplaint,
       "SubmitComplaint",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kService}},
      {Method::kStreamComplaints,
       "StreamComplaints",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kService}},
      {Method::kGetComplaint,
       "GetComplaint",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kService}},
      {Method::kListComplaints, "ListComplaints", {Role::kAgent, Role::kSupervisor, Role::kAdmin}},
      // Day-to-day handling: agents and up.
      {Method::kAssignComplaint,
       "AssignComplaint",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin}},
      {Method::kStartHandling, "StartHandling", {Role::kAgent, Role::kSupervisor, Role::kAdmin}},
      {Method::kWaitOnCustomer, "WaitOnCustomer", {Role::kAgent, Role::kSupervisor, Role::kAdmin}},
      {Method::kResumeHandling, "ResumeHandling", {Role::kAgent, Role::kSupervisor, Role::kAdmin}},
      {Method::kResolveComplaint,
       "ResolveComplaint",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin}},
      {Method::kReplyToComplainant,
       "ReplyToComplainant",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin}},
      {Method::kRecordFollowUp, "RecordFollowUp", {Role::kAgent, Role::kSupervisor, Role::kAdmin}},
      // Decisions over a complaint's fate: supervisors and admins.
      {Method::kCloseComplaint, "CloseComplaint", {Role::kSupervisor, Role::kAdmin}},
      {Method::kReopenComplaint, "ReopenComplaint", {Role::kSupervisor, Role::kAdmin}},
      // Escalation: an agent asks for a supervisor (EscalationCeiling).
      {Method::kEscalateComplaint,
       "EscalateComplaint",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin}},
      {Method::kAddNote, "AddNote", {Role::kAgent, Role::kSupervisor, Role::kAdmin}},
      {Method::kWatchComplaints,
       "WatchComplaints",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kService}},
      // Call-center gateways (contact/v1/service.proto: service, supervisor, admin).
      {Method::kStreamContactEvents,
       "StreamContactEvents",
       {Role::kSupervisor, Role::kAdmin, Role::kService}},
      // Triage: correcting it is day-to-day work; explaining it creates nothing.
      {Method::kReclassifyComplaint,
       "ReclassifyComplaint",
       {Role::kAgent, Role::kSupervisor, Role::kAdmin}},
      {Method::kExplainTriage, "ExplainTriage", {Role::kAgent, Role::kSupervisor, Role::kAdmin}},
  };
  return kTable[static_cast<int>(method)];
}

}  // namespace

const runtime::Roles& AllowedRoles(Method method) { return Info(method).roles; }

std::string_view MethodName(Method method) { return Info(method).name; }

std::string_view ServiceName(Method method) {
  return method == Method::kStreamContactEvents ? kContactService : kComplaintService;
}

runtime::RpcMethod Describe(Method method) {
  return {ServiceName(method), MethodName(method), &AllowedRoles(method)};
}

int EscalationCeiling(runtime::Role role) {
  switch (role) {
    case Role::kAgent:
      return 1;
    case Role::kSupervisor:
    case Role::kAdmin:
      return domain::kTopEscalationLevel;
    case Role::kService:
      break;
  }
  return 0;
}

bool SeesPersonalData(runtime::Role role) {
  return role == Role::kSupervisor || role == Role::kAdmin;
}

}  // namespace sqms::complaints::rpc
