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

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
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
  // After a series' first call, finds it without building label maps (a
  // stream item of the intake is one call).
  void Observe(std::string_view service, std::string_view method, std::string_view code,
               std::chrono::nanoseconds latency);

 private:
  // One method's series, by status code name.
  struct MethodSeries {
    prometheus::Histogram* latency = nullptr;
    absl::flat_hash_map<std::string, prometheus::Counter*> requests;
  };
  using Series = std::pair<prometheus::Counter*, prometheus::Histogram*>;
  // The cached series of (service, method, code); {nullptr, nullptr} if none.
  // (absl::string_view: the maps' heterogeneous lookup takes no std::string_view.)
  Series Find(absl::string_view service, absl::string_view method, absl::string_view code) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Creates the series (at 0) if needed, and caches it.
  Series Add(absl::string_view service, absl::string_view method, absl::string_view code)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
  mutable absl::Mutex mu_;
  // service -> method -> series
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, MethodSeries>> series_
      ABSL_GUARDED_BY(mu_);
};

// Latency buckets shared by all services, in seconds (0.5 ms .. 10 s).
const prometheus::Histogram::BucketBoundaries& LatencyBuckets();

// process_cpu_seconds_total, process_resident_memory_bytes,
// process_open_fds and process_start_time_seconds of this process, read
// from /proc/self at each scrape (the Prometheus client conventions).
// MetricsServer registers one; thread-safe.
std::shared_ptr<prometheus::Collectable> MakeProcessCollector();

}  // namespace sqms::runtime
