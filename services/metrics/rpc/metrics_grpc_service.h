#pragma once
// sqms.metrics.v1.MetricsService over the callback API. Thin: check the
// request's shape (runtime::CheckWellFormed) → map it to the app's request
// (codec/kpi_codec.h) → app::KpiQueries on the worker pool → encode. Every
// method is open to every role (agent, supervisor, admin, service): KPIs
// carry no personal data. Errors are mapped by runtime::ToGrpcStatus only.
// WatchKpis registers the stream with the watcher (app/kpi_watcher.h) and
// the hub (kpi_watch_stream.h); the watcher's thread feeds it.
//
// Threads: the RPC methods run on gRPC callback threads and never block;
// queries run on the WorkerPool. Every dependency must outlive the server.

#include "services/metrics/app/kpi_queries.h"
#include "services/metrics/app/target_monitor.h"
#include "services/metrics/rpc/kpi_watch_stream.h"
#include "sqms/metrics/v1/service.grpc.pb.h"
#include "sqms/runtime/rpc_call.h"

namespace sqms::metrics::rpc {

namespace pb = ::sqms::metrics::v1;

inline constexpr std::string_view kServiceName = "sqms.metrics.v1.MetricsService";

class MetricsGrpcService final : public pb::MetricsService::CallbackService {
 public:
  MetricsGrpcService(app::KpiQueries& queries, app::TargetMonitor& monitor,
                     app::KpiWatcher& watcher, KpiUpdateHub& hub,
                     const runtime::TokenAuthenticator& auth,
                     runtime::WorkerPool& pool, runtime::RpcMetrics& metrics);

  grpc::ServerUnaryReactor* ListKpiDefinitions(grpc::CallbackServerContext* call,
                                               const pb::ListKpiDefinitionsRequest* request,
                                               pb::ListKpiDefinitionsResponse* response) override;
  grpc::ServerUnaryReactor* GetKpi(grpc::CallbackServerContext* call,
                                   const pb::GetKpiRequest* request,
                                   pb::KpiValue* response) override;
  grpc::ServerUnaryReactor* QueryKpis(grpc::CallbackServerContext* call,
                                      const pb::QueryKpisRequest* request,
                                      pb::QueryKpisResponse* response) override;
  grpc::ServerUnaryReactor* RankUnits(grpc::CallbackServerContext* call,
                                      const pb::RankUnitsRequest* request,
                                      pb::RankUnitsResponse* response) override;
  grpc::ServerUnaryReactor* ExplainKpi(grpc::CallbackServerContext* call,
                                       const pb::GetKpiRequest* request,
                                       pb::KpiExplanation* response) override;
  // limit 0 → 50; with `kpi`, the latest 1,000 are searched.
  grpc::ServerUnaryReactor* ListBreaches(grpc::CallbackServerContext* call,
                                         const pb::ListBreachesRequest* request,
                                         pb::ListBreachesResponse* response) override;
  // Admitted and checked like the unary methods (INVALID_ARGUMENT names the
  // field); the snapshot follows within one poll interval.
  grpc::ServerWriteReactor<pb::KpiUpdate>* WatchKpis(grpc::CallbackServerContext* call,
                                                     const pb::WatchKpisRequest* request) override;

 private:
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* call, std::string_view method,
                                runtime::UnaryBody body);

  app::KpiQueries& queries_;
  app::TargetMonitor& monitor_;
  app::KpiWatcher& watcher_;
  KpiUpdateHub& hub_;
  const runtime::CallSupport support_;  // refers to pool_ (bound before it is built, used after)
  runtime::TrackedPool pool_;           // last: waits for queued calls
};

}  // namespace sqms::metrics::rpc
