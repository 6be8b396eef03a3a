// sqmsctl end to end against a fake gRPC service: the fake on a free local
// port, and a command line parsed and run as main does, its output captured.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "tools/sqmsctl/commands.h"

namespace sqms::tools::testing {

// What a command printed and returned.
struct CliResult {
  int code = -1;  // -1: the line chose no command
  std::string out;
  std::string err;
};

// Serves `service` (borrowed; it must outlive this) on 127.0.0.1, port 0,
// in plaintext unless given other `credentials`.
class FakeServer {
 public:
  explicit FakeServer(grpc::Service& service, std::shared_ptr<grpc::ServerCredentials> credentials =
                                                  grpc::InsecureServerCredentials()) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", std::move(credentials), &port_);
    builder.RegisterService(&service);
    server_ = builder.BuildAndStart();
    EXPECT_NE(server_, nullptr);
    EXPECT_GT(port_, 0);
  }
  ~FakeServer() { Shutdown(); }
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  // Stops serving now (a command then finds no server).
  void Shutdown() {
    if (server_) server_->Shutdown();
    server_.reset();
  }

 private:
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

// Parses `args` (with the token t0k added) after `register_commands` added
// its commands to a fresh sqmsctl command line, loads the TLS credentials
// as main does, and runs the chosen command.
template <typename Register>
CliResult RunSqmsctl(const std::string& args, Register register_commands) {
  CLI::App app;
  app.require_subcommand(1);
  app.fallthrough();
  Cli cli;
  RegisterGlobalFlags(app, cli.global);
  register_commands(app, cli);
  app.parse(args + " --token t0k", false);
  CliResult result;
  if (!cli.run) return result;
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  result.code = LoadCredentials(cli.global);
  if (result.code == kExitOk) result.code = cli.run();
  result.out = ::testing::internal::GetCapturedStdout();
  result.err = ::testing::internal::GetCapturedStderr();
  return result;
}

// RunSqmsctl of the alerts commands pointed at `server`.
inline CliResult RunAlertsCommand(const std::string& args, const FakeServer& server) {
  return RunSqmsctl(absl::StrCat(args, " --alerts-addr ", server.address()),
                    [](CLI::App& app, Cli& cli) { RegisterAlertsCommands(app, cli); });
}

}  // namespace sqms::tools::testing
