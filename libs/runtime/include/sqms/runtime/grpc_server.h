#pragma once
// gRPC server bootstrap shared by all services: callback API services,
// grpc.health.v1 (default health service), server reflection, message size
// limits, keepalive, TLS (optionally mutual, certificates re-read while
// running), and a graceful drain on SIGTERM/SIGINT.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace grpc {
class Service;
class Server;
class HealthCheckServiceInterface;
namespace experimental { class CertificateProviderInterface; }
}  // namespace grpc

namespace sqms::runtime {

class RpcMetrics;

// TLS of the gRPC port. Start does not look into the files: Validate
// (config.h) checks them at start-up, naming the flag of a bad one.
struct GrpcTlsOptions {
  std::string cert_file;       // PEM certificate chain; empty: plaintext
  std::string key_file;        // PEM private key of cert_file; set iff cert_file is
  // PEM CA bundle; set: every client must present a certificate it signed
  // (mutual TLS), a client without one fails the handshake.
  std::string client_ca_file;
  // How often the three files are read again. A certificate replaced in
  // place (a Kubernetes Secret that cert-manager renewed) is presented to
  // new connections from the next read on, without a restart; connections
  // already open keep the session they have.
  std::chrono::seconds reload_interval{60};

  bool enabled() const { return !cert_file.empty(); }
};

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
  // Empty: plaintext, and Start logs a warning that the port is unencrypted.
  // Set: the port serves TLS only; a plaintext client fails the handshake.
  GrpcTlsOptions tls;
  // Non-empty: a second, plaintext listener that serves only grpc.health.v1,
  // with the main port's status (SetServing), for probes that cannot speak
  // TLS (Kubernetes' gRPC probes). It answers nothing else.
  std::string health_bind_address;
};

class GrpcServer {
 public:
  // Builds and starts the server with the default health service (SERVING)
  // and reflection, over TLS when options.tls is enabled(), and the health
  // listener when options.health_bind_address is set. Services are not
  // owned and must outlive the server. UNAVAILABLE when an address cannot
  // be bound (or, with TLS, the credentials cannot be built).
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(const GrpcServerOptions& options,
                                                           const std::vector<grpc::Service*>& services);
  ~GrpcServer();

  int port() const { return port_; }
  // The health listener's port; 0 when there is none.
  int health_port() const { return health_port_; }
  // Health status of the whole server ("" service), on the main port and the
  // health listener — SERVING after Start.
  void SetServing(bool serving);
  // Health NOT_SERVING, stops accepting, waits up to drain_timeout for calls
  // in flight, cancels the rest, then closes the health listener. Idempotent; thread-safe (later callers wait
  // for the first to finish). Must not be called from a gRPC callback. The
  // destructor calls it.
  void Shutdown();
  grpc::Server& server() { return *server_; }

 private:
  GrpcServer() = default;
  // Reads the TLS files while the server runs; declared first so that it
  // outlives the servers using it.
  std::shared_ptr<grpc::experimental::CertificateProviderInterface> certificates_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> health_server_;  // null without a health listener
  int port_ = 0;
  int health_port_ = 0;
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

// Runs `shutdown` (a server's Shutdown and destruction) and returns when
// it is done — unless it has not finished after `deadline`: then logs so at
// error level and ends the process (std::_Exit(kShutdownOverran); within a
// second even if the log cannot be written), without running destructors
// or what is left of `shutdown`.
inline constexpr int kShutdownOverran = 3;
void ShutdownWithin(std::chrono::seconds deadline, const std::function<void()>& shutdown);

// The machine's host name (a replica's default instance id), or `fallback`.
std::string HostName(std::string_view fallback);

// Writes {"grpc_port": G, "metrics_port": M} to `path` atomically (a
// temporary file renamed), so a test waiting for it never reads half a
// file; `webhook_port` > 0 adds "webhook_port" (a service's HTTP receiver).
// INTERNAL naming the file when it cannot.
absl::Status WriteReadyFile(const std::string& path, int grpc_port, int metrics_port,
                            int webhook_port = 0);

}  // namespace sqms::runtime
