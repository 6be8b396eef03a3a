#pragma once
// sqms-metrics assembled: the exactly-once consumer that aggregates the
// events into Redis, the gRPC query service, and /metrics. main.cc parses
// the configuration and runs it; tests start it in-process.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/metrics/config/metrics_config.h"

namespace sqms::metrics {

class MetricsServiceServer {
 public:
  // Loads the settings file, connects, starts consuming and serving. An
  // error names the flag or the file and key at fault.
  static absl::StatusOr<std::unique_ptr<MetricsServiceServer>> Start(
      const config::ServiceConfig& config);
  ~MetricsServiceServer();  // Shutdown()

  // Drains RPCs (open WatchKpis streams are cancelled when the drain
  // times out), stops the watch poller, writes the consumer's final
  // checkpoint, stops. Idempotent.
  void Shutdown();

  int grpc_port() const;
  int metrics_port() const;

 private:
  struct Parts;
  static absl::Status StartConsumer(const config::ServiceConfig& config,
                                    const std::string& instance, Parts& p);
  // The outbox relay to sqms.kpi.v1 and the periodic target evaluation.
  static absl::Status StartTargets(const config::ServiceConfig& config,
                                   const std::string& instance, Parts& p);
  // WatchKpis: the hub, the watcher and its poll task (started by Start).
  static void StartWatch(const config::ServiceConfig& config, Parts& p);
  explicit MetricsServiceServer(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace sqms::metrics
