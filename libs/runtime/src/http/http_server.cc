#include "sqms/runtime/http/http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "deadline_server.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "sqms/runtime/log.h"
#include "sqms/runtime/log_rate_limiter.h"
#include "sqms/runtime/metrics.h"

namespace sqms::runtime {
namespace {

using http_internal::DeadlineServer;

struct Route {
  std::string method;
  HttpServer::Handler handler;
  std::optional<HttpAuth> auth;
};

bool CarriesBody(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

// Headers cpp-httplib adds to the request for its own use.
bool IsSynthetic(const std::string& name) {
  return name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
         name == "LOCAL_PORT";
}

void Reply(httplib::Response& res, int status, std::string body) {
  res.status = status;
  res.set_content(std::move(body), "text/plain; charset=utf-8");
}

// Set on the worker thread once a handler produced the answer: cpp-httplib
// reads, routes and answers a request on one thread, and its logger (where
// answers are counted) has no other way to tell a handler's 400 from its
// own.
thread_local bool answered_by_handler = false;

// A path as logged: an unknown one is whatever the peer sent.
constexpr size_t kLoggedPathMax = 200;

// sqms_http_requests_total{server,route,code} (http_server.h). Thread-safe.
class HttpServerStats {
 public:
  HttpServerStats(prometheus::Registry* registry, std::string server)
      : server_(std::move(server)),
        requests_(prometheus::BuildCounter()
                      .Name("sqms_http_requests_total")
                      .Help("HTTP requests answered, by server, route and status code")
                      .Register(RegistryOr(registry, own_registry_))) {}

  // The series known in advance, at 0.
  void Declare(const std::vector<std::string>& routes) {
    for (const std::string& route : routes) {
      for (int code : kHttpCountedCodes) Counter(route, code);
    }
    for (int code : {400, 404}) Counter(kHttpUnmatchedRoute, code);
  }

  void Count(const std::string& route, int status) { Counter(route, status).Increment(); }

 private:
  prometheus::Counter& Counter(const std::string& route, int code) {
    absl::MutexLock lock(&mu_);
    auto [it, added] = counters_.try_emplace({route, code}, nullptr);
    if (added) {
      it->second =
          &requests_.Add({{"server", server_}, {"route", route}, {"code", std::to_string(code)}});
    }
    return *it->second;
  }

  std::shared_ptr<prometheus::Registry> own_registry_;  // when none was given
  const std::string server_;
  prometheus::Family<prometheus::Counter>& requests_;
  absl::Mutex mu_;
  std::map<std::pair<std::string, int>, prometheus::Counter*> counters_ ABSL_GUARDED_BY(mu_);
};

// The reason of a request cut at its deadline (http_server.h request_timeout).
std::string CutReason(const HttpServerOptions& options) {
  return absl::StrCat("request not read within ", options.request_timeout.count(),
                      " s of its first byte (a slow or stalled peer)");
}

// Why the server itself answered `status`, for the refusal log; "" for an
// answer that is not a refusal.
std::string RefusalReason(const httplib::Request& req, int status, bool route_known,
                          const HttpServerOptions& options) {
  if (status == 400 && DeadlineServer::RequestCut()) return CutReason(options);
  switch (status) {
    case 401: {
      const std::string header = req.get_header_value("Authorization");
      if (header.empty()) return "missing credentials";
      if (!absl::StartsWithIgnoreCase(header, "Bearer ") &&
          !absl::StartsWithIgnoreCase(header, "Basic ")) {
        return "unsupported authorization scheme";
      }
      return "wrong credentials";
    }
    case 400:
      return route_known ? "request body not read (malformed, or slower than the read timeout)"
                         : "malformed request";
    case 404:
      return "unknown path";
    case 405:
      return "method not allowed";
    case 411:
      return "body without Content-Length";
    case 413:
      return absl::StrCat("body over ", options.max_body_bytes, " bytes");
    case 500:
      return "handler failed";
    default:
      return status >= 400 ? "refused" : "";
  }
}

}  // namespace

std::string_view HttpServerRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, absl::string_view(name.data(), name.size()))) return value;
  }
  return {};
}

class HttpServer::Impl {
 public:
  explicit Impl(HttpServerOptions options)
      : options_(std::move(options)),
        stats_(options_.metrics, options_.name),
        refusal_log_(kHttpRefusalLogPerSecond, kHttpRefusalLogBurst),
        server_(std::chrono::duration_cast<std::chrono::milliseconds>(options_.request_timeout),
                [this](const http_internal::Peer& peer) { LogCut(peer); }) {}
  ~Impl() { Stop(); }

