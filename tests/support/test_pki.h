#pragma once
// Certificates for TLS tests, made at test time with the openssl CLI
// (Debian's openssl package) in the test's own directory: CAs, and leaf
// certificates a CA signs for 127.0.0.1 and localhost. EC P-256 keys (quick
// to make), valid for one day. Part of sqms_test_support.

#include <string>

#include "absl/status/statusor.h"

namespace sqms::testing {

// A certificate and its private key: PEM file paths.
struct CertFiles {
  std::string cert;
  std::string key;
};

// A self-signed CA: <dir>/<name>.crt and <dir>/<name>.key. INTERNAL with
// openssl's output when it fails.
absl::StatusOr<CertFiles> MakeTestCa(const std::string& dir, const std::string& name);

// A certificate with CN=<name>, subjectAltName DNS:localhost and
// IP:127.0.0.1, usable by a server and a client, signed by `ca`:
// <dir>/<name>.crt and <dir>/<name>.key. INTERNAL when openssl fails.
absl::StatusOr<CertFiles> MakeTestLeaf(const std::string& dir, const std::string& name,
                                       const CertFiles& ca);

}  // namespace sqms::testing
