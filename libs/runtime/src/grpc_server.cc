#include "sqms/runtime/grpc_server.h"

#include "parse_error_interceptor.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"

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
  builder.AddListeningPort(options.bind_address, grpc::InsecureServerCredentials(),
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
  server->SetServing(true);
  return server;
}

GrpcServer::~GrpcServer() {
  if (server_ != nullptr) {
    Shutdown();
    server_->Wait();
  }
}

void GrpcServer::SetServing(bool serving) {
  if (grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService()) {
    health->SetServingStatus(serving);
  }
}

void GrpcServer::Shutdown() {
  std::call_once(shutdown_once_, [this] {
    SetServing(false);
    server_->Shutdown(std::chrono::system_clock::now() + drain_timeout_);
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