  void Handle(std::string method, std::string path, Handler handler,
              std::optional<HttpAuth> auth) {
    routes_[std::move(path)].push_back(
        Route{std::move(method), std::move(handler), std::move(auth)});
  }

  absl::Status Start() {
    std::lock_guard<std::mutex> lock(mu_);
    if (started_) return absl::FailedPreconditionError("http server: already started");
    Configure();
    std::vector<std::string> paths;
    for (const auto& [path, routes] : routes_) paths.push_back(path);
    stats_.Declare(paths);
    const std::string where = absl::StrCat(options_.host, ":", options_.port);
    port_ = options_.port == 0 ? server_.bind_to_any_port(options_.host)
                               : (server_.bind_to_port(options_.host, options_.port)
                                      ? options_.port
                                      : -1);
    if (port_ <= 0) return absl::UnavailableError(absl::StrCat("http server: cannot bind ", where));
    started_ = true;
    thread_ = std::thread([this] {
      server_.listen_after_bind();
      listen_returned_ = true;
    });
    // stop() is a no-op until the accept loop runs: wait for it, so a Stop()
    // right after Start() cannot be lost.
    while (!server_.is_running() && !listen_returned_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return absl::OkStatus();
  }

  int port() const { return port_; }

  void Stop() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!thread_.joinable()) return;
    server_.stop();  // closes the listening socket; workers finish, then join
    thread_.join();
  }

 private:
  void Configure() {
    // cpp-httplib's default sets SO_REUSEPORT, which lets a second process
    // bind the same port and silently share its traffic; SO_REUSEADDR only
    // allows a restart while old connections are in TIME_WAIT.
    server_.set_socket_options([](int sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    });
    server_.set_payload_max_length(options_.max_body_bytes);
    server_.set_read_timeout(options_.read_timeout);
    server_.set_write_timeout(options_.write_timeout);
    server_.set_keep_alive_timeout(options_.keep_alive_timeout.count());
    server_.set_keep_alive_max_count(static_cast<size_t>(std::max(1, options_.keep_alive_max_requests)));
    const size_t threads = static_cast<size_t>(std::max(1, options_.worker_threads));
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server_.set_logger(
        [this](const httplib::Request& req, const httplib::Response& res) { Answered(req, res); });
    server_.set_pre_routing_handler(
        [this](const httplib::Request& req, httplib::Response& res) { return Precheck(req, res); });
    auto dispatch = [this](const httplib::Request& req, httplib::Response& res) {
      Dispatch(req, res);
    };
    server_.Get(".*", dispatch);
    server_.Post(".*", dispatch);
    server_.Put(".*", dispatch);
    server_.Patch(".*", dispatch);
    server_.Delete(".*", dispatch);
    server_.Options(".*", dispatch);
  }

  // The route of `req`, or nullptr after writing 404 / 405 into `res`.
  const Route* Find(const httplib::Request& req, httplib::Response& res) const {
    auto it = routes_.find(req.path);
    if (it == routes_.end()) {
      Reply(res, 404, "not found\n");
      return nullptr;
    }
    const std::string& method = req.method == "HEAD" ? std::string("GET") : req.method;
    std::vector<std::string> allowed;
    for (const Route& route : it->second) {
      if (route.method == method) return &route;
      allowed.push_back(route.method);
    }
    res.set_header("Allow", absl::StrJoin(allowed, ", "));
    Reply(res, 405, "method not allowed\n");
    return nullptr;
  }

  // Runs before cpp-httplib reads the body: nothing is buffered for an
  // unknown route, a caller without credentials, or an oversized body.
  httplib::Server::HandlerResponse Precheck(const httplib::Request& req,
                                            httplib::Response& res) const {
    using R = httplib::Server::HandlerResponse;
    const Route* route = Find(req, res);
    if (route == nullptr) return R::Handled;
    const HttpAuth& auth = route->auth ? *route->auth : options_.auth;
    if (!auth.Allows(req.get_header_value("Authorization"))) {
      res.set_header("WWW-Authenticate", auth.Challenge());
      Reply(res, 401, "unauthorized\n");
    } else if (CarriesBody(req.method) &&
               (req.has_header("Transfer-Encoding") || !req.has_header("Content-Length"))) {
      Reply(res, 411, "Content-Length required\n");
    } else if (req.get_header_value<uint64_t>("Content-Length") > options_.max_body_bytes) {
      Reply(res, 413, absl::StrCat("body over ", options_.max_body_bytes, " bytes\n"));
    } else {
      return R::Unhandled;
    }
    // The body was not read: the client must not reuse the connection.
    res.set_header("Connection", "close");
    return R::Handled;
  }

  // Every answer written (cpp-httplib's logger, on the worker thread):
  // counted; logged when the server refused the request itself.
  void Answered(const httplib::Request& req, const httplib::Response& res) {
    const bool by_handler = std::exchange(answered_by_handler, false);
    // A request the server could not read leaves the connection where it
    // cannot tell the next request's start: close it.
    if (!by_handler && res.status == 400) DeadlineServer::CloseAfterAnswer();
    const bool route_known = routes_.contains(req.path);
    const std::string route = route_known ? req.path : std::string(kHttpUnmatchedRoute);
    // Counted after the line is written: whoever sees the count sees the line.
    if (!by_handler || res.status == 500) LogRefusal(req, res.status, route);
    stats_.Count(route, res.status);
  }

  // Whether a refusal line may be written now (rate limit); writes the
  // "suppressed" line first when lines were dropped.
  bool MayLogRefusal() {
    const LogRateLimiter::Decision decision = refusal_log_.Acquire();
    if (!decision.write) return false;
    if (decision.suppressed > 0) {
      log::Warn(
          "suppressed refused requests",
          {{"event", "security"}, {"server", options_.name}, {"suppressed", decision.suppressed}});
    }
    return true;
  }

  // A request cut at its deadline before its request line arrived: no
  // answer, so no logger call; still a refusal with the peer named.
  void LogCut(const http_internal::Peer& peer) {
    if (!MayLogRefusal()) return;
    log::Warn("http request refused", {{"event", "security"},
                                       {"server", options_.name},
                                       {"remote", peer.address},
                                       {"remote_port", peer.port},
                                       {"reason", CutReason(options_)}});
  }

  void LogRefusal(const httplib::Request& req, int status, const std::string& route) {
    const std::string reason = RefusalReason(req, status, route != kHttpUnmatchedRoute, options_);
    if (reason.empty()) return;
    if (!MayLogRefusal()) return;
    // cpp-httplib sets remote_addr only once the headers were read.
    const std::string& remote =
        req.remote_addr.empty() ? DeadlineServer::CurrentPeer().address : req.remote_addr;
    // Never the Authorization header: the reason says what was wrong with it.
    log::Warn("http request refused", {{"event", "security"},
                                       {"server", options_.name},
                                       {"method", req.method},
                                       {"route", route},
                                       {"path", req.path.substr(0, kLoggedPathMax)},
                                       {"remote", remote},
                                       {"code", status},
                                       {"reason", reason}});
  }

  void Dispatch(const httplib::Request& req, httplib::Response& res) const {
    const Route* route = Find(req, res);
    if (route == nullptr) return;
    answered_by_handler = true;
    HttpServerRequest request;
    request.method = req.method;
    request.path = req.path;
    if (size_t q = req.target.find('?'); q != std::string::npos) request.query = req.target.substr(q + 1);
    for (const auto& [name, value] : req.headers) {
      if (!IsSynthetic(name)) request.headers.emplace_back(name, value);
    }
    request.body = req.body;
    request.remote_addr = req.remote_addr;
    request.remote_port = req.remote_port;
    HttpServerResponse response;
    try {
      response = route->handler(request);
    } catch (const std::exception&) {
      response = HttpServerResponse{500, "text/plain; charset=utf-8", {}, "internal error\n"};
    } catch (...) {
      response = HttpServerResponse{500, "text/plain; charset=utf-8", {}, "internal error\n"};
    }
    for (auto& [name, value] : response.headers) res.set_header(name, value);
    res.status = response.status;
    res.set_content(std::move(response.body), response.content_type);
  }

  const HttpServerOptions options_;
  HttpServerStats stats_;
  LogRateLimiter refusal_log_;
  std::map<std::string, std::vector<Route>> routes_;  // written only before Start
  DeadlineServer server_;
  std::mutex mu_;  // Start / Stop
  bool started_ = false;
  int port_ = 0;
  std::atomic<bool> listen_returned_{false};
  std::thread thread_;
};

HttpServer::HttpServer(HttpServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpServer::~HttpServer() = default;

void HttpServer::Handle(std::string method, std::string path, Handler handler,
                        std::optional<HttpAuth> auth) {
  impl_->Handle(std::move(method), std::move(path), std::move(handler), std::move(auth));
}
absl::Status HttpServer::Start() { return impl_->Start(); }
int HttpServer::port() const { return impl_->port(); }
void HttpServer::Stop() { impl_->Stop(); }

}  // namespace sqms::runtime
