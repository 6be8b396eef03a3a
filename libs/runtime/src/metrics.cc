#include "sqms/runtime/metrics.h"

#include <exception>

#include "absl/strings/str_cat.h"
#include "prometheus/exposer.h"

namespace sqms::runtime {

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(
    const std::string& bind_address) {
  auto server = std::unique_ptr<MetricsServer>(new MetricsServer());
  server->registry_ = std::make_shared<prometheus::Registry>();
  try {
    // One thread is plenty for a scrape every few seconds.
    server->exposer_ = std::make_unique<prometheus::Exposer>(bind_address, 1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("metrics: cannot listen on ", bind_address, ": ", e.what()));
  }
  server->exposer_->RegisterCollectable(server->registry_);
  return server;
}

MetricsServer::~MetricsServer() = default;

int MetricsServer::port() const {
  std::vector<int> ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

RpcMetrics::RpcMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("sqms_rpc_requests_total")
                    .Help("gRPC calls finished, by service, method and status code")
                    .Register(registry)),
      latency_(prometheus::BuildHistogram()
                   .Name("sqms_rpc_latency_seconds")
                   .Help("gRPC call latency, by service and method")
                   .Register(registry)) {}

void RpcMetrics::Observe(const std::string& service, const std::string& method,
                         const std::string& code, std::chrono::nanoseconds latency) {
  requests_.Add({{"service", service}, {"method", method}, {"code", code}}).Increment();
  latency_.Add({{"service", service}, {"method", method}}, LatencyBuckets())
      .Observe(std::chrono::duration<double>(latency).count());
}

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *buckets;
}

}  // namespace sqms::runtime
