// sqmsctl's TLS flags end to end: `kpi defs` against a fake MetricsService
// that serves TLS (and mutual TLS) with certificates the openssl CLI makes
// in the test's directory (tests/support/test_pki.h).
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/support/support.h"
#include "tests/support/test_pki.h"
#include "tests/unit/tools/sqmsctl_harness.h"

namespace sqms::tools {
namespace {

namespace mv1 = ::sqms::metrics::v1;
using ::sqms::testing::CertFiles;
using ::sqms::testing::ReadFile;
using ::testing::HasSubstr;

class FakeMetricsService final : public mv1::MetricsService::Service {
 public:
  grpc::Status ListKpiDefinitions(grpc::ServerContext*, const mv1::ListKpiDefinitionsRequest*,
                                  mv1::ListKpiDefinitionsResponse* response) override {
    response->add_kpis()->set_name("answer_rate");
    return grpc::Status::OK;
  }
};

class TlsFlagsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = sqms::testing::MakeTestDir("sqmsctl-tls");
    auto ca = sqms::testing::MakeTestCa(dir_, "ca");
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_ = *ca;
    for (auto [name, files] : {std::pair{"server", &server_}, {"client", &client_}}) {
      auto leaf = sqms::testing::MakeTestLeaf(dir_, name, ca_);
      ASSERT_TRUE(leaf.ok()) << leaf.status();
      *files = *leaf;
    }
  }

  // The server's TLS credentials; with `require_client_certificate`, only
  // clients presenting a certificate of the CA get through.
  std::shared_ptr<grpc::ServerCredentials> ServerTls(bool require_client_certificate) const {
    grpc::SslServerCredentialsOptions ssl(
        require_client_certificate ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                   : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    ssl.pem_key_cert_pairs.push_back({ReadFile(server_.key), ReadFile(server_.cert)});
    if (require_client_certificate) ssl.pem_root_certs = ReadFile(ca_.cert);
    return grpc::SslServerCredentials(ssl);
  }

  testing::CliResult Defs(const testing::FakeServer& server, const std::string& flags) {
    return testing::RunSqmsctl(
        absl::StrCat("kpi defs --timeout 5 --metrics-addr ", server.address(), " ", flags),
        [](CLI::App& app, Cli& cli) { RegisterKpiCommands(app, cli); });
  }

  std::string dir_;
  CertFiles ca_, server_, client_;
  FakeMetricsService service_;
};

TEST_F(TlsFlagsTest, TrustingTheServersCaAnswers) {
  testing::FakeServer server(service_, ServerTls(false));
  testing::CliResult r = Defs(server, "--tls-ca-file " + ca_.cert);
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("answer_rate"));
}

TEST_F(TlsFlagsTest, PlaintextAgainstATlsServerFails) {
  testing::FakeServer server(service_, ServerTls(false));
  testing::CliResult r = Defs(server, "");
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, HasSubstr("UNAVAILABLE"));
}

TEST_F(TlsFlagsTest, MutualTlsNeedsTheClientCertificate) {
  testing::FakeServer server(service_, ServerTls(true));
  testing::CliResult with = Defs(server, absl::StrCat("--tls-ca-file ", ca_.cert,
                                                      " --tls-cert-file ", client_.cert,
                                                      " --tls-key-file ", client_.key));
  EXPECT_EQ(with.code, kExitOk) << with.err;
  EXPECT_EQ(Defs(server, "--tls-ca-file " + ca_.cert).code, kExitFailure);
}

TEST_F(TlsFlagsTest, FlagProblemsAreUsageErrorsNamingTheFlag) {
  testing::FakeServer server(service_, ServerTls(false));
  testing::CliResult r = Defs(server, "--tls-cert-file " + client_.cert);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--tls-key-file: is required with --tls-cert-file"));
  r = Defs(server, "--tls-ca-file " + dir_ + "/missing.crt");
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--tls-ca-file: " + dir_ + "/missing.crt: No such file"));
}

TEST(TlsCredentialsTest, MakeChannelRefusesTlsFlagsThatWereNotLoaded) {
  ClientOptions options;
  options.tls.enabled = true;
  EXPECT_THROW(MakeChannel(options), std::logic_error);
  ASSERT_TRUE(LoadChannelCredentials(options).ok());
  EXPECT_NE(options.credentials, nullptr);
  EXPECT_NE(MakeChannel(options), nullptr);
  ClientOptions plain;
  EXPECT_TRUE(LoadChannelCredentials(plain).ok());
  EXPECT_EQ(plain.credentials, nullptr);
}

}  // namespace
}  // namespace sqms::tools
