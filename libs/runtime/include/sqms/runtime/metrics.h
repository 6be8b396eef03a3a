#pragma once
// Prometheus exposition (/metrics over HTTP) and the RED metrics every gRPC
// method gets. Components declare their own stats structs against the
// registry (envoy's "one struct per component").

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace prometheus { class Exposer; }

namespace sqms::runtime {

// The registry a component's stats register on: `given`, or — when a caller
// passed none (tests, tools) — a private one created in `own`, which the
// component keeps alive (declare it before the metric references).
prometheus::Registry& RegistryOr(prometheus::Registry* given,
                                 std::shared_ptr<prometheus::Registry>& own);

class MetricsServer {
 public:
  // Binds "host:port" (port 0 = any free port). UNAVAILABLE if it cannot bind.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const std::string& bind_address);
  ~MetricsServer();

  prometheus::Registry& registry() { return *registry_; }
  std::shared_ptr<prometheus::Registry> shared_registry() { return registry_; }
  int port() const;  // the bound port

  // sqms_build_info{version,revision} = 1, present from the first scrape.
  void SetBuildInfo(const std::string& version, const std::string& revision);

  // A gauge whose series are computed at each scrape by `read` (on the
  // metrics thread; thread-safe, quick): for values that follow from the
  // clock or from state owned elsewhere, so nothing has to tick to keep them
  // current. What `read` uses must live until StopComputedGauges() (or the
  // server's end).
  using GaugeSeries = std::vector<std::pair<std::map<std::string, std::string>, double>>;
  void AddComputedGauge(std::string name, std::string help, std::function<GaugeSeries()> read);
  // Waits for a scrape running a `read`, then drops these gauges from every
  // later scrape: call it before destroying what the reads use.
  void StopComputedGauges();

 private:
  MetricsServer() = default;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  // Held here: the exposer keeps collectables by weak_ptr.
  std::vector<std::shared_ptr<prometheus::Collectable>> computed_;
};

// sqms_rpc_requests_total{service,method,code}, sqms_rpc_latency_seconds
// {service,method} (histogram). Thread-safe.
class RpcMetrics {
 public:
  explicit RpcMetrics(prometheus::Registry& registry);
  // Creates at 0, before any call, the series of every method of the gRPC
  // service `full_service_name` (looked up in the generated descriptor pool;
  // NOT_FOUND when it is not linked in): each method x every status code,
  // and for bidirectional streams also "<method>.item" (rpc_call.h). So
  // rate() and ratio panels read 0, not "No data", on an idle system.
  absl::Status DeclareService(std::string_view full_service_name);
  // Records one finished call. `code` is the grpc::StatusCode name, e.g. "OK".
  void Observe(const std::string& service, const std::string& method, const std::string& code,
               std::chrono::nanoseconds latency);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
};

// Latency buckets shared by all services, in seconds (0.5 ms .. 10 s).
const prometheus::Histogram::BucketBoundaries& LatencyBuckets();

// process_cpu_seconds_total, process_resident_memory_bytes,
// process_open_fds and process_start_time_seconds of this process, read
// from /proc/self at each scrape (the Prometheus client conventions).
// MetricsServer registers one; thread-safe.
std::shared_ptr<prometheus::Collectable> MakeProcessCollector();

}  // namespace sqms::runtime
