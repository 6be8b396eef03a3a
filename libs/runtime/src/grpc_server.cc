#include "sqms/runtime/grpc_server.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "parse_error_interceptor.h"
#include "sqms/runtime/log.h"

namespace sqms::runtime {
namespace {

int Millis(std::chrono::seconds s) {
  return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(s).count());
}

void AddKeepalive(grpc::ServerBuilder& builder, const GrpcServerOptions& options) {
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, Millis(options.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, Millis(options.keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // Let clients ping as often as every 10 s without being sent GOAWAY.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
}

// The main port's credentials: TLS from files gRPC re-reads every
// reload_interval (`provider` keeps the reader), or plaintext with a warning.
std::shared_ptr<grpc::ServerCredentials> Credentials(
    const GrpcServerOptions& options,
    std::shared_ptr<grpc::experimental::CertificateProviderInterface>* provider) {
  const GrpcTlsOptions& tls = options.tls;
  if (!tls.enabled()) {
    log::Warn("grpc: the gRPC port is unencrypted (plaintext); set --tls-cert-file and "
              "--tls-key-file to serve TLS",
              {{"address", options.bind_address}});
    return grpc::InsecureServerCredentials();
  }
  const bool mutual = !tls.client_ca_file.empty();
  *provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      tls.key_file, tls.cert_file, tls.client_ca_file,
      static_cast<unsigned int>(std::max<int64_t>(1, tls.reload_interval.count())));
  grpc::experimental::TlsServerCredentialsOptions credentials(*provider);
  credentials.watch_identity_key_cert_pairs();
  if (mutual) {
    credentials.watch_root_certs();
    credentials.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  } else {
    credentials.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  }
  // File names only: the key's content is never logged.
  log::Info("grpc: serving TLS", {{"address", options.bind_address},
                                  {"cert_file", tls.cert_file},
                                  {"client_certificates", mutual ? "required" : "not requested"},
                                  {"client_ca_file", tls.client_ca_file},
                                  {"reload_seconds", tls.reload_interval.count()}});
  return grpc::experimental::TlsServerCredentials(credentials);
}

// A plaintext server with nothing but the default health service.
std::unique_ptr<grpc::Server> StartHealthServer(const std::string& bind_address, int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort(bind_address, grpc::InsecureServerCredentials(), port);
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  return builder.BuildAndStart();
}

sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(
    const GrpcServerOptions& options, const std::vector<grpc::Service*>& services) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  auto server = std::unique_ptr<GrpcServer>(new GrpcServer());
  server->drain_timeout_ = options.drain_timeout;

  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.bind_address, Credentials(options, &server->certificates_),
                           &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.SetMaxSendMessageSize(options.max_send_message_bytes);
  AddKeepalive(builder, options);
  // Without this a second process could bind the same port and silently
  // take half the traffic; a busy port must fail start-up instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  for (grpc::Service* service : services) builder.RegisterService(service);
  // Requests that fail to parse answer INVALID_ARGUMENT (naming the field
  // when it held invalid UTF-8), not gRPC's bare UNIMPLEMENTED.
  InstallProtobufParseErrorCapture();
  builder.experimental().SetInterceptorCreators(ParseErrorInterceptors(options.rpc_metrics));

  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("grpc: cannot listen on ", options.bind_address));
  }
  if (!options.health_bind_address.empty()) {
    server->health_server_ = StartHealthServer(options.health_bind_address, &server->health_port_);
    if (server->health_server_ == nullptr || server->health_port_ == 0) {
      return absl::UnavailableError(absl::StrCat("grpc: cannot listen on ",
                                                 options.health_bind_address, " (health)"));
    }
  }
  server->SetServing(true);
  return server;
}

GrpcServer::~GrpcServer() {
  if (server_ != nullptr) {
    Shutdown();
    server_->Wait();
    if (health_server_ != nullptr) health_server_->Wait();
  }
}

void GrpcServer::SetServing(bool serving) {
  for (grpc::Server* server : {server_.get(), health_server_.get()}) {
    if (server == nullptr) continue;
    if (grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService()) {
      health->SetServingStatus(serving);
    }
  }
}

void GrpcServer::Shutdown() {
  std::call_once(shutdown_once_, [this] {
    SetServing(false);
    server_->Shutdown(std::chrono::system_clock::now() + drain_timeout_);
    // Probes see NOT_SERVING through the drain, then nothing.
    if (health_server_ != nullptr) health_server_->Shutdown(std::chrono::system_clock::now());
  });
}

std::string HostName(std::string_view fallback) {
  char name[256] = {0};
  if (gethostname(name, sizeof(name) - 1) != 0) return std::string(fallback);
  return name;
}

absl::Status WriteReadyFile(const std::string& path, int grpc_port, int metrics_port,
                            int webhook_port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << "{\"grpc_port\": " << grpc_port << ", \"metrics_port\": " << metrics_port;
    if (webhook_port > 0) out << ", \"webhook_port\": " << webhook_port;
    out << "}\n";
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot rename ", tmp, " to ", path));
  }
  return absl::OkStatus();
}

void BlockShutdownSignals() {
  sigset_t set = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void ShutdownWithin(std::chrono::seconds deadline, const std::function<void()>& shutdown) {
  absl::Notification done;
  std::thread watchdog([&done, deadline] {
    if (done.WaitForNotificationWithTimeout(absl::FromChrono(deadline))) return;
    // The log line waits for the log's lock, which a thread blocked on a
    // full stderr pipe may hold: exit a second later whatever it does.
    std::thread([] {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      std::_Exit(kShutdownOverran);
    }).detach();
    log::Error(
        "shutdown did not finish in time; exiting without it (e.g. a Kafka client whose "
        "brokers stopped answering: librdkafka 2.0 can block its close for good)",
        {{"shutdown_seconds", deadline.count()}, {"exit_status", kShutdownOverran}});
    std::_Exit(kShutdownOverran);
  });
  shutdown();
  done.Notify();
  watchdog.join();
}

int WaitForShutdownSignal() {
  sigset_t set = ShutdownSignals();
  // Harmless if main already did it; needed for sigwait in this thread.
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  return signal;
}

}  // namespace sqms::runtime
