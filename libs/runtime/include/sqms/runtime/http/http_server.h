#pragma once
// An HTTP/1.1 server for small JSON endpoints (e.g. Alertmanager's webhook):
// exact-path routes registered before Start, a bounded pool of worker
// threads, a request body limit, read/write timeouts, keep-alive, and bearer
// or basic authentication per route or server-wide. No third-party type
// appears here (cpp-httplib lives behind the pimpl).
//
// Every answer is counted, and every request the server refuses itself is
// logged, so a caller whose credentials were rotated away is seen at once:
//
//   sqms_http_requests_total{server,route,code}
//       answers by route (the registered path; "unmatched" for any other)
//       and HTTP status code. Created at 0 at Start() for every route and
//       each of kHttpCountedCodes (and "unmatched" with 400 and 404);
//       other codes a handler answers appear at their first use.
//   {"msg":"http request refused","event":"security", server, method,
//    route, path, remote, code, reason}
//       a warn line for each request refused before (or instead of) its
//       handler: 401 (reason "missing credentials", "unsupported
//       authorization scheme" or "wrong credentials"; never the credential),
//       404, 405, 411, 413, a 400 when the request or its body could not be
//       read (malformed, the peer sent it slower than read_timeout, or not
//       within request_timeout: reason "request not read within N s …")
//       and a 500 (the handler threw or answered 500). A request cut at
//       request_timeout before its request line arrived gets no answer
//       and is logged the same way (no method, route or code). `remote`
//       is the peer's address whenever the socket had one. Rate-limited per server
//       (kHttpRefusalLog*; what is dropped is counted in a "suppressed refused requests" line
//       written before the next one). Answers a handler gives itself
//       (e.g. its own 400 or 503) are counted, not logged: the handler logs
//       what it knows of them.

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

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace sqms::runtime {

// The codes whose series exist at 0 from Start() for every route.
inline constexpr int kHttpCountedCodes[] = {200, 400, 401, 405, 411, 413, 500, 503};
// The route label of a request to a path no route is registered for.
inline constexpr char kHttpUnmatchedRoute[] = "unmatched";
// Refusal log lines per server: a token bucket (log_rate_limiter.h).
inline constexpr double kHttpRefusalLogPerSecond = 5;
inline constexpr int kHttpRefusalLogBurst = 10;

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
  std::chrono::seconds read_timeout{2};
  std::chrono::seconds write_timeout{5};
  // The whole request — request line, headers, body — must arrive within
  // this time of its first byte, or the connection is closed (400 when
  // the request line had come, else no answer). Without it a peer that
  // trickles its headers a byte at a time holds a worker indefinitely,
  // before it could be authenticated.
  std::chrono::seconds request_timeout{5};
  // How long an idle keep-alive connection is kept (it holds a worker), and
  // how many requests one connection may carry.
  std::chrono::seconds keep_alive_timeout{2};
  int keep_alive_max_requests = 100;
  // Connections are served on this many threads (an idle keep-alive one
  // holds its thread up to keep_alive_timeout, a slow request up to
  // request_timeout); further connections wait for a free one.
  int worker_threads = 16;
  HttpAuth auth;                      // server-wide; a route may override it
  // The `server` label of the request counter and the log lines' "server".
  std::string name = "http";
  // Where sqms_http_requests_total is registered; null: a private registry
  // (counted, not exported). Must outlive the server.
  prometheus::Registry* metrics = nullptr;
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
