// sqms-alerts: emergency response — plans, incidents, escalation, drills. Parses and
// validates the configuration, starts the server, drains it on SIGTERM/SIGINT.

#include <cstdio>

#include "CLI/CLI.hpp"
#include "services/alerts/config/alerts_config.h"
#include "services/alerts/alerts_service_server.h"
#include "sqms/runtime/grpc_server.h"
#include "sqms/runtime/log.h"

int main(int argc, char** argv) {
  // Before any thread exists, so the signals reach WaitForShutdownSignal.
  sqms::runtime::BlockShutdownSignals();

  CLI::App app{"sqms-alerts: risk-assessed plans, incidents that escalate until acknowledged, drills"};
  sqms::alerts::config::ServiceConfig config;
  sqms::alerts::config::AddFlags(app, config);
  CLI11_PARSE(app, argc, argv);
  if (absl::Status s = sqms::alerts::config::Validate(config); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return 2;
  }
  auto server = sqms::alerts::AlertsServiceServer::Start(config);
  if (!server.ok()) {
    std::fprintf(stderr, "sqms-alerts: %s\n", server.status().ToString().c_str());
    return 1;
  }
  const int signal = sqms::runtime::WaitForShutdownSignal();
  sqms::runtime::log::Info("shutting down", {{"signal", signal}});
  (*server)->Shutdown();
  sqms::runtime::log::Info("stopped");
  return 0;
}
