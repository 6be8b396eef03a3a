#pragma once
// gRPC server bootstrap shared by all services: callback API services,
// grpc.health.v1 (default health service), server reflection, message size
// limits, keepalive, and a graceful drain on SIGTERM/SIGINT.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace grpc { class Service; class Server; class HealthCheckServiceInterface; }

namespace sqms::runtime {

struct GrpcServerOptions {
  std::string bind_address = "0.0.0.0:0";   // port 0 = any free port
  int max_receive_message_bytes = 4 << 20;
  int max_send_message_bytes = 16 << 20;
  std::chrono::seconds keepalive_time{30};
  std::chrono::seconds keepalive_timeout{10};
  std::chrono::seconds drain_timeout{10};     // SIGTERM: finish RPCs for this long
};

class GrpcServer {
 public:
  // Services are not owned and must outlive the server. UNAVAILABLE when the
  // address cannot be bound.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(const GrpcServerOptions& options,
                                                           const std::vector<grpc::Service*>& services);
  ~GrpcServer();

  int port() const { return port_; }
  // Health status of the whole server ("" service) — SERVING after Start.
  void SetServing(bool serving);
  // Stops accepting, waits up to drain_timeout for calls in flight, cancels
  // the rest. Idempotent; thread-safe.
  void Shutdown();
  grpc::Server& server() { return *server_; }

 private:
  GrpcServer() = default;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::chrono::seconds drain_timeout_{10};
};

// Blocks the calling thread until SIGTERM or SIGINT arrives (installs the
// handlers on first use; safe to call once per process).
void WaitForShutdownSignal();

}  // namespace sqms::runtime
