// Plans, risks, drills, silences and kept muted alerts of AlertsGrpcService.
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/alerts/codec/incident_codec.h"
#include "services/alerts/codec/muted_alert_codec.h"
#include "services/alerts/codec/plan_codec.h"
#include "services/alerts/codec/silence_codec.h"
#include "services/alerts/rpc/alerts_grpc_service.h"
#include "services/alerts/rpc/muted_page.h"
#include "services/alerts/rpc/request_checks.h"
#include "sqms/runtime/well_formed.h"

namespace sqms::alerts::rpc {

grpc::ServerUnaryReactor* AlertsGrpcService::ListPlans(grpc::CallbackServerContext* call,
                                                       const pb::ListPlansRequest* /*request*/,
                                                       pb::ListPlansResponse* response) {
  // The plans in force, then the retired ones (app/plan_changes.h), marked.
  return Run(call, Method::kListPlans, [this, response](const runtime::Principal&) {
    const auto catalog = catalog_.Snapshot();
    for (const domain::Plan& plan : catalog->plans) {
      *response->add_plans() = codec::PlanToProto(plan);
    }
    for (const domain::Plan& plan : catalog->retired_plans) {
      pb::Plan* listed = response->add_plans();
      *listed = codec::PlanToProto(plan);
      listed->set_retired(true);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AlertsGrpcService::GetPlan(grpc::CallbackServerContext* call,
                                                     const pb::GetPlanRequest* request,
                                                     pb::Plan* response) {
  return Run(call, Method::kGetPlan, [this, request, response](const runtime::Principal&) {
    if (absl::Status s = CheckRequest(*request, {{"id", &request->id()}}); !s.ok()) return s;
    // In force, or retired (marked): the chain its open incidents follow.
    const auto catalog = catalog_.Snapshot();
    const domain::Plan* plan = catalog->FindPlan(request->id());
    if (plan == nullptr) return absl::NotFoundError(absl::StrCat("no plan '", request->id(), "'"));
    *response = codec::PlanToProto(*plan);
    response->set_retired(catalog->IsRetired(request->id()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AlertsGrpcService::UpsertPlan(grpc::CallbackServerContext* call,
                                                        const pb::UpsertPlanRequest* request,
                                                        pb::Plan* response) {
  return Run(call, Method::kUpsertPlan, [this, request, response](const runtime::Principal&) {
    if (absl::Status s = CheckRequest(*request, {}); !s.ok()) return s;
    absl::StatusOr<domain::Plan> plan = codec::PlanFromProto(request->plan());
    if (!plan.ok()) return plan.status();
    absl::StatusOr<domain::Plan> stored =
        plans_.Upsert(*std::move(plan), request->expected_version());
    if (!stored.ok()) return stored.status();
    *response = codec::PlanToProto(*stored);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AlertsGrpcService::ListRisks(grpc::CallbackServerContext* call,
                                                       const pb::ListRisksRequest* /*request*/,
                                                       pb::ListRisksResponse* response) {
  return Run(call, Method::kListRisks, [this, response](const runtime::Principal&) {
    const auto catalog = catalog_.Snapshot();
    for (const domain::Risk& risk : catalog->risks) {
      *response->add_risks() = codec::RiskToProto(risk, catalog->plans);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AlertsGrpcService::StartDrill(grpc::CallbackServerContext* call,
                                                        const pb::StartDrillRequest* request,
                                                        pb::Incident* response) {
  return Run(call, Method::kStartDrill, [this, request, response](const runtime::Principal& who) {
    absl::StatusOr<domain::Labels> labels = CheckWithLabels(
        *request, {{"plan_id", &request->plan_id()}, {"request_id", &request->request_id()}},
        request->labels(), /*labels_required=*/false);
    if (!labels.ok()) return labels.status();
    absl::StatusOr<ports::Incident> incident = commands_.StartDrill(
        request->plan_id(), *labels, {.actor = who.subject, .request_id = request->request_id()});
    if (!incident.ok()) return incident.status();
    Encode(*incident, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AlertsGrpcService::GetDrillReport(
    grpc::CallbackServerContext* call, const pb::GetDrillReportRequest* request,
    pb::DrillReport* response) {
  // A non-drill incident: FAILED_PRECONDITION from the app.
  return Run(call, Method::kGetDrillReport, [this, request, response](const runtime::Principal&) {
    const std::string& id = request->incident_id();
    if (absl::Status s = CheckRequest(*request, {{"incident_id", &id}}); !s.ok()) return s;
    absl::StatusOr<app::DrillReport> report = commands_.Report(id);
    if (!report.ok()) return report.status();
    *response = codec::DrillReportToProto(*report);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AlertsGrpcService::CreateSilence(grpc::CallbackServerContext* call,
                                                           const pb::CreateSilenceRequest* request,
                                                           pb::Silence* response) {
  return Run(
      call, Method::kCreateSilence, [this, request, response](const runtime::Principal& who) {
        const std::string& request_id = request->request_id();
        if (absl::Status s = CheckRequest(*request, {{"request_id", &request_id}}); !s.ok()) {
          return s;
        }
        absl::StatusOr<domain::Silence> silence = codec::SilenceFromProto(request->silence());
        if (!silence.ok()) return silence.status();
        absl::StatusOr<domain::Silence> created = commands_.CreateSilence(
            *std::move(silence), {.actor = who.subject, .request_id = request_id});
        if (!created.ok()) return created.status();
        *response = codec::SilenceToProto(*created, clock_.Now(), catalog_.Snapshot()->zone);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AlertsGrpcService::ListSilences(grpc::CallbackServerContext* call,
                                                          const pb::ListSilencesRequest* request,
                                                          pb::ListSilencesResponse* response) {
  return Run(call, Method::kListSilences, [this, request, response](const runtime::Principal&) {
    auto silences = commands_.ListSilences(request->include_expired());
    if (!silences.ok()) return silences.status();
    const absl::Time now = clock_.Now();
    const absl::TimeZone zone = catalog_.Snapshot()->zone;
    for (const domain::Silence& s : *silences) {
      *response->add_silences() = codec::SilenceToProto(s, now, zone);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AlertsGrpcService::ExpireSilence(grpc::CallbackServerContext* call,
                                                           const pb::ExpireSilenceRequest* request,
                                                           pb::Silence* response) {
  return Run(call, Method::kExpireSilence, [this, request, response](const runtime::Principal&) {
    if (absl::Status s = CheckRequest(*request, {{"id", &request->id()}}); !s.ok()) return s;
    absl::StatusOr<domain::Silence> expired = commands_.ExpireSilence(request->id());
    if (!expired.ok()) return expired.status();
    *response = codec::SilenceToProto(*expired, clock_.Now(), catalog_.Snapshot()->zone);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AlertsGrpcService::ListMutedAlerts(
    grpc::CallbackServerContext* call, const pb::ListMutedAlertsRequest* request,
    pb::ListMutedAlertsResponse* response) {
  return Run(call, Method::kListMutedAlerts, [this, request, response](const runtime::Principal&) {
    if (absl::Status s = CheckRequest(*request, {}); !s.ok()) return s;
    absl::StatusOr<int> limit = ListLimit(request->limit());
    if (!limit.ok()) return limit.status();
    const app::MutedAlertFilter filter{.plan_id = request->plan_id(),
                                       .silence_id = request->silence_id(),
                                       .inhibited_by = request->inhibited_by()};
    absl::StatusOr<std::optional<runtime::PagePosition>> after =
        MutedPageAfter(filter, request->page_token());
    if (!after.ok()) return after.status();
    auto kept = commands_.ListMutedAlerts(filter);
    if (!kept.ok()) return kept.status();
    // Bounded like every list, so the answer stays far below gRPC's message
    // size limit however many alerts a wide silence holds; the rest come
    // page by page.
    const MutedPage page = PageOfMuted(*kept, filter, *after, *limit);
    response->set_matched(static_cast<int32_t>(kept->size()));
    for (const ports::MutedAlert* k : page.alerts) {
      *response->add_alerts() = codec::MutedAlertToProto(*k);
    }
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

}  // namespace sqms::alerts::rpc
