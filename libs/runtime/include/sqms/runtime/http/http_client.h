#pragma once
// An HTTP/1.1 and HTTPS client for outgoing calls (webhooks): libcurl's multi
// interface driven by one I/O thread owned by the client, so any number of
// requests run concurrently without a thread each, and a slow or failing
// target never delays another one.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sqms::runtime {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// TLS settings of one request. The peer's certificate and host name are
// verified against the system CAs unless `ca_file` names a PEM bundle to
// trust instead; only `insecure_skip_verify` turns verification off.
struct HttpTlsOptions {
  std::string ca_file;           // PEM; empty: the system trust store
  std::string client_cert_file;  // PEM; with client_key_file for mutual TLS
  std::string client_key_file;   // PEM, unencrypted
  bool insecure_skip_verify = false;
};

struct HttpRequest {
  std::string method = "GET";   // any token; HEAD sends no body and reads none
  std::string url;              // http:// or https:// only
  HttpHeaders headers;          // sent as given, in order
  std::string body;             // sent with Content-Length when non-empty (or POST/PUT/PATCH)
  // Whole transfer, from the moment the I/O thread starts it: connect, TLS,
  // send, wait, receive. Past it: DEADLINE_EXCEEDED.
  std::chrono::milliseconds timeout{10000};
  std::chrono::milliseconds connect_timeout{3000};  // TCP + TLS handshake
  HttpTlsOptions tls;
};

struct HttpResponse {
  int status = 0;               // e.g. 200, 404, 503
  HttpHeaders headers;          // names lower-cased, in arrival order (final response only)
  std::string body;

  // The first header called `name` (case-insensitive), or "" when absent.
  std::string_view Header(std::string_view name) const;
};

struct HttpClientOptions {
  // Requests accepted and not yet completed (waiting or in transfer); past
  // it Send fails at once with RESOURCE_EXHAUSTED.
  size_t max_pending = 1024;
  // A response body past this fails the request with RESOURCE_EXHAUSTED.
  size_t max_response_bytes = 4 << 20;
  std::string user_agent = "sqms-http/1";
};

class HttpClient {
 public:
  using Callback = std::function<void(absl::StatusOr<HttpResponse>)>;

  // Starts the I/O thread. Never fails.
  explicit HttpClient(HttpClientOptions options = {});
  // Stops the I/O thread: every request not yet completed is aborted and its
  // callback runs once with CANCELLED, on the I/O thread, before the
  // destructor returns. Must not be called from a callback.
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Starts `request` asynchronously; `done` runs exactly once:
  // - on the client's I/O thread with the response or the transfer error,
  // - or, before Send returns, on the calling thread with RESOURCE_EXHAUSTED
  //   (max_pending reached) or CANCELLED (the client is being destroyed).
  // `done` must not block (it stalls every other transfer); it may call Send.
  //
  // An HTTP status of 4xx/5xx is a completed transfer: OK with that status.
  // Errors: timeout → DEADLINE_EXCEEDED; connection refused, DNS failure,
  // connection reset → UNAVAILABLE; TLS handshake or certificate failure →
  // UNAVAILABLE with curl's message; malformed URL or a scheme other than
  // http/https → INVALID_ARGUMENT; body over max_response_bytes →
  // RESOURCE_EXHAUSTED. After DEADLINE_EXCEEDED or UNAVAILABLE on a
  // connection that was established, the target may have acted on the
  // request: only idempotent requests (or ones with an id) may be retried.
  // Redirects are not followed. Thread-safe; never blocks on I/O.
  void Send(HttpRequest request, Callback done);

  // Blocking form of Send. FAILED_PRECONDITION when called on the I/O thread
  // (from a callback), where it would deadlock.
  absl::StatusOr<HttpResponse> SendAndWait(HttpRequest request);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sqms::runtime
