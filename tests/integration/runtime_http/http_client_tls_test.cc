// HttpClient over TLS against peer.py with a certificate made by openssl in
// the test: verification on by default, a CA file makes it pass.

#include <memory>

#include "gtest/gtest.h"
#include "sqms/runtime/http/http_client.h"
#include "tests/integration/runtime_http/peer.h"
#include "tests/support/support.h"

namespace sqms::runtime {
namespace {

class HttpClientTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = sqms::testing::MakeTestDir("http-tls");
    ASSERT_TRUE(testing::MakeSelfSignedCert(dir_).ok());
    auto peer = testing::PythonPeer::Start(dir_, dir_ + "/cert.pem", dir_ + "/key.pem");
    ASSERT_TRUE(peer.ok()) << peer.status();
    peer_ = std::move(*peer);
  }

  std::string dir_;
  std::unique_ptr<testing::PythonPeer> peer_;
  HttpClient client_;
};

TEST_F(HttpClientTlsTest, UnknownIssuerIsUnavailableWithCurlsReason) {
  HttpRequest request;
  request.url = peer_->Url("/echo");
  absl::StatusOr<HttpResponse> r = client_.SendAndWait(request);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  EXPECT_NE(r.status().message().find("certificate"), std::string::npos) << r.status();
}

TEST_F(HttpClientTlsTest, TrustedCaFileVerifies) {
  HttpRequest request;
  request.url = peer_->Url("/echo");
  request.tls.ca_file = dir_ + "/cert.pem";
  absl::StatusOr<HttpResponse> r = client_.SendAndWait(request);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpClientTlsTest, SkippingVerificationIsExplicit) {
  HttpRequest request;
  request.url = peer_->Url("/echo");
  request.tls.insecure_skip_verify = true;
  absl::StatusOr<HttpResponse> r = client_.SendAndWait(request);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace sqms::runtime
