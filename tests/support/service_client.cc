#include "tests/support/service_client.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/grpc_status.h"

namespace sqms::testing {

std::optional<ReadyPorts> ParseReadyFile(const std::string& ready_json) {
  ReadyPorts ports;
  if (std::sscanf(ready_json.c_str(), " { \"grpc_port\" : %d , \"metrics_port\" : %d",
                  &ports.grpc_port, &ports.metrics_port) != 2 ||
      ports.grpc_port <= 0) {
    return std::nullopt;
  }
  if (const size_t at = ready_json.find("\"webhook_port\""); at != std::string::npos) {
    std::sscanf(ready_json.c_str() + at, "\"webhook_port\" : %d", &ports.webhook_port);
  }
  return ports;
}

absl::StatusOr<std::unique_ptr<Process>> StartServiceProcess(
    const std::vector<std::string>& argv, const std::string& log_path,
    const std::string& ready_file, ReadyPorts* ports, absl::Duration timeout) {
  std::filesystem::remove(ready_file);
  auto process = Process::Start(argv, log_path);
  if (!process.ok()) return process.status();
  std::optional<ReadyPorts> ready;
  const bool settled = Await(
      [&] {
        ready = ParseReadyFile(ReadFile(ready_file));
        return ready.has_value() || !(*process)->Running();
      },
      timeout);
  if (!settled || !ready) {
    std::string tail = ReadFile(log_path);
    if (tail.size() > 4000) tail = tail.substr(tail.size() - 4000);
    const std::string binary = argv.empty() ? "" : argv[0];
    return absl::UnavailableError(absl::StrCat(binary, " did not become ready (",
                                               settled ? "exited" : "timeout", "): ", tail));
  }
  if (ports != nullptr) *ports = *ready;
  return process;
}

absl::Status WriteTextFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

std::shared_ptr<grpc::Channel> LocalChannel(int port) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials(), args);
}

std::unique_ptr<grpc::ClientContext> CallContext(const std::string& token,
                                                 absl::Duration deadline) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  return ctx;
}

std::string Unique(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return absl::StrCat(prefix, "-", getpid(), "-", counter++);
}

std::string StatusText(const grpc::Status& status) {
  return absl::StrCat(status.error_code(), ": ", status.error_message());
}

std::vector<std::string> ViolationFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  for (const auto& v : runtime::FieldViolations(runtime::FromGrpcStatus(status))) {
    fields.push_back(v.field);
  }
  return fields;
}

std::vector<std::string> ViolationFields(const google::rpc::Status& status) {
  std::vector<std::string> fields;
  for (const google::protobuf::Any& detail : status.details()) {
    google::rpc::BadRequest bad_request;
    if (!detail.UnpackTo(&bad_request)) continue;
    for (const auto& v : bad_request.field_violations()) fields.push_back(v.field());
  }
  return fields;
}

}  // namespace sqms::testing
