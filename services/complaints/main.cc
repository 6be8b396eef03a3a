// sqms-complaints: complaint intake and lifecycle, contact-event gateway.
// Parses and validates the configuration, starts the server, drains it on
// SIGTERM/SIGINT.

#include <cstdio>

#include "CLI/CLI.hpp"
#include "services/complaints/complaints_server.h"
#include "services/complaints/config/service_config.h"
#include "sqms/runtime/grpc_server.h"
#include "sqms/runtime/log.h"

int main(int argc, char** argv) {
  // Before any thread exists, so the signals reach WaitForShutdownSignal.
  sqms::runtime::BlockShutdownSignals();

  CLI::App app{"sqms-complaints: complaint intake and lifecycle, contact-event gateway"};
  sqms::complaints::config::ServiceConfig config;
  sqms::complaints::config::AddFlags(app, config);
  CLI11_PARSE(app, argc, argv);
  if (absl::Status s = sqms::complaints::config::Validate(config); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return 2;
  }

  auto server = sqms::complaints::ComplaintsServer::Start(config);
  if (!server.ok()) {
    std::fprintf(stderr, "sqms-complaints: %s\n", server.status().ToString().c_str());
    return 1;
  }
  const int signal = sqms::runtime::WaitForShutdownSignal();
  sqms::runtime::log::Info("shutting down", {{"signal", signal}});
  (*server)->Shutdown();
  sqms::runtime::log::Info("stopped");
  return 0;
}
