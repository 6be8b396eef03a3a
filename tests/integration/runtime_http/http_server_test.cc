// HttpServer on port 0, called with HttpClient: routing, auth, body limit,
// and Stop() with a slow request in flight.

#include "sqms/runtime/http/http_server.h"

#include <atomic>
#include <memory>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "sqms/runtime/http/http_client.h"
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

}  // namespace
}  // namespace sqms::runtime
