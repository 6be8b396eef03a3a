#pragma once
// sqms.alerts.v1.AlertService over the callback API. Thin: check the
// request's shape (request_checks.h) → map it (codec/) → the use case
// (app::AlertProcessor, app::IncidentCommands, app::Catalog,
// app::PlanChanges) on the worker
// pool → encode. Who may call what: rpc/roles.h. Errors are mapped by
// runtime::ToGrpcStatus only; bad input is INVALID_ARGUMENT naming the
// field ("request_id", "labels[region]", "plan.triggers[0].matchers[1].op").
//
// GetIncident and WatchIncidents answer with every delivery; lists and
// commands without (Incident.deliveries empty: one read per delivery).
//
// Threads: the RPC methods run on gRPC callback threads and never block;
// the use cases run on the WorkerPool. Thread-safe; every dependency must
// outlive the gRPC server (stop the server before destroying them).

#include <functional>

#include "services/alerts/app/alert_processor.h"
#include "services/alerts/app/catalog.h"
#include "services/alerts/app/incident_commands.h"
#include "services/alerts/app/plan_changes.h"
#include "services/alerts/rpc/roles.h"
#include "sqms/alerts/v1/service.grpc.pb.h"
#include "sqms/runtime/clock.h"
#include "sqms/runtime/fan_out_hub.h"
#include "sqms/runtime/rpc_call.h"

namespace sqms::alerts::rpc {

namespace pb = ::sqms::alerts::v1;

// Incidents as they change, for WatchIncidents (fed by
// adapters/incident_watch_feed.h).
using IncidentHub = runtime::FanOutHub<pb::Incident>;

class AlertsGrpcService final : public pb::AlertService::CallbackService {
 public:
  AlertsGrpcService(app::AlertProcessor& processor, app::IncidentCommands& commands,
                    app::Catalog& catalog, app::PlanChanges& plans, const runtime::Clock& clock,
                    const runtime::TokenAuthenticator& auth, runtime::WorkerPool& pool,
                    runtime::RpcMetrics& metrics, IncidentHub& hub);

  // labels (at least one) and request_id required; the alert's id is
  // "api|<request_id>", so a retry is answered with the first outcome.
  // drill=true starts a drill: PERMISSION_DENIED for a role StartDrill
  // refuses (AuthorizeDrillAlert), before anything is read or written.
  grpc::ServerUnaryReactor* RaiseAlert(grpc::CallbackServerContext* call,
                                       const pb::RaiseAlertRequest* request,
                                       pb::RaiseAlertResponse* response) override;
  grpc::ServerUnaryReactor* GetIncident(grpc::CallbackServerContext* call,
                                        const pb::GetIncidentRequest* request,
                                        pb::Incident* response) override;
  // limit 0 → 100; outside 0..1000 → INVALID_ARGUMENT "limit".
  grpc::ServerUnaryReactor* ListIncidents(grpc::CallbackServerContext* call,
                                          const pb::ListIncidentsRequest* request,
                                          pb::ListIncidentsResponse* response) override;
  // Every incident change from now on (active_only: those still active
  // after the change), until the client cancels.
  grpc::ServerWriteReactor<pb::Incident>* WatchIncidents(
      grpc::CallbackServerContext* call, const pb::WatchIncidentsRequest* request) override;

  // Lifecycle commands (incident_handlers.cc): id and request_id required;
  // actor = the token's subject.
  grpc::ServerUnaryReactor* AcknowledgeIncident(grpc::CallbackServerContext* call,
                                                const pb::IncidentCommand* request,
                                                pb::Incident* response) override;
  grpc::ServerUnaryReactor* MitigateIncident(grpc::CallbackServerContext* call,
                                             const pb::IncidentCommand* request,
                                             pb::Incident* response) override;
  grpc::ServerUnaryReactor* ResolveIncident(grpc::CallbackServerContext* call,
                                            const pb::IncidentCommand* request,
                                            pb::Incident* response) override;
  grpc::ServerUnaryReactor* CloseIncident(grpc::CallbackServerContext* call,
                                          const pb::CloseIncidentRequest* request,
                                          pb::Incident* response) override;
  grpc::ServerUnaryReactor* CompleteStep(grpc::CallbackServerContext* call,
                                         const pb::CompleteStepRequest* request,
                                         pb::Incident* response) override;
  grpc::ServerUnaryReactor* AddNote(grpc::CallbackServerContext* call,
                                    const pb::AddNoteRequest* request,
                                    pb::Incident* response) override;

