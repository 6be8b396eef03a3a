#include "sqms/runtime/metrics.h"

#include <exception>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "prometheus/client_metric.h"
#include "prometheus/exposer.h"
#include "prometheus/metric_family.h"

namespace sqms::runtime {

prometheus::Registry& RegistryOr(prometheus::Registry* given,
                                 std::shared_ptr<prometheus::Registry>& own) {
  if (given != nullptr) return *given;
  if (own == nullptr) own = std::make_shared<prometheus::Registry>();
  return *own;
}

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
  // The exposer holds collectables by weak_ptr; the process's metrics are
  // one per process, so one collector lives for the whole run.
  static const auto* process_collector =
      new std::shared_ptr<prometheus::Collectable>(MakeProcessCollector());
  server->exposer_->RegisterCollectable(*process_collector);
  return server;
}

MetricsServer::~MetricsServer() = default;

namespace {

class ComputedGauge : public prometheus::Collectable {
 public:
  ComputedGauge(std::string name, std::string help,
                std::function<MetricsServer::GaugeSeries()> read)
      : name_(std::move(name)), help_(std::move(help)), read_(std::move(read)) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    prometheus::MetricFamily family{name_, help_, prometheus::MetricType::Gauge, {}};
    std::lock_guard<std::mutex> lock(mu_);  // held through read_: Stop() waits for it
    if (stopped_) return {};
    for (const auto& [labels, value] : read_()) {
      prometheus::ClientMetric metric;
      for (const auto& [label, label_value] : labels) metric.label.push_back({label, label_value});
      metric.gauge.value = value;
      family.metric.push_back(std::move(metric));
    }
    return {std::move(family)};
  }

  void Stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
  }

 private:
  mutable std::mutex mu_;
  bool stopped_ = false;  // guarded by mu_
  const std::string name_;
  const std::string help_;
  const std::function<MetricsServer::GaugeSeries()> read_;
};

}  // namespace

void MetricsServer::AddComputedGauge(std::string name, std::string help,
                                     std::function<GaugeSeries()> read) {
  auto gauge = std::make_shared<ComputedGauge>(std::move(name), std::move(help), std::move(read));
  exposer_->RegisterCollectable(gauge);
  computed_.push_back(std::move(gauge));
}

void MetricsServer::StopComputedGauges() {
  for (const auto& gauge : computed_) static_cast<ComputedGauge&>(*gauge).Stop();
}

int MetricsServer::port() const {
  std::vector<int> ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

void MetricsServer::SetBuildInfo(const std::string& version, const std::string& revision) {
  prometheus::BuildGauge()
      .Name("sqms_build_info")
      .Help("Always 1; the labels name the running build (version, git revision)")
      .Register(*registry_)
      .Add({{"version", version}, {"revision", revision}})
      .Set(1);
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

void RpcMetrics::Observe(std::string_view service, std::string_view method, std::string_view code,
                         std::chrono::nanoseconds latency) {
  const absl::string_view s(service.data(), service.size());
  const absl::string_view m(method.data(), method.size());
  const absl::string_view c(code.data(), code.size());
  Series series;
  {
    absl::ReaderMutexLock lock(&mu_);
    series = Find(s, m, c);
  }
  if (series.first == nullptr) {
    absl::MutexLock lock(&mu_);
    series = Add(s, m, c);
  }
  series.first->Increment();
  series.second->Observe(std::chrono::duration<double>(latency).count());
}

RpcMetrics::Series RpcMetrics::Find(absl::string_view service, absl::string_view method,
                                    absl::string_view code) const {
  const auto by_service = series_.find(service);
  if (by_service == series_.end()) return {};
  const auto by_method = by_service->second.find(method);
  if (by_method == by_service->second.end()) return {};
  const auto requests = by_method->second.requests.find(code);
  if (requests == by_method->second.requests.end()) return {};
  return {requests->second, by_method->second.latency};
}

RpcMetrics::Series RpcMetrics::Add(absl::string_view service, absl::string_view method,
                                   absl::string_view code) {
  MethodSeries& series = series_[service][method];
  const std::string service_name(service), method_name(method);
  if (series.latency == nullptr) {
    series.latency =
        &latency_.Add({{"service", service_name}, {"method", method_name}}, LatencyBuckets());
  }
  prometheus::Counter*& requests = series.requests[code];
  if (requests == nullptr) {
    requests = &requests_.Add(
        {{"service", service_name}, {"method", method_name}, {"code", std::string(code)}});
  }
  return {requests, series.latency};
}

absl::Status RpcMetrics::DeclareService(std::string_view full_service_name) {
  const std::string service_name(full_service_name);
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_name);
  if (service == nullptr) {
    return absl::NotFoundError(absl::StrCat("metrics: no gRPC service ", service_name));
  }
  auto declare = [&](const std::string& method) {
    // Every canonical code, 0 (OK) .. 16 (UNAUTHENTICATED).
    absl::MutexLock lock(&mu_);
    for (int code = 0; code <= 16; ++code) {
      Add(service_name, method, absl::StatusCodeToString(static_cast<absl::StatusCode>(code)));
    }
  };
  for (int i = 0; i < service->method_count(); ++i) {
    const google::protobuf::MethodDescriptor* method = service->method(i);
    declare(method->name());
    if (method->client_streaming() && method->server_streaming()) {
      declare(absl::StrCat(method->name(), ".item"));
    }
  }
  return absl::OkStatus();
}

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *buckets;
}

}  // namespace sqms::runtime
