// sqms-alerts: emergency response — plans, incidents, escalation, drills.
// Parses and validates the configuration, starts the server, drains it on
// SIGTERM/SIGINT (runtime/service_main.h).

#include "services/alerts/alerts_service_server.h"
#include "services/alerts/config/alerts_config.h"
#include "sqms/runtime/service_main.h"

int main(int argc, char** argv) {
  namespace a = sqms::alerts;
  return sqms::runtime::ServiceMain<a::config::ServiceConfig, a::AlertsServiceServer>(
      argc, argv, "sqms-alerts",
      "sqms-alerts: risk-assessed plans, incidents that escalate until acknowledged, drills",
      a::config::AddFlags, a::config::Validate);
}
