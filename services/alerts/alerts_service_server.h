#pragma once
// sqms-alerts assembled: alert intake from Kafka, gRPC and Alertmanager's
// webhook; the incident store; the escalation and delivery timers; the
// webhook dispatcher; the outbox relay to sqms.incidents.v1; the plans
// changed through UpsertPlan, refreshed from Redis every second; /metrics.
// main.cc parses the configuration and runs it; tests start it in-process.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/alerts/config/alerts_config.h"

namespace sqms::alerts {

class AlertsServiceServer {
 public:
  // Loads the settings file, connects, starts consuming, firing timers and
  // serving. An error names the flag or the file and key at fault.
  static absl::StatusOr<std::unique_ptr<AlertsServiceServer>> Start(
      const config::ServiceConfig& config);
  ~AlertsServiceServer();  // Shutdown()

  // Stops intake and RPCs, then the timers and the relay. Idempotent.
  void Shutdown();

  int grpc_port() const;
  int metrics_port() const;
  int webhook_port() const;  // 0 when the receiver is off

 private:
  struct Parts;
  static absl::Status StartIntake(const config::ServiceConfig& config,
                                  const std::string& instance, Parts& p);
  static absl::Status StartRelay(const config::ServiceConfig& config,
                                 const std::string& instance, Parts& p);
  // The plans in force now (config file + store) and their refresh.
  static void StartPlanRefresh(Parts& p);
  explicit AlertsServiceServer(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace sqms::alerts
