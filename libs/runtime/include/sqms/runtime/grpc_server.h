#pragma once
// gRPC server bootstrap shared by all services: callback API services,
// grpc.health.v1 (default health service), server reflection, message size
// limits, keepalive, and a graceful drain on SIGTERM/SIGINT.

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace grpc { class Service; class Server; class HealthCheckServiceInterface; }

namespace sqms::runtime {

class RpcMetrics;

struct GrpcServerOptions {
  std::string bind_address = "0.0.0.0:0";   // port 0 = any free port
  int max_receive_message_bytes = 4 << 20;
  int max_send_message_bytes = 16 << 20;
  std::chrono::seconds keepalive_time{30};
  std::chrono::seconds keepalive_timeout{10};
  std::chrono::seconds drain_timeout{10};     // SIGTERM: finish RPCs for this long
  // Counts the calls answered before any handler ran — a request that does
  // not parse (parse_error_interceptor.h) — in sqms_rpc_requests_total like
  // the rest. Not owned; null: not counted.
  RpcMetrics* rpc_metrics = nullptr;
};

class GrpcServer {
 public:
  // Builds and starts the server with the default health service (SERVING)
  // and reflection. Services are not owned and must outlive the server.
  // UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(const GrpcServerOptions& options,
                                                           const std::vector<grpc::Service*>& services);
  ~GrpcServer();

  int port() const { return port_; }
  // Health status of the whole server ("" service) — SERVING after Start.
  void SetServing(bool serving);
  // Health NOT_SERVING, stops accepting, waits up to drain_timeout for calls
  // in flight, cancels the rest. Idempotent; thread-safe (later callers wait
  // for the first to finish). Must not be called from a gRPC callback. The
  // destructor calls it.
  void Shutdown();
  grpc::Server& server() { return *server_; }

 private:
  GrpcServer() = default;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::chrono::seconds drain_timeout_{10};
  std::once_flag shutdown_once_;
};

// Blocks SIGTERM and SIGINT in the calling thread, and so in every thread it
// starts afterwards. main must call this first, before any thread exists
// (gRPC, Kafka, Redis, prometheus all start threads), or a signal may be
// delivered to a thread that does not block it and kill the process
// instead of draining it.
void BlockShutdownSignals();

// Blocks the calling thread until SIGTERM or SIGINT arrives (sigwait; needs
// BlockShutdownSignals() first) and returns the signal number. Safe to call
// from one thread at a time.
int WaitForShutdownSignal();

// The machine's host name (a replica's default instance id), or `fallback`.
std::string HostName(std::string_view fallback);

// Writes {"grpc_port": G, "metrics_port": M} to `path` atomically (a
// temporary file renamed), so a test waiting for it never reads half a
// file; `webhook_port` > 0 adds "webhook_port" (a service's HTTP receiver).
// INTERNAL naming the file when it cannot.
absl::Status WriteReadyFile(const std::string& path, int grpc_port, int metrics_port,
                            int webhook_port = 0);

}  // namespace sqms::runtime
