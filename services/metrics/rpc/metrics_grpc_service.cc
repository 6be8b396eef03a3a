#include "services/metrics/rpc/metrics_grpc_service.h"

#include "services/metrics/app/request_checks.h"
#include "services/metrics/codec/kpi_codec.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/grpc_status.h"
#include "sqms/runtime/well_formed.h"

namespace sqms::metrics::rpc {
namespace {

using runtime::Role;

// Every method: every role (KPIs carry no personal data).
const runtime::Roles& Everyone() {
  static const auto* const roles =
      new runtime::Roles{Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kService};
  return *roles;
}

}  // namespace

MetricsGrpcService::MetricsGrpcService(app::KpiQueries& queries, app::TargetMonitor& monitor,
                                       app::KpiWatcher& watcher, KpiUpdateHub& hub,
                                       const runtime::TokenAuthenticator& auth,
                                       runtime::WorkerPool& pool, runtime::RpcMetrics& metrics)
    : queries_(queries),
      monitor_(monitor),
      watcher_(watcher),
      hub_(hub),
      support_{auth, pool_, metrics},
      pool_(pool) {}

grpc::ServerUnaryReactor* MetricsGrpcService::Run(grpc::CallbackServerContext* call,
                                                  std::string_view method,
                                                  runtime::UnaryBody body) {
  return runtime::RunUnary(support_, call, {kServiceName, method, &Everyone()}, std::move(body));
}

grpc::ServerUnaryReactor* MetricsGrpcService::ListKpiDefinitions(
    grpc::CallbackServerContext* call, const pb::ListKpiDefinitionsRequest* /*request*/,
    pb::ListKpiDefinitionsResponse* response) {
  return Run(call, "ListKpiDefinitions", [response](const runtime::Principal&) {
    for (const domain::KpiDefinition& kpi : domain::KpiDefinitions()) {
      codec::ToProto(kpi, response->add_kpis());
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* MetricsGrpcService::GetKpi(grpc::CallbackServerContext* call,
                                                     const pb::GetKpiRequest* request,
                                                     pb::KpiValue* response) {
  return Run(call, "GetKpi", [this, request, response](const runtime::Principal&) {
    if (absl::Status s = runtime::CheckWellFormed(*request); !s.ok()) return s;
    auto result = queries_.Get(codec::FromProto(*request));
    if (!result.ok()) return result.status();
    codec::ToProto(*result, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* MetricsGrpcService::QueryKpis(grpc::CallbackServerContext* call,
                                                        const pb::QueryKpisRequest* request,
                                                        pb::QueryKpisResponse* response) {
  return Run(call, "QueryKpis", [this, request, response](const runtime::Principal&) {
    if (absl::Status s = runtime::CheckWellFormed(*request); !s.ok()) return s;
    auto results = queries_.Query(codec::FromProto(*request));
    if (!results.ok()) return results.status();
    for (const app::KpiResult& r : *results) codec::ToProto(r, response->add_values());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* MetricsGrpcService::RankUnits(grpc::CallbackServerContext* call,
                                                        const pb::RankUnitsRequest* request,
                                                        pb::RankUnitsResponse* response) {
  return Run(call, "RankUnits", [this, request, response](const runtime::Principal&) {
    if (absl::Status s = runtime::CheckWellFormed(*request); !s.ok()) return s;
    auto ranked = queries_.Rank(codec::FromProto(*request));
    if (!ranked.ok()) return ranked.status();
    codec::ToProto(*ranked, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* MetricsGrpcService::ExplainKpi(grpc::CallbackServerContext* call,
                                                         const pb::GetKpiRequest* request,
                                                         pb::KpiExplanation* response) {
  return Run(call, "ExplainKpi", [this, request, response](const runtime::Principal&) {
    if (absl::Status s = runtime::CheckWellFormed(*request); !s.ok()) return s;
    auto explained = queries_.Explain(codec::FromProto(*request));
    if (!explained.ok()) return explained.status();
    codec::ToProto(*explained, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* MetricsGrpcService::ListBreaches(grpc::CallbackServerContext* call,
                                                           const pb::ListBreachesRequest* request,
                                                           pb::ListBreachesResponse* response) {
  return Run(call, "ListBreaches", [this, request, response](const runtime::Principal&) {
    // A misspelt KPI is refused as every other RPC refuses it: an empty
    // list would read as "no breaches".
    if (!request->kpi().empty()) {
      std::vector<runtime::FieldViolation> violations;
      app::KpiOf(request->kpi(), "kpi", violations);
      if (!violations.empty()) return runtime::InvalidArgument(std::move(violations));
    }
    const int limit = request->limit() == 0 ? 50 : request->limit();
    // A bad limit goes through as it is, to be refused naming the field.
    const bool valid = limit >= 1 && limit <= 1000;
    auto payloads = monitor_.RecentEvents(valid && !request->kpi().empty() ? 1000 : limit);
    if (!payloads.ok()) return payloads.status();
    for (const std::string& payload : *payloads) {
      if (response->events_size() == limit) break;
      ::sqms::events::v1::KpiEvent event;
      if (!event.ParseFromString(payload)) continue;
      if (!request->kpi().empty() && event.kpi() != request->kpi()) continue;
      *response->add_events() = std::move(event);
    }
    return absl::OkStatus();
  });
}

grpc::ServerWriteReactor<pb::KpiUpdate>* MetricsGrpcService::WatchKpis(
    grpc::CallbackServerContext* call, const pb::WatchKpisRequest* request) {
  const runtime::RpcMethod method{kServiceName, "WatchKpis", &Everyone()};
  absl::StatusOr<runtime::AdmittedStream> admitted = runtime::AdmitStream(support_, *call, method);
  if (!admitted.ok()) {
    return new runtime::RejectedWriteReactor<pb::KpiUpdate>(
        runtime::ToGrpcStatus(admitted.status()));
  }
  absl::StatusOr<app::WatchSpec> spec = absl::InternalError("unchecked");
  if (absl::Status shape = runtime::CheckWellFormed(*request); !shape.ok()) {
    spec = shape;
  } else {
    spec = app::CheckWatch(FromProto(*request), queries_.config().window_dimensions);
  }
  if (!spec.ok()) {
    runtime::StreamEnded(support_, method, *admitted, grpc::StatusCode::INVALID_ARGUMENT);
    return new runtime::RejectedWriteReactor<pb::KpiUpdate>(runtime::ToGrpcStatus(spec.status()));
  }
  auto target = std::make_shared<app::WatchTarget>(*std::move(spec));
  // OnDone runs on_finished before deleting the reactor, and Remove is a
  // barrier: the snapshot callback below never sees a deleted reactor.
  auto* reactor = new KpiWatchReactor(
      *call, hub_, FilterFor(target),
      [this, method, target, stream = *admitted](const grpc::Status& s) {
        watcher_.Remove(*target);
        runtime::StreamEnded(support_, method, stream, s.error_code());
      },
      kWatchQueueCapacity);
  watcher_.Add(target, [reactor](const std::vector<app::KpiUpdate>& snapshot) {
    for (const app::KpiUpdate& update : snapshot) {
      auto message = std::make_shared<pb::KpiUpdate>();
      ToProto(update, message.get());
      reactor->Push(message);
    }
  });
  return reactor;
}

}  // namespace sqms::metrics::rpc
