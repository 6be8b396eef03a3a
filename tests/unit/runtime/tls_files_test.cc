// What needs no real certificate; matching pairs, other keys and CA bundles
// are in tests/integration/runtime/grpc_server_tls_test.cc (made by openssl).
#include "sqms/runtime/tls_files.h"

#include <openssl/err.h>

#include "gtest/gtest.h"

namespace sqms::runtime {
namespace {

constexpr char kNotPem[] = "not a certificate\n";
constexpr char kTruncated[] = "-----BEGIN CERTIFICATE-----\nMIIB\n";

TEST(TlsFilesTest, TextThatIsNoPemIsRefused) {
  for (const char* text : {"", kNotPem, kTruncated}) {
    EXPECT_EQ(CheckPemCertificates(text).message(), "holds no PEM certificate") << text;
    EXPECT_EQ(CheckPemPrivateKey(text).code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(CheckKeyMatchesCertificate(text, text).code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(TlsFilesTest, LeavesNoErrorOnOpenSslsQueue) {
  ERR_clear_error();
  ASSERT_FALSE(CheckPemCertificates(kTruncated).ok());
  ASSERT_FALSE(CheckKeyMatchesCertificate(kTruncated, kNotPem).ok());
  EXPECT_EQ(ERR_peek_error(), 0u);
}

}  // namespace
}  // namespace sqms::runtime
