#pragma once
// Integration-test support for any service: start its binary and wait for
// its ready file, and call it over gRPC (channel, bearer-token context,
// status details). Part of sqms_test_support.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "tests/support/support.h"

namespace google::rpc { class Status; }

namespace sqms::testing {

// What a service writes to its --ready-file once serving:
// {"grpc_port": N, "metrics_port": M}.
struct ReadyPorts {
  int grpc_port = 0;
  int metrics_port = 0;
  int webhook_port = 0;  // sqms-alerts' HTTP receiver, when it writes one
};
// The ports in `ready_json`, or nullopt when it is not (yet) complete.
std::optional<ReadyPorts> ParseReadyFile(const std::string& ready_json);

// Starts a service binary whose `argv` makes it write `ready_file`, output
// to `log_path`, and waits up to `timeout` for the file. UNAVAILABLE with the
// tail of the log when the process exits first or the time runs out (then
// it is killed).
absl::StatusOr<std::unique_ptr<Process>> StartServiceProcess(
    const std::vector<std::string>& argv, const std::string& log_path,
    const std::string& ready_file, ReadyPorts* ports, absl::Duration timeout = absl::Seconds(20));

// Writes `text` to `path` (truncating); INTERNAL when it cannot.
absl::Status WriteTextFile(const std::string& path, const std::string& text);

// A channel to 127.0.0.1:`port` that reconnects fast (100..500 ms backoff),
// for tests that restart the service.
std::shared_ptr<grpc::Channel> LocalChannel(int port);
// A client context with `authorization: Bearer <token>` (none when `token`
// is empty) and a deadline `deadline` from now.
std::unique_ptr<grpc::ClientContext> CallContext(const std::string& token,
                                                 absl::Duration deadline = absl::Seconds(10));

// Unique per process: "<prefix>-<pid>-<counter>". Thread-safe.
std::string Unique(const std::string& prefix);
// "CODE: message", for failure output.
std::string StatusText(const grpc::Status& status);
// Field names of the google.rpc.BadRequest violations of `status` (empty if none).
std::vector<std::string> ViolationFields(const grpc::Status& status);
std::vector<std::string> ViolationFields(const google::rpc::Status& status);

}  // namespace sqms::testing
