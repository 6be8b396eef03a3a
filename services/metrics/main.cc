// sqms-metrics: the handbooks' KPIs from the events on Kafka. Parses and
// validates the configuration, starts the server, drains it on
// SIGTERM/SIGINT (runtime/service_main.h).

#include "services/metrics/config/metrics_config.h"
#include "services/metrics/metrics_service_server.h"
#include "sqms/runtime/service_main.h"

int main(int argc, char** argv) {
  namespace m = sqms::metrics;
  return sqms::runtime::ServiceMain<m::config::ServiceConfig, m::MetricsServiceServer>(
      argc, argv, "sqms-metrics",
      "sqms-metrics: the handbooks' KPIs per calendar period and unit, exactly once",
      m::config::AddFlags, m::config::Validate);
}
