#include "tests/support/test_pki.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "tests/support/service_client.h"
#include "tests/support/support.h"

namespace sqms::testing {
namespace {

constexpr char kNewKey[] = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";

// Runs `command` (openssl), its output in <dir>/openssl.log.
absl::Status RunOpenssl(const std::string& dir, const std::string& command) {
  const std::string log = dir + "/openssl.log";
  if (std::system(absl::StrCat(command, " > ", log, " 2>&1").c_str()) != 0) {
    return absl::InternalError(absl::StrCat("openssl failed: ", command, ": ", ReadFile(log)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CertFiles> MakeTestCa(const std::string& dir, const std::string& name) {
  CertFiles ca{dir + "/" + name + ".crt", dir + "/" + name + ".key"};
  // req -x509 takes the CA extensions (basicConstraints CA:TRUE) from
  // Debian's openssl.cnf.
  if (auto s = RunOpenssl(dir, absl::StrCat("openssl req -x509 ", kNewKey, " -days 1 -subj /CN=",
                                            name, " -keyout ", ca.key, " -out ", ca.cert));
      !s.ok()) {
    return s;
  }
  return ca;
}

absl::StatusOr<CertFiles> MakeTestLeaf(const std::string& dir, const std::string& name,
                                       const CertFiles& ca) {
  CertFiles leaf{dir + "/" + name + ".crt", dir + "/" + name + ".key"};
  const std::string csr = dir + "/" + name + ".csr";
  const std::string extensions = dir + "/" + name + ".ext";
  if (auto s = WriteTextFile(extensions,
                             "basicConstraints=CA:FALSE\n"
                             "keyUsage=critical,digitalSignature\n"
                             "extendedKeyUsage=serverAuth,clientAuth\n"
                             "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
      !s.ok()) {
    return s;
  }
  if (auto s = RunOpenssl(dir, absl::StrCat("openssl req -new ", kNewKey, " -subj /CN=", name,
                                            " -keyout ", leaf.key, " -out ", csr));
      !s.ok()) {
    return s;
  }
  if (auto s = RunOpenssl(dir, absl::StrCat("openssl x509 -req -days 1 -in ", csr, " -CA ",
                                            ca.cert, " -CAkey ", ca.key, " -CAcreateserial",
                                            " -extfile ", extensions, " -out ", leaf.cert));
      !s.ok()) {
    return s;
  }
  return leaf;
}

}  // namespace sqms::testing
