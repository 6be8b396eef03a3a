// sqms-complaints with TLS on its gRPC port, set by the common flags alone
// (the service's main only passes them through): certificates made by the
// openssl CLI in the test's directory (tests/support/test_pki.h).

#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/integration/complaints/service_fixture.h"
#include "tests/support/test_pki.h"

namespace sqms::complaints::it {
namespace {

struct Certificates {
  testing::CertFiles ca, server, other;
};

// A CA, the server's certificate, and another certificate of the same CA.
absl::StatusOr<Certificates> MakeCertificates(const std::string& dir) {
  auto ca = testing::MakeTestCa(dir, "ca");
  if (!ca.ok()) return ca.status();
  auto server = testing::MakeTestLeaf(dir, "server", *ca);
  if (!server.ok()) return server.status();
  auto other = testing::MakeTestLeaf(dir, "other", *ca);
  if (!other.ok()) return other.status();
  return Certificates{*ca, *server, *other};
}

TEST(TlsTest, ServesOnlyTlsWithTheCommonFlags) {
  auto certs = MakeCertificates(testing::MakeTestDir("complaints-tls-certs"));
  ASSERT_TRUE(certs.ok()) << certs.status();
  StackOptions options;
  options.name = "complaints-tls";
  options.extra_args = {"--tls-cert-file", certs->server.cert, "--tls-key-file",
                        certs->server.key};
  auto stack = ComplaintsStack::Start(options);
  ASSERT_TRUE(stack.ok()) << stack.status();

  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = testing::ReadFile(certs->ca.cert);
  auto tls = v1::ComplaintService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", (*stack)->grpc_port()), grpc::SslCredentials(ssl)));
  const v1::Complaint complaint = SubmitOk(*tls, ValidSubmission("tls"));

  v1::GetComplaintRequest get;
  get.set_id(complaint.id());
  v1::Complaint got;
  grpc::Status plaintext = (*stack)->Complaints()->GetComplaint(
      Ctx(Role::kAgent, absl::Seconds(5)).get(), get, &got);
  EXPECT_EQ(plaintext.error_code(), grpc::StatusCode::UNAVAILABLE) << StatusText(plaintext);

  const std::string log = testing::ReadFile((*stack)->dir() + "/service-0.log");
  EXPECT_TRUE(absl::StrContains(log, "grpc: serving TLS")) << log;
  EXPECT_FALSE(absl::StrContains(log, "unencrypted")) << log;
}

TEST(TlsTest, AKeyOfAnotherCertificateStopsStartUpNamingTheFlag) {
  const std::string dir = testing::MakeTestDir("complaints-tls-mismatch");
  auto certs = MakeCertificates(dir);
  ASSERT_TRUE(certs.ok()) << certs.status();
  auto process = testing::Process::Start(
      {testing::BuildPath("services/complaints/sqms-complaints"), "--tokens-file", dir + "/tokens",
       "--tls-cert-file", certs->server.cert, "--tls-key-file", certs->other.key},
      dir + "/service.log");
  ASSERT_TRUE(process.ok()) << process.status();
  ASSERT_TRUE(testing::Await([&] { return !(*process)->Running(); }, absl::Seconds(10)));
  EXPECT_EQ((*process)->Terminate(), 2) << "a usage error";
  const std::string log = testing::ReadFile(dir + "/service.log");
  EXPECT_TRUE(absl::StrContains(log, "config: --tls-key-file (SQMS_TLS_KEY_FILE): " +
                                         certs->other.key + ": is not the private key"))
      << log;
}

}  // namespace
}  // namespace sqms::complaints::it
