// HttpServer on port 0, called with HttpClient: routing, auth, body limit,
// Stop() with a slow request in flight, and what an operator sees of the
// answers: the request counter and the rate-limited refusal log.

#include "sqms/runtime/http/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "prometheus/registry.h"
#include "sqms/runtime/http/http_client.h"
#include "sqms/runtime/log.h"
#include "tests/support/metric_value.h"
#include "tests/support/support.h"

namespace sqms::runtime {
namespace {

HttpServerResponse Echo(const HttpServerRequest& r) {
  HttpServerResponse response;
  response.body = r.method + " " + r.path + "?" + r.query + " from " + r.remote_addr + " x=" +
                  std::string(r.Header("x-test")) + " body=" + r.body;
  response.headers = {{"X-Handled", "yes"}};
  return response;
}

HttpServerOptions Local() {
  HttpServerOptions options;
  options.host = "127.0.0.1";
  return options;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpServerOptions options) {
    options.host = "127.0.0.1";
    server_ = std::make_unique<HttpServer>(std::move(options));
    server_->Handle("POST", "/hook", Echo);
    server_->Handle("GET", "/healthz", Echo, HttpAuth{});  // public
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_GT(server_->port(), 0);
  }

  HttpRequest Request(const std::string& method, const std::string& path,
                      HttpHeaders headers = {}, std::string body = "") {
    HttpRequest request;
    request.method = method;
    request.url = "http://127.0.0.1:" + std::to_string(server_->port()) + path;
    request.headers = std::move(headers);
    request.body = std::move(body);
    return request;
  }

  static HttpServerOptions WithAuth() {
    HttpServerOptions options;
    options.auth.bearer_tokens = {"first-token", "second-token"};
    options.auth.basic_users = {{"alertmanager", "s3cret"}};
    return options;
  }

