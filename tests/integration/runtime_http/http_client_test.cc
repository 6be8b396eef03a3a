// HttpClient against an independent peer (peer.py): concurrency, isolation
// of a slow target, the error mapping, the pending bound and shutdown.

#include "sqms/runtime/http/http_client.h"

#include <atomic>
#include <memory>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "tests/integration/runtime_http/peer.h"
#include "tests/support/support.h"

namespace sqms::runtime {
namespace {

using sqms::testing::Await;

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto peer = testing::PythonPeer::Start(sqms::testing::MakeTestDir("http-client"));
    ASSERT_TRUE(peer.ok()) << peer.status();
    peer_ = std::move(*peer);
  }

  HttpRequest Get(const std::string& path) {
    HttpRequest request;
    request.url = peer_->Url(path);
    return request;
  }

  std::unique_ptr<testing::PythonPeer> peer_;
};

// Results of async sends, collected from the I/O thread.
class Results {
 public:
  HttpClient::Callback Add() {
    return [this](absl::StatusOr<HttpResponse> r) {
      absl::MutexLock lock(&mu_);
      results_.push_back(std::move(r));
    };
  }
  size_t size() {
    absl::MutexLock lock(&mu_);
    return results_.size();
  }
  std::vector<absl::StatusOr<HttpResponse>> Take() {
    absl::MutexLock lock(&mu_);
    return std::move(results_);
  }

 private:
  absl::Mutex mu_;
  std::vector<absl::StatusOr<HttpResponse>> results_;
};

TEST_F(HttpClientTest, RequestsRunConcurrently) {
  // /gate?n=8 answers 200 only once 8 requests are held open at the same
  // time: a client that ran them one after another would get 504s.
  Results results;  // outlives the client, whose callbacks write into it
  HttpClient client;
  for (int i = 0; i < 8; ++i) client.Send(Get("/gate?n=8"), results.Add());
  ASSERT_TRUE(Await([&] { return results.size() == 8; }, absl::Seconds(30)));
  for (const auto& r : results.Take()) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, 200);
  }
}

TEST_F(HttpClientTest, SlowTargetDoesNotDelayAFastOne) {
  std::atomic<bool> slow_done{false};  // written by the cancelled slow request's callback
  HttpClient client;
  client.Send(Get("/sleep?s=5"), [&](absl::StatusOr<HttpResponse>) { slow_done = true; });
  absl::StatusOr<HttpResponse> fast = client.SendAndWait(Get("/fast"));
  ASSERT_TRUE(fast.ok()) << fast.status();
  EXPECT_EQ(fast->status, 200);
  EXPECT_EQ(fast->body, "ok");
  EXPECT_FALSE(slow_done) << "the fast request waited for the slow one";
}

TEST_F(HttpClientTest, TimeoutIsDeadlineExceeded) {
  HttpClient client;
  HttpRequest request = Get("/sleep?s=5");
  request.timeout = std::chrono::milliseconds(300);
  absl::StatusOr<HttpResponse> r = client.SendAndWait(request);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded) << r.status();
}

TEST_F(HttpClientTest, RefusedIsUnavailable) {
  HttpClient client;
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(sqms::testing::FreePort()) + "/";
  absl::StatusOr<HttpResponse> r = client.SendAndWait(request);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
}

TEST_F(HttpClientTest, BadUrlOrSchemeIsInvalidArgument) {
  HttpClient client;
  for (const char* url : {"ftp://127.0.0.1/x", "http://[::1/", "not a url"}) {
    HttpRequest request;
    request.url = url;
    absl::StatusOr<HttpResponse> r = client.SendAndWait(request);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << url << ": " << r.status();
  }
  HttpRequest bad_header = Get("/echo");
  bad_header.headers = {{"X-Evil", "a\r\nInjected: 1"}};
  EXPECT_EQ(client.SendAndWait(bad_header).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(HttpClientTest, MethodHeadersAndBodyArrive) {
  HttpClient client;
  HttpRequest request = Get("/echo");
  request.method = "PUT";
  request.headers = {{"X-Sqms-Test", "hello"}, {"Content-Type", "application/json"}};
  request.body = R"({"a":1})";
  absl::StatusOr<HttpResponse> r = client.SendAndWait(request);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("Content-Type"), "application/json");
  EXPECT_NE(r->body.find(R"("method": "PUT")"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find(R"("x-sqms-test": "hello")"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find(R"("body": "{\"a\":1}")"), std::string::npos) << r->body;
}

TEST_F(HttpClientTest, ErrorStatusIsACompletedTransfer) {
  HttpClient client;
  absl::StatusOr<HttpResponse> r = client.SendAndWait(Get("/status?code=503"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 503);
}

TEST_F(HttpClientTest, OversizedResponseIsResourceExhausted) {
  HttpClient client(HttpClientOptions{.max_pending = 8, .max_response_bytes = 16});
  absl::StatusOr<HttpResponse> r = client.SendAndWait(Get("/echo"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted) << r.status();
}

TEST_F(HttpClientTest, PastMaxPendingIsResourceExhaustedAtOnce) {
  Results held;  // cancelled into when the client is destroyed
  HttpClient client(HttpClientOptions{.max_pending = 2});
  client.Send(Get("/sleep?s=5"), held.Add());
  client.Send(Get("/sleep?s=5"), held.Add());
  bool answered = false;
  absl::Status third;
  client.Send(Get("/fast"), [&](absl::StatusOr<HttpResponse> r) {
    answered = true;
    third = r.status();
  });
  EXPECT_TRUE(answered) << "the rejection must come before Send returns";
  EXPECT_EQ(third.code(), absl::StatusCode::kResourceExhausted) << third;
}

TEST_F(HttpClientTest, DestructionCancelsEveryPendingRequestOnce) {
  std::atomic<int> calls{0};
  std::atomic<int> cancelled{0};
  auto count = [&](absl::StatusOr<HttpResponse> r) {
    ++calls;
    if (r.status().code() == absl::StatusCode::kCancelled) ++cancelled;
  };
  {
    HttpClient client;
    for (int i = 0; i < 10; ++i) client.Send(Get("/sleep?s=5"), count);
    // One callback sends again while the client shuts down: that request is
    // cancelled at once rather than lost.
    client.Send(Get("/sleep?s=5"), [&](absl::StatusOr<HttpResponse> r) {
      count(std::move(r));
      client.Send(Get("/fast"), count);
    });
  }
  EXPECT_EQ(calls.load(), 12);
  EXPECT_EQ(cancelled.load(), 12);
}

TEST_F(HttpClientTest, SendAndWaitFromACallbackFailsInsteadOfDeadlocking) {
  absl::StatusOr<HttpResponse> nested;
  std::atomic<bool> done{false};
  HttpClient client;
  client.Send(Get("/fast"), [&](absl::StatusOr<HttpResponse>) {
    nested = client.SendAndWait(Get("/fast"));
    done = true;
  });
  ASSERT_TRUE(Await([&] { return done.load(); }, absl::Seconds(10)));
  EXPECT_EQ(nested.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace sqms::runtime
