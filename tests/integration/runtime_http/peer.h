#pragma once
// The python3 test peer (peer.py next to this file) as a child process.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "tests/support/support.h"

namespace sqms::runtime::testing {

class PythonPeer {
 public:
  // HTTP when cert/key are empty, HTTPS otherwise. Waits until it listens.
  static absl::StatusOr<std::unique_ptr<PythonPeer>> Start(const std::string& dir,
                                                           const std::string& cert = "",
                                                           const std::string& key = "");
  int port() const { return port_; }
  // "http://127.0.0.1:<port><path>" (https when TLS).
  std::string Url(const std::string& path) const;

 private:
  PythonPeer() = default;
  std::unique_ptr<sqms::testing::Process> process_;
  int port_ = 0;
  bool tls_ = false;
};

// A self-signed certificate for 127.0.0.1 and localhost, made with the
// openssl CLI in `dir`: <dir>/cert.pem and <dir>/key.pem.
absl::Status MakeSelfSignedCert(const std::string& dir);

}  // namespace sqms::runtime::testing