  std::unique_ptr<HttpServer> server_;
  HttpClient client_;
};

TEST_F(HttpServerTest, BearerTokenAuthorizes) {
  StartServer(WithAuth());
  auto r = client_.SendAndWait(Request("POST", "/hook?a=1",
                                       {{"Authorization", "Bearer second-token"}, {"X-Test", "v"}},
                                       "payload"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "POST /hook?a=1 from 127.0.0.1 x=v body=payload");
  EXPECT_EQ(r->Header("x-handled"), "yes");
}

TEST_F(HttpServerTest, BasicAuthAuthorizes) {
  StartServer(WithAuth());
  const std::string basic = "Basic " + absl::Base64Escape("alertmanager:s3cret");
  auto r = client_.SendAndWait(Request("POST", "/hook", {{"Authorization", basic}}, "{}"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerTest, MissingOrWrongCredentialsAre401WithChallenge) {
  StartServer(WithAuth());
  const std::string wrong_basic = "Basic " + absl::Base64Escape("alertmanager:guess");
  for (const HttpHeaders& headers :
       {HttpHeaders{}, HttpHeaders{{"Authorization", "Bearer first-token-not"}},
        HttpHeaders{{"Authorization", "Bearer "}}, HttpHeaders{{"Authorization", wrong_basic}},
        HttpHeaders{{"Authorization", "Basic !!!"}}}) {
    auto r = client_.SendAndWait(Request("POST", "/hook", headers, "{}"));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(r->Header("www-authenticate"),
              "Bearer realm=\"sqms\", Basic realm=\"sqms\", charset=\"UTF-8\"");
  }
}

TEST_F(HttpServerTest, RouteWithItsOwnAuthIsPublic) {
  StartServer(WithAuth());
  auto r = client_.SendAndWait(Request("GET", "/healthz"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerTest, UnknownPathIs404AndOtherMethodIs405) {
  StartServer({});
  auto missing = client_.SendAndWait(Request("GET", "/nope"));
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_EQ(missing->status, 404);
  auto wrong = client_.SendAndWait(Request("GET", "/hook"));
  ASSERT_TRUE(wrong.ok()) << wrong.status();
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->Header("allow"), "POST");
}

TEST_F(HttpServerTest, BodyOverTheLimitIs413AndAtTheLimitPasses) {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(options);
  auto over = client_.SendAndWait(Request("POST", "/hook", {}, std::string(1025, 'x')));
  ASSERT_TRUE(over.ok()) << over.status();
  EXPECT_EQ(over->status, 413);
  auto at = client_.SendAndWait(Request("POST", "/hook", {}, std::string(1024, 'x')));
  ASSERT_TRUE(at.ok()) << at.status();
  EXPECT_EQ(at->status, 200);
}

TEST_F(HttpServerTest, ChunkedBodyIs411) {
  StartServer({});
  auto r = client_.SendAndWait(
      Request("POST", "/hook", {{"Transfer-Encoding", "chunked"}}, "chunked body"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 411);
}

TEST_F(HttpServerTest, HandlerExceptionIs500) {
  server_ = std::make_unique<HttpServer>(Local());
  server_->Handle("GET", "/boom", [](const HttpServerRequest&) -> HttpServerResponse {
    throw std::runtime_error("boom");
  });
  ASSERT_TRUE(server_->Start().ok());
  auto r = client_.SendAndWait(Request("GET", "/boom"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 500);
}

TEST_F(HttpServerTest, BindingATakenPortIsUnavailable) {
  StartServer({});
  HttpServerOptions options = Local();
  options.port = server_->port();
  HttpServer second(options);
  EXPECT_EQ(second.Start().code(), absl::StatusCode::kUnavailable);
}

TEST_F(HttpServerTest, StopLetsTheRequestInFlightFinish) {
  absl::Notification entered;
  std::atomic<bool> stop_called{false};
  server_ = std::make_unique<HttpServer>(Local());
  server_->Handle("GET", "/slow", [&](const HttpServerRequest&) {
    entered.Notify();
    // Still working when Stop() begins.
    sqms::testing::Await([&] { return stop_called.load(); }, absl::Seconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    HttpServerResponse response;
    response.body = "finished";
    return response;
  });
  ASSERT_TRUE(server_->Start().ok());
  const int port = server_->port();

  std::atomic<bool> answered{false};
  absl::StatusOr<HttpResponse> slow;
  client_.Send(Request("GET", "/slow"), [&](absl::StatusOr<HttpResponse> r) {
    slow = std::move(r);
    answered = true;
  });
  ASSERT_TRUE(entered.WaitForNotificationWithTimeout(absl::Seconds(10)));
  stop_called = true;
  server_->Stop();

  ASSERT_TRUE(sqms::testing::Await([&] { return answered.load(); }, absl::Seconds(10)));
  ASSERT_TRUE(slow.ok()) << slow.status();
  EXPECT_EQ(slow->status, 200);
  EXPECT_EQ(slow->body, "finished");
  // No longer accepting.
  HttpRequest after;
  after.url = "http://127.0.0.1:" + std::to_string(port) + "/slow";
  EXPECT_EQ(client_.SendAndWait(after).status().code(), absl::StatusCode::kUnavailable);
}

// What the server counts and logs. fd 2 goes to a file for the test's
// lifetime; the answer may reach the client before its line is written, so
// every check awaits.
class HttpServerObservabilityTest : public HttpServerTest {
 protected:
  void SetUp() override {
    log_path_ = absl::StrCat(::testing::TempDir(), "/http-server-log-", getpid(), "-",
                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    const int fd = ::open(log_path_.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
    ASSERT_GE(fd, 0);
    saved_stderr_ = ::dup(STDERR_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
    log::Init("http-test", log::Level::kInfo);
  }
  void TearDown() override {
    server_.reset();
    ::dup2(saved_stderr_, STDERR_FILENO);
    ::close(saved_stderr_);
  }

  void StartObserved(HttpServerOptions options) {
    options.name = "webhook";
    options.metrics = &registry_;
    StartServer(std::move(options));
  }

  double Count(const std::string& route, const std::string& code) {
    return sqms::testing::MetricValue(registry_, "sqms_http_requests_total",
                                      {{"server", "webhook"}, {"route", route}, {"code", code}});
  }
  bool AwaitCount(const std::string& route, const std::string& code, double expected) {
    return sqms::testing::Await([&] { return Count(route, code) == expected; }, absl::Seconds(10));
  }

  // The refusal lines written so far.
  std::vector<nlohmann::json> Refusals() {
    std::ifstream in(log_path_);
    std::vector<nlohmann::json> out;
    for (std::string line; std::getline(in, line);) {
      auto json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (json.is_object() && json.value("msg", "") == "http request refused") {
        out.push_back(json);
      }
    }
    return out;
  }
  std::string LogText() {
    std::ifstream in(log_path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  prometheus::Registry registry_;
  std::string log_path_;
  int saved_stderr_ = -1;
};

TEST_F(HttpServerObservabilityTest, EveryRouteAndCodeIsCountedFromZero) {
  StartObserved(WithAuth());
  for (const char* route : {"/hook", "/healthz"}) {
    for (const char* code : {"200", "400", "401", "405", "411", "413", "500", "503"}) {
      EXPECT_EQ(Count(route, code), 0) << route << " " << code;
    }
  }
  EXPECT_EQ(Count("unmatched", "404"), 0);
  EXPECT_EQ(Count("unmatched", "400"), 0);

  auto wrong =
      client_.SendAndWait(Request("POST", "/hook", {{"Authorization", "Bearer old"}}, "{}"));
  ASSERT_TRUE(wrong.ok()) << wrong.status();
  EXPECT_EQ(wrong->status, 401);
  auto good = client_.SendAndWait(
      Request("POST", "/hook", {{"Authorization", "Bearer first-token"}}, "{}"));
  ASSERT_TRUE(good.ok()) << good.status();
  auto unknown = client_.SendAndWait(Request("GET", "/nope/secret-path"));
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_EQ(unknown->status, 404);
  EXPECT_TRUE(AwaitCount("/hook", "401", 1));
  EXPECT_TRUE(AwaitCount("/hook", "200", 1));
  EXPECT_TRUE(AwaitCount("unmatched", "404", 1)) << "an unknown path is no label of its own";
  EXPECT_EQ(sqms::testing::MetricValue(registry_, "sqms_http_requests_total",
                                       {{"route", "/nope/secret-path"}}),
            0);
}

TEST_F(HttpServerObservabilityTest, ARefusedRequestIsLoggedWithWhyButNeverTheCredential) {
  HttpServerOptions options = WithAuth();
  options.max_body_bytes = 16;
  StartObserved(options);
  const std::string rotated = "Bearer rotated-away-token-0123";
  for (const HttpHeaders& headers : {HttpHeaders{}, HttpHeaders{{"Authorization", rotated}},
                                     HttpHeaders{{"Authorization", "Digest username=x"}}}) {
    auto r = client_.SendAndWait(Request("POST", "/hook", headers, "{}"));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, 401);
  }
  auto large = client_.SendAndWait(
      Request("POST", "/hook", {{"Authorization", "Bearer first-token"}}, std::string(17, 'x')));
  ASSERT_TRUE(large.ok()) << large.status();
  EXPECT_EQ(large->status, 413);

  ASSERT_TRUE(sqms::testing::Await([&] { return Refusals().size() == 4; }, absl::Seconds(10)))
      << LogText();
  // Each refusal closes its connection, so the four are answered on
  // workers of their own, in any order.
  std::multiset<std::pair<int, std::string>> refused;
  for (const nlohmann::json& line : Refusals()) {
    SCOPED_TRACE(line.dump());
    EXPECT_EQ(line["level"], "warn");
    EXPECT_EQ(line["event"], "security");
    EXPECT_EQ(line["server"], "webhook");
    EXPECT_EQ(line["method"], "POST");
    EXPECT_EQ(line["route"], "/hook");
    EXPECT_EQ(line["path"], "/hook");
    EXPECT_EQ(line["remote"], "127.0.0.1");
    refused.emplace(line["code"].get<int>(), line["reason"].get<std::string>());
  }
  EXPECT_EQ(refused,
            (std::multiset<std::pair<int, std::string>>{{401, "missing credentials"},
                                                        {401, "unsupported authorization scheme"},
                                                        {401, "wrong credentials"},
                                                        {413, "body over 16 bytes"}}));
  EXPECT_FALSE(absl::StrContains(LogText(), "rotated-away-token")) << "a credential was logged";
}

TEST_F(HttpServerObservabilityTest, AnAcceptedRequestIsNotLogged) {
  StartObserved(WithAuth());
  auto good = client_.SendAndWait(
      Request("POST", "/hook", {{"Authorization", "Bearer first-token"}}, "{}"));
  ASSERT_TRUE(good.ok()) << good.status();
  // An answer is counted after its line (if any) was written.
  ASSERT_TRUE(AwaitCount("/hook", "200", 1));
  EXPECT_TRUE(Refusals().empty()) << LogText();
}

TEST_F(HttpServerObservabilityTest, ABodySlowerThanTheReadTimeoutIsCountedAndLogged) {
  HttpServerOptions options;
  options.read_timeout = std::chrono::seconds(1);
  StartObserved(options);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  const std::string partial =
      "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nabc";
  ASSERT_EQ(::send(fd, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));
  std::string answer;
  char buffer[512];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0;) answer.append(buffer, n);
  ::close(fd);
  EXPECT_TRUE(absl::StartsWith(answer, "HTTP/1.1 400")) << answer;
  EXPECT_TRUE(AwaitCount("/hook", "400", 1));
  ASSERT_TRUE(sqms::testing::Await([&] { return Refusals().size() == 1; }, absl::Seconds(10)))
      << LogText();
  EXPECT_EQ(Refusals()[0]["reason"],
            "request body not read (malformed, or slower than the read timeout)");
}

TEST_F(HttpServerObservabilityTest, AFloodOfRefusalsIsLoggedAtTheLimitedRate) {
  StartObserved(WithAuth());
  constexpr int kRequests = kHttpRefusalLogBurst + 30;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRequests; ++i) {
    auto r = client_.SendAndWait(Request("POST", "/hook", {}, "{}"));
    ASSERT_TRUE(r.ok()) << r.status();
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(AwaitCount("/hook", "401", kRequests)) << "every refusal is counted";
  const size_t limit =
      static_cast<size_t>(kHttpRefusalLogBurst + kHttpRefusalLogPerSecond * (elapsed + 1));
  EXPECT_GE(Refusals().size(), static_cast<size_t>(kHttpRefusalLogBurst));
  EXPECT_LE(Refusals().size(), limit);
}

// A peer that opens a request and never finishes it, sending a little
// every `pace` (within read_timeout, so no single read times out): the
// request line and then one header line at a time, or — `in_request_line`
// — the request line itself a byte at a time. Stops when told or when
// the server closed the connection.
class TricklingPeer {
 public:
  TricklingPeer(int port, bool in_request_line, std::chrono::milliseconds pace) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    if (!connected_) return;
    Send(in_request_line ? "GET /hea" : "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    thread_ = std::thread([this, in_request_line, pace] {
      for (int i = 0; !stop_.WaitForNotificationWithTimeout(absl::FromChrono(pace)); ++i) {
        if (!Send(in_request_line ? std::string("l") : absl::StrCat("X-Slow-", i, ": b\r\n"))) {
          return;  // cut by the server
        }
      }
    });
  }
  ~TricklingPeer() {
    stop_.Notify();
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return connected_; }

 private:
  bool Send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  int fd_ = -1;
  bool connected_ = false;
  absl::Notification stop_;
  std::thread thread_;
};

// Security review finding 3: more trickling peers than workers stalled the
// server (webhook and /healthz) for as long as they kept trickling. Each
// request must now arrive within request_timeout, so the workers come
// free and an authenticated request is answered; the cut is logged with
// the peer's address.
TEST_F(HttpServerObservabilityTest, TricklingPeersCannotHoldEveryWorker) {
  HttpServerOptions options = WithAuth();
  options.worker_threads = 2;
  options.read_timeout = std::chrono::seconds(2);
  options.request_timeout = std::chrono::seconds(1);
  StartObserved(options);
  std::vector<std::unique_ptr<TricklingPeer>> peers;
  for (int i = 0; i < options.worker_threads + 2; ++i) {
    peers.push_back(std::make_unique<TricklingPeer>(server_->port(), /*in_request_line=*/i == 0,
                                                    std::chrono::milliseconds(300)));
    ASSERT_TRUE(peers.back()->connected());
  }
  // Queued behind the trickling peers (cpp-httplib serves connections in
  // the order accepted). The timeout is only how long a failure takes.
  HttpRequest request = Request("POST", "/hook", {{"Authorization", "Bearer first-token"}}, "{}");
  request.timeout = std::chrono::seconds(30);
  auto answer = client_.SendAndWait(request);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->status, 200);
  HttpRequest health = Request("GET", "/healthz");
  health.timeout = std::chrono::seconds(30);
  auto healthz = client_.SendAndWait(health);
  ASSERT_TRUE(healthz.ok()) << healthz.status();
  EXPECT_EQ(healthz->status, 200);

  // Every trickling peer was cut and logged with its address: the one still
  // in its request line got no answer, the others a 400.
  const std::string reason =
      "request not read within 1 s of its first byte (a slow or stalled peer)";
  auto cut = [&] {
    std::vector<nlohmann::json> out;
    for (const nlohmann::json& line : Refusals()) {
      if (line.value("reason", "") == reason) out.push_back(line);
    }
    return out;
  };
  ASSERT_TRUE(sqms::testing::Await([&] { return cut().size() == peers.size(); }, absl::Seconds(30)))
      << LogText();
  int unanswered = 0;
  for (const nlohmann::json& line : cut()) {
    SCOPED_TRACE(line.dump());
    EXPECT_EQ(line["remote"], "127.0.0.1");
    EXPECT_EQ(line["event"], "security");
    if (!line.contains("code")) ++unanswered;
  }
  EXPECT_EQ(unanswered, 1);
  EXPECT_TRUE(AwaitCount("/hook", "400", static_cast<double>(peers.size() - 1)));
}

}  // namespace
}  // namespace sqms::runtime
