#include "services/alerts/rpc/alerts_grpc_service.h"

#include <utility>

#include "services/alerts/codec/incident_codec.h"
#include "services/alerts/rpc/incident_page.h"
#include "services/alerts/rpc/request_checks.h"
#include "sqms/runtime/fan_out_reactor.h"
#include "sqms/runtime/grpc_status.h"

namespace sqms::alerts::rpc {

AlertsGrpcService::AlertsGrpcService(app::AlertProcessor& processor,
                                     app::IncidentCommands& commands, app::Catalog& catalog,
                                     app::PlanChanges& plans,
                                     const runtime::Clock& clock,
                                     const runtime::TokenAuthenticator& auth,
                                     runtime::WorkerPool& pool, runtime::RpcMetrics& metrics,
                                     IncidentHub& hub)
    : processor_(processor),
      commands_(commands),
      catalog_(catalog),
      plans_(plans),
      clock_(clock),
      hub_(hub),
      support_{auth, pool_, metrics},
      pool_(pool) {}

grpc::ServerUnaryReactor* AlertsGrpcService::Run(grpc::CallbackServerContext* call,
                                                 Method method, runtime::UnaryBody body) {
  return runtime::RunUnary(support_, call, Describe(method), std::move(body));
}

void AlertsGrpcService::Encode(const ports::Incident& incident, pb::Incident* out) const {
  *out = codec::IncidentToProto(incident, *catalog_.Snapshot(), {});
}

grpc::ServerUnaryReactor* AlertsGrpcService::RaiseAlert(grpc::CallbackServerContext* call,
                                                        const pb::RaiseAlertRequest* request,
                                                        pb::RaiseAlertResponse* response) {
  return Run(call, Method::kRaiseAlert, [this, request, response](const runtime::Principal& p) {
    if (request->drill()) {
      if (absl::Status s = AuthorizeDrillAlert(p); !s.ok()) return s;
    }
    absl::StatusOr<domain::Alert> alert = AlertFromRequest(*request, clock_.Now());
    if (!alert.ok()) return alert.status();
    absl::StatusOr<app::ProcessResult> result =
        processor_.Raise(*alert, {.actor = p.subject, .request_id = request->request_id()});
    if (!result.ok()) return result.status();
    *response = codec::ProcessResultToProto(*result);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AlertsGrpcService::GetIncident(grpc::CallbackServerContext* call,
                                                         const pb::GetIncidentRequest* request,
                                                         pb::Incident* response) {
  return Run(call, Method::kGetIncident, [this, request, response](const runtime::Principal&) {
    if (absl::Status s = CheckRequest(*request, {{"id", &request->id()}}); !s.ok()) return s;
    absl::StatusOr<ports::Incident> incident = commands_.Get(request->id());
    if (!incident.ok()) return incident.status();
    auto deliveries = commands_.Deliveries(*incident);
    if (!deliveries.ok()) return deliveries.status();
    *response = codec::IncidentToProto(*incident, *catalog_.Snapshot(), *deliveries);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AlertsGrpcService::ListIncidents(
    grpc::CallbackServerContext* call, const pb::ListIncidentsRequest* request,
    pb::ListIncidentsResponse* response) {
  return Run(call, Method::kListIncidents, [this, request, response](const runtime::Principal&) {
    absl::StatusOr<int> limit = ListLimit(request->limit());
    if (!limit.ok()) return limit.status();
    absl::StatusOr<std::optional<runtime::PagePosition>> after = IncidentPageAfter(*request);
    if (!after.ok()) return after.status();
    // One more than the page: whether another page follows.
    auto incidents = commands_.List({.active_only = request->active_only(),
                                     .plan_id = request->plan_id(),
                                     .limit = *limit + 1,
                                     .after = *std::move(after)});
    if (!incidents.ok()) return incidents.status();
    if (static_cast<int>(incidents->size()) > *limit) {
      incidents->resize(*limit);
      response->set_next_page_token(IncidentPageToken(*request, incidents->back()));
    }
    for (const ports::Incident& incident : *incidents) Encode(incident, response->add_incidents());
    return absl::OkStatus();
  });
}

grpc::ServerWriteReactor<pb::Incident>* AlertsGrpcService::WatchIncidents(
    grpc::CallbackServerContext* call, const pb::WatchIncidentsRequest* request) {
  const runtime::RpcMethod method = Describe(Method::kWatchIncidents);
  absl::StatusOr<runtime::AdmittedStream> admitted = runtime::AdmitStream(support_, *call, method);
  if (!admitted.ok()) {
    return new runtime::RejectedWriteReactor<pb::Incident>(
        runtime::ToGrpcStatus(admitted.status()));
  }
  IncidentHub::Filter filter = [active_only = request->active_only()](const pb::Incident& i) {
    return !active_only || i.state() == pb::INCIDENT_STATE_TRIGGERED ||
           i.state() == pb::INCIDENT_STATE_ACKNOWLEDGED ||
           i.state() == pb::INCIDENT_STATE_MITIGATING;
  };
  return new runtime::FanOutWriteReactor<pb::Incident>(
      *call, hub_, std::move(filter), [this, method, stream = *admitted](const grpc::Status& s) {
        runtime::StreamEnded(support_, method, stream, s.error_code());
      });
}

grpc::ServerUnaryReactor* AlertsGrpcService::RunCommand(grpc::CallbackServerContext* call,
                                                        Method method,
                                                        const google::protobuf::Message& request,
                                                        const std::string& id,
                                                        const std::string& request_id,
                                                        Command command, pb::Incident* response) {
  return Run(call, method,
             [this, &request, &id, &request_id, command = std::move(command),
              response](const runtime::Principal& principal) {
               absl::Status s = CheckRequest(request, {{"id", &id}, {"request_id", &request_id}});
               if (!s.ok()) return s;
               absl::StatusOr<ports::Incident> after =
                   command({.actor = principal.subject, .request_id = request_id});
               if (!after.ok()) return after.status();
               Encode(*after, response);
               return absl::OkStatus();
             });
}

}  // namespace sqms::alerts::rpc
