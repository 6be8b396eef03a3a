// The lifecycle commands of ComplaintGrpcService: proto → domain::Command,
// then app::ComplaintService::Execute. Payload checks (required findings,
// score 1..5, ...) are the domain's (ValidateCommand, run by the app).
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/string_view.h"
#include "services/complaints/rpc/complaint_grpc_service.h"
#include "services/complaints/rpc/request_checks.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::complaints::rpc {
namespace {

domain::Command Make(domain::CommandKind kind) {
  domain::Command command;
  command.kind = kind;
  return command;
}

// docs/api.md: a front-line agent dispatches, and may assign a complaint to
// themselves, never to someone else. PERMISSION_DENIED carrying a violation
// on `assignee` (the AssignComplaintRequest field), checked before anything
// is read or written.
absl::Status CheckAssignee(const domain::Command& command, const runtime::Principal& principal) {
  if (command.kind != domain::CommandKind::kAssign || principal.role != runtime::Role::kAgent ||
      command.assignee.empty() || command.assignee == principal.subject) {
    return absl::OkStatus();
  }
  const std::string why = "an agent may assign only to themselves (" + principal.subject + ")";
  return runtime::WithFieldViolations(absl::PermissionDeniedError("assignee: " + why),
                                      {{"assignee", why}});
}

}  // namespace

grpc::ServerUnaryReactor* ComplaintGrpcService::RunLifecycle(grpc::CallbackServerContext* call,
                                                             Method method,
                                                             const google::protobuf::Message& request,
                                                             const pb::LifecycleRequest& common,
                                                             domain::Command command,
                                                             pb::Complaint* response) {
  command.note = common.note();
  command.request_id = common.request_id();
  return RunUnary(
      support_, call, method,
      [this, &request, wrapped = &request != &common, id = common.id(),
       version = common.expected_version(), command = std::move(command),
       response](const runtime::Principal& principal) mutable {
        if (absl::Status s = CheckWellFormed(request); !s.ok()) return s;
        if (auto denied = CheckAssignee(command, principal); !denied.ok()) return denied;
        command.actor = principal.subject;  // the time is the app's (its clock)
        // How far this caller may escalate; the domain checks it against the
        // complaint's level inside Execute (PERMISSION_DENIED past it).
        command.escalate_up_to = EscalationCeiling(principal.role);
        absl::StatusOr<domain::Complaint> after = app_.Execute(id, version, std::move(command));
        if (!after.ok()) return RebaseCommandPaths(after.status(), wrapped);
        ComplaintForRole(*after, principal.role, View::kSummary, response);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* ComplaintGrpcService::AssignComplaint(
    grpc::CallbackServerContext* call, const pb::AssignComplaintRequest* request,
    pb::Complaint* response) {
  domain::Command command = Make(domain::CommandKind::kAssign);
  command.department = request->department();
  command.assignee = request->assignee();
  return RunLifecycle(call, Method::kAssignComplaint, *request, request->command(), std::move(command),
                      response);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::StartHandling(
    grpc::CallbackServerContext* call, const pb::LifecycleRequest* request,
    pb::Complaint* response) {
  return RunLifecycle(call, Method::kStartHandling, *request, *request,
                      Make(domain::CommandKind::kStartHandling), response);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::WaitOnCustomer(
    grpc::CallbackServerContext* call, const pb::LifecycleRequest* request,
    pb::Complaint* response) {
  return RunLifecycle(call, Method::kWaitOnCustomer, *request, *request,
                      Make(domain::CommandKind::kWaitOnCustomer), response);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::ResumeHandling(
    grpc::CallbackServerContext* call, const pb::LifecycleRequest* request,
    pb::Complaint* response) {
  return RunLifecycle(call, Method::kResumeHandling, *request, *request,
                      Make(domain::CommandKind::kResume), response);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::ResolveComplaint(
    grpc::CallbackServerContext* call, const pb::ResolveComplaintRequest* request,
    pb::Complaint* response) {
  domain::Command command = Make(domain::CommandKind::kResolve);
  command.findings = request->findings();
  command.root_cause = request->root_cause();
  command.corrective_action = request->corrective_action();
  return RunLifecycle(call, Method::kResolveComplaint, *request, request->command(), std::move(command),
                      response);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::ReplyToComplainant(
    grpc::CallbackServerContext* call, const pb::ReplyRequest* request, pb::Complaint* response) {
  domain::Command command = Make(domain::CommandKind::kReply);
  command.reply = request->message();
  return RunLifecycle(call, Method::kReplyToComplainant, *request, request->command(), std::move(command),
                      response);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::RecordFollowUp(
    grpc::CallbackServerContext* call, const pb::FollowUpRequest* request,
    pb::Complaint* response) {
  domain::Command command = Make(domain::CommandKind::kFollowUp);
  command.satisfied = request->satisfied();
  command.score = request->score();
  command.comment = request->comment();
  return RunLifecycle(call, Method::kRecordFollowUp, *request, request->command(), std::move(command),
                      response);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::CloseComplaint(
    grpc::CallbackServerContext* call, const pb::LifecycleRequest* request,
    pb::Complaint* response) {
  return RunLifecycle(call, Method::kCloseComplaint, *request, *request,
                      Make(domain::CommandKind::kClose), response);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::ReopenComplaint(
    grpc::CallbackServerContext* call, const pb::LifecycleRequest* request,
    pb::Complaint* response) {
  return RunLifecycle(call, Method::kReopenComplaint, *request, *request,
                      Make(domain::CommandKind::kReopen), response);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::EscalateComplaint(
    grpc::CallbackServerContext* call, const pb::LifecycleRequest* request,
    pb::Complaint* response) {
  return RunLifecycle(call, Method::kEscalateComplaint, *request, *request,
                      Make(domain::CommandKind::kEscalate), response);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::AddNote(grpc::CallbackServerContext* call,
                                                        const pb::LifecycleRequest* request,
                                                        pb::Complaint* response) {
  return RunLifecycle(call, Method::kAddNote, *request, *request, Make(domain::CommandKind::kAddNote),
                      response);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::ReclassifyComplaint(
    grpc::CallbackServerContext* call, const pb::ReclassifyComplaintRequest* request,
    pb::Complaint* response) {
  domain::Command command = Make(domain::CommandKind::kReclassify);
  command.category = static_cast<domain::Category>(request->category());
  command.priority = static_cast<domain::Priority>(request->priority());
  return RunLifecycle(call, Method::kReclassifyComplaint, *request, request->command(), std::move(command),
                      response);
}

}  // namespace sqms::complaints::rpc
