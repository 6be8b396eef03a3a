#pragma once
// An HTTP/1.1 server for small JSON endpoints (e.g. Alertmanager's webhook):
// exact-path routes registered before Start, a bounded pool of worker
// threads, a request body limit, read/write timeouts, keep-alive, and bearer
// or basic authentication per route or server-wide. No third-party type
// appears here (cpp-httplib lives behind the pimpl).

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "sqms/runtime/http/http_auth.h"

namespace sqms::runtime {

struct HttpServerRequest {
  std::string method;
  std::string path;          // without the query string
  std::string query;         // after '?', undecoded; "" when none
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  std::string body;
  std::string remote_addr;   // peer IP address
  int remote_port = 0;

  // The first header called `name` (case-insensitive), or "" when absent.
  std::string_view Header(std::string_view name) const;
};

struct HttpServerResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;
};

struct HttpServerOptions {
  std::string host = "0.0.0.0";
  int port = 0;                       // 0: any free port (see port())
  size_t max_body_bytes = 1 << 20;    // larger bodies: 413, handler not called
  // Per socket read / write; a peer idle mid-request longer is disconnected.
  std::chrono::seconds read_timeout{5};
  std::chrono::seconds write_timeout{5};
  // How long an idle keep-alive connection is kept (it holds a worker), and
  // how many requests one connection may carry.
  std::chrono::seconds keep_alive_timeout{2};
  int keep_alive_max_requests = 100;
  // Requests are handled on this many threads; further connections wait for
  // a free one.
  int worker_threads = 4;
  HttpAuth auth;                      // server-wide; a route may override it
};

class HttpServer {
 public:
  // Runs on a worker thread; may block briefly (each blocked handler holds
  // one of worker_threads). An exception escaping it becomes a 500.
  using Handler = std::function<HttpServerResponse(const HttpServerRequest&)>;

  explicit HttpServer(HttpServerOptions options);
  ~HttpServer();  // Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Registers `handler` for `method` ("GET", "POST", ...) on exactly `path`
  // (no patterns). `auth` replaces the server-wide auth for this route;
  // pass HttpAuth{} for a public route. Only before Start. A HEAD request
  // is served by the GET handler without the body. Unknown path → 404;
  // known path, other method → 405 with Allow; failed auth → 401 with
  // WWW-Authenticate; a POST/PUT/PATCH/DELETE without Content-Length, or
  // with a chunked body, → 411 (bodies must be sized). These answers come
  // before the body is read, with "Connection: close".
  void Handle(std::string method, std::string path, Handler handler,
              std::optional<HttpAuth> auth = std::nullopt);

  // Binds host:port and starts serving on a background thread.
  // UNAVAILABLE when the address cannot be bound; FAILED_PRECONDITION when
  // already started.
  absl::Status Start();
  // The bound port (after Start), e.g. when options.port was 0.
  int port() const;

  // Stops accepting at once, lets the requests in flight finish (their
  // handlers run to completion: a handler is never interrupted), closes
  // idle keep-alive connections within keep_alive_timeout, joins every
  // thread. Returns within (longest handler still running) +
  // keep_alive_timeout. Idempotent; not from a handler.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sqms::runtime
