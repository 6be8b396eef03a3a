// The lifecycle commands of AlertsGrpcService: each names its use case;
// RunCommand checks the request, supplies the caller and encodes.
#include "services/alerts/rpc/alerts_grpc_service.h"

namespace sqms::alerts::rpc {

grpc::ServerUnaryReactor* AlertsGrpcService::AcknowledgeIncident(
    grpc::CallbackServerContext* call, const pb::IncidentCommand* request, pb::Incident* response) {
  return RunCommand(
      call, Method::kAcknowledgeIncident, *request, request->id(), request->request_id(),
      [this, request](const app::CommandContext& ctx) {
        return commands_.Acknowledge(request->id(), ctx, request->comment());
      },
      response);
}

grpc::ServerUnaryReactor* AlertsGrpcService::MitigateIncident(
    grpc::CallbackServerContext* call, const pb::IncidentCommand* request, pb::Incident* response) {
  return RunCommand(
      call, Method::kMitigateIncident, *request, request->id(), request->request_id(),
      [this, request](const app::CommandContext& ctx) {
        return commands_.Mitigate(request->id(), ctx, request->comment());
      },
      response);
}

grpc::ServerUnaryReactor* AlertsGrpcService::ResolveIncident(
    grpc::CallbackServerContext* call, const pb::IncidentCommand* request, pb::Incident* response) {
  return RunCommand(
      call, Method::kResolveIncident, *request, request->id(), request->request_id(),
      [this, request](const app::CommandContext& ctx) {
        return commands_.Resolve(request->id(), ctx, request->comment());
      },
      response);
}

grpc::ServerUnaryReactor* AlertsGrpcService::CloseIncident(
    grpc::CallbackServerContext* call, const pb::CloseIncidentRequest* request,
    pb::Incident* response) {
  return RunCommand(
      call, Method::kCloseIncident, *request, request->id(), request->request_id(),
      [this, request](const app::CommandContext& ctx) {
        return commands_.Close(request->id(), ctx, request->review());
      },
      response);
}

grpc::ServerUnaryReactor* AlertsGrpcService::CompleteStep(
    grpc::CallbackServerContext* call, const pb::CompleteStepRequest* request,
    pb::Incident* response) {
  return RunCommand(
      call, Method::kCompleteStep, *request, request->id(), request->request_id(),
      [this, request](const app::CommandContext& ctx) {
        return commands_.CompleteStep(request->id(), ctx, request->step());
      },
      response);
}

grpc::ServerUnaryReactor* AlertsGrpcService::AddNote(grpc::CallbackServerContext* call,
                                                     const pb::AddNoteRequest* request,
                                                     pb::Incident* response) {
  return RunCommand(
      call, Method::kAddNote, *request, request->id(), request->request_id(),
      [this, request](const app::CommandContext& ctx) {
        return commands_.AddNote(request->id(), ctx, request->text());
      },
      response);
}

}  // namespace sqms::alerts::rpc
