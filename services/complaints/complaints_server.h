#pragma once
// Wires the complaints service from its configuration: the store, the
// outbox relay, the SLA timers, the use cases and the gRPC services. Owns
// every object it builds, in dependency order; no business logic here.

#include <memory>

#include "absl/status/statusor.h"
#include "services/complaints/config/service_config.h"

namespace sqms::complaints {

class ComplaintsServer {
 public:
  // Fails with the configuration problem (naming the key) or the component
  // that could not start. Serving when it returns.
  static absl::StatusOr<std::unique_ptr<ComplaintsServer>> Start(
      const config::ServiceConfig& config);
  ~ComplaintsServer();  // Shutdown()

  // Drains RPCs, stops timers, flushes the outbox relay. Idempotent.
  void Shutdown();

  int grpc_port() const;
  int metrics_port() const;

 private:
  struct Parts;
  explicit ComplaintsServer(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace sqms::complaints
