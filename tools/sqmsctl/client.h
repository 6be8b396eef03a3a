// Connection plumbing shared by sqmsctl and sqms-loadgen: one channel to the
// SQMS gRPC endpoint (plaintext, or TLS with the --tls flags) and per-call
// contexts carrying the bearer token.
#pragma once

#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"

namespace sqms::tools {

// How to reach a server that serves TLS (the services' --tls-cert-file).
struct ClientTls {
  bool enabled = false;     // --tls: TLS, trusting the system's CA certificates
  std::string ca_file;      // --tls-ca-file: TLS, trusting only this PEM CA bundle
  std::string cert_file;    // --tls-cert-file: client certificate (mutual TLS) ...
  std::string key_file;     // --tls-key-file: ... and its private key; both or neither
  std::string server_name;  // --tls-server-name: the name the certificate must carry
                            // (default: the host of the address)

  // Whether any flag asks for TLS (each of the files implies --tls).
  bool requested() const { return enabled || !ca_file.empty() || !cert_file.empty(); }
};

struct ClientOptions {
  std::string server = "127.0.0.1:50051";  // host:port
  std::string token;                       // bearer token; empty: none sent
  double timeout_seconds = 10;             // per unary call; <= 0: none
  ClientTls tls;
  // Built from `tls` by LoadChannelCredentials; null: plaintext (which
  // MakeChannel refuses while `tls` asks for TLS).
  std::shared_ptr<grpc::ChannelCredentials> credentials;
};

// Registers --tls, --tls-ca-file, --tls-cert-file, --tls-key-file and
// --tls-server-name on `app`, writing into `tls`. Environment: SQMS_TLS,
// SQMS_TLS_CA_FILE, SQMS_TLS_SERVER_NAME, and SQMS_CLIENT_TLS_CERT_FILE /
// SQMS_CLIENT_TLS_KEY_FILE (not SQMS_TLS_CERT_FILE: in a service's
// environment that is the server's own certificate).
void AddTlsFlags(CLI::App& app, ClientTls& tls);

// After parsing: reads the files options.tls names and sets
// options.credentials (left null when TLS is not asked for).
// INVALID_ARGUMENT naming the flag when a file cannot be read or only one of
// --tls-cert-file and --tls-key-file is given. Never prints a file's content.
absl::Status LoadChannelCredentials(ClientOptions& options);

// Returns a channel to options.server with message limits large enough for
// a full ListComplaints page: over options.credentials, or plaintext when
// there are none. Never fails; connection errors (a refused handshake too)
// surface on the first call (UNAVAILABLE). Throws std::logic_error when
// options.tls asks for TLS but LoadChannelCredentials has not run.
std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options);

// Like MakeChannel, but with its own TCP connection instead of one shared
// with other channels to the same server: load generators use one per
// stream to spread work over the server's I/O threads.
std::shared_ptr<grpc::Channel> MakeDedicatedChannel(const ClientOptions& options);

// Adds "authorization: Bearer <token>" when a token is set, and a deadline of
// options.timeout_seconds from now when with_deadline and it is positive.
void PrepareContext(const ClientOptions& options, bool with_deadline, grpc::ClientContext& context);

// Drives a bidirectional stream: a writer thread sends every request then
// half-closes while the calling thread hands each response to on_response in
// order. Returns the stream's final status. Writing stops early when the
// stream breaks; the remaining requests are never sent.
template <typename Request, typename Response>
grpc::Status RunBidiStream(grpc::ClientReaderWriter<Request, Response>& stream,
                           const std::vector<Request>& requests,
                           const std::function<void(const Response&)>& on_response) {
  std::thread writer([&stream, &requests] {
    for (const Request& request : requests) {
      if (!stream.Write(request)) break;
    }
    stream.WritesDone();
  });
  Response response;
  while (stream.Read(&response)) on_response(response);
  writer.join();
  return stream.Finish();
}

}  // namespace sqms::tools