  // Plans and risks (catalog_handlers.cc).
  grpc::ServerUnaryReactor* ListPlans(grpc::CallbackServerContext* call,
                                      const pb::ListPlansRequest* request,
                                      pb::ListPlansResponse* response) override;
  grpc::ServerUnaryReactor* GetPlan(grpc::CallbackServerContext* call,
                                    const pb::GetPlanRequest* request,
                                    pb::Plan* response) override;
  // Every problem of the plan as a field violation "plan.<path>". Stored
  // and shared by every replica (app::PlanChanges); a stale
  // expected_version is ABORTED and changes nothing.
  grpc::ServerUnaryReactor* UpsertPlan(grpc::CallbackServerContext* call,
                                       const pb::UpsertPlanRequest* request,
                                       pb::Plan* response) override;
  grpc::ServerUnaryReactor* ListRisks(grpc::CallbackServerContext* call,
                                      const pb::ListRisksRequest* request,
                                      pb::ListRisksResponse* response) override;

  // Drills and silences (catalog_handlers.cc). plan_id and request_id
  // required; a report of a non-drill incident is FAILED_PRECONDITION.
  grpc::ServerUnaryReactor* StartDrill(grpc::CallbackServerContext* call,
                                       const pb::StartDrillRequest* request,
                                       pb::Incident* response) override;
  grpc::ServerUnaryReactor* GetDrillReport(grpc::CallbackServerContext* call,
                                           const pb::GetDrillReportRequest* request,
                                           pb::DrillReport* response) override;
  // request_id required; the silence's problems as "silence.<path>".
  grpc::ServerUnaryReactor* CreateSilence(grpc::CallbackServerContext* call,
                                          const pb::CreateSilenceRequest* request,
                                          pb::Silence* response) override;
  grpc::ServerUnaryReactor* ListSilences(grpc::CallbackServerContext* call,
                                         const pb::ListSilencesRequest* request,
                                         pb::ListSilencesResponse* response) override;
  grpc::ServerUnaryReactor* ExpireSilence(grpc::CallbackServerContext* call,
                                          const pb::ExpireSilenceRequest* request,
                                          pb::Silence* response) override;
  // The kept muted alerts the filters select (app::IncidentCommands::
  // ListMutedAlerts); silence_id with inhibited_by is INVALID_ARGUMENT
  // "inhibited_by".
  grpc::ServerUnaryReactor* ListMutedAlerts(grpc::CallbackServerContext* call,
                                            const pb::ListMutedAlertsRequest* request,
                                            pb::ListMutedAlertsResponse* response) override;

 private:
  using Command = std::function<absl::StatusOr<ports::Incident>(const app::CommandContext&)>;

  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* call, Method method,
                                runtime::UnaryBody body);
  // A lifecycle command on incident `id` (`request` is the whole request,
  // checked for shape; `id` and `request_id` point into it), answered with
  // the incident after the change.
  grpc::ServerUnaryReactor* RunCommand(grpc::CallbackServerContext* call, Method method,
                                       const google::protobuf::Message& request,
                                       const std::string& id, const std::string& request_id,
                                       Command command, pb::Incident* response);
  // `incident` as the API shows it, with the current catalog's plan steps.
  void Encode(const ports::Incident& incident, pb::Incident* out) const;

  app::AlertProcessor& processor_;
  app::IncidentCommands& commands_;
  app::Catalog& catalog_;
  app::PlanChanges& plans_;
  const runtime::Clock& clock_;
  IncidentHub& hub_;
  const runtime::CallSupport support_;  // refers to pool_ (bound before it is built, used after)
  // Last member: destroyed first, it waits for the pool tasks that use the rest.
  runtime::TrackedPool pool_;
};

}  // namespace sqms::alerts::rpc
