#include "tests/integration/runtime_http/peer.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace sqms::runtime::testing {

absl::StatusOr<std::unique_ptr<PythonPeer>> PythonPeer::Start(const std::string& dir,
                                                              const std::string& cert,
                                                              const std::string& key) {
  std::unique_ptr<PythonPeer> peer(new PythonPeer());
  const std::string port_file = dir + "/peer.port";
  std::vector<std::string> argv = {
      "python3", sqms::testing::SourcePath("tests/integration/runtime_http/peer.py"), port_file};
  if (!cert.empty()) {
    argv.push_back(cert);
    argv.push_back(key);
    peer->tls_ = true;
  }
  auto process = sqms::testing::Process::Start(argv, dir + "/peer.log");
  if (!process.ok()) return process.status();
  peer->process_ = std::move(*process);
  int port = 0;
  const bool up = sqms::testing::Await(
      [&] { return absl::SimpleAtoi(sqms::testing::ReadFile(port_file), &port) && port > 0; },
      absl::Seconds(20));
  if (!up) {
    return absl::UnavailableError(
        absl::StrCat("peer.py did not start: ", sqms::testing::ReadFile(dir + "/peer.log")));
  }
  peer->port_ = port;
  return peer;
}

std::string PythonPeer::Url(const std::string& path) const {
  return absl::StrCat(tls_ ? "https" : "http", "://127.0.0.1:", port_, path);
}

absl::Status MakeSelfSignedCert(const std::string& dir) {
  const std::string command = absl::StrCat(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost",
      " -addext subjectAltName=DNS:localhost,IP:127.0.0.1",
      " -keyout ", dir, "/key.pem -out ", dir, "/cert.pem > ", dir, "/openssl.log 2>&1");
  if (std::system(command.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("openssl failed: ", sqms::testing::ReadFile(dir + "/openssl.log")));
  }
  return absl::OkStatus();
}

}  // namespace sqms::runtime::testing
