// sqms-metrics: the handbooks' KPIs from the events on Kafka. Parses and
// validates the configuration, starts the server, drains it on SIGTERM/SIGINT.

#include <cstdio>

#include "CLI/CLI.hpp"
#include "services/metrics/config/metrics_config.h"
#include "services/metrics/metrics_service_server.h"
#include "sqms/runtime/grpc_server.h"
#include "sqms/runtime/log.h"

int main(int argc, char** argv) {
  // Before any thread exists, so the signals reach WaitForShutdownSignal.
  sqms::runtime::BlockShutdownSignals();

  CLI::App app{"sqms-metrics: the handbooks' KPIs per calendar period and unit, exactly once"};
  sqms::metrics::config::ServiceConfig config;
  sqms::metrics::config::AddFlags(app, config);
  CLI11_PARSE(app, argc, argv);
  if (absl::Status s = sqms::metrics::config::Validate(config); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return 2;
  }
  auto server = sqms::metrics::MetricsServiceServer::Start(config);
  if (!server.ok()) {
    std::fprintf(stderr, "sqms-metrics: %s\n", server.status().ToString().c_str());
    return 1;
  }
  const int signal = sqms::runtime::WaitForShutdownSignal();
  sqms::runtime::log::Info("shutting down", {{"signal", signal}});
  (*server)->Shutdown();
  sqms::runtime::log::Info("stopped");
  return 0;
}
