#pragma once
// The main() every service binary has: block the shutdown signals before
// any thread exists, parse and validate the flags, start the server, wait
// for SIGTERM or SIGINT, shut the server down. A service's main.cc is one
// call:
//
//   int main(int argc, char** argv) {
//     return sqms::runtime::ServiceMain<config::ServiceConfig, Server>(
//         argc, argv, "sqms-x", "sqms-x: what it does", config::AddFlags, config::Validate);
//   }
//
// Exit codes: 0 after a clean shutdown, 2 for bad flags (the message names
// the flag), 1 when the server does not start (the message names the flag,
// the file and key, or the component at fault), 3 (kShutdownOverran) when
// the shutdown overran --shutdown-seconds (`Config` has CommonConfig
// `common`).

#include <cstdio>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "sqms/runtime/grpc_server.h"
#include "sqms/runtime/log.h"

namespace sqms::runtime {

// `Server` has `static absl::StatusOr<std::unique_ptr<Server>> Start(const
// Config&)` and `void Shutdown()`.
template <typename Config, typename Server>
int ServiceMain(int argc, char** argv, const char* name, const char* description,
                void (*add_flags)(CLI::App&, Config&), absl::Status (*validate)(const Config&)) {
  // Before any thread exists, so the signals reach WaitForShutdownSignal.
  BlockShutdownSignals();
#if defined(NDEBUG) && !defined(__SANITIZE_ADDRESS__)
  // Debian builds Abseil without NDEBUG, which leaves absl::Mutex's
  // deadlock detection on: every Lock records the lock order in a global
  // graph (~1 % of a service's CPU at full load, `perf`) and a potential
  // cycle aborts the process. An Abseil built for release has it off; so
  // do release builds of the services. The sanitizer build (whose
  // integration tests run the services), debug builds and the unit tests,
  // which do not come through here, keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  CLI::App app{description};
  Config config;
  add_flags(app, config);
  CLI11_PARSE(app, argc, argv);
  if (absl::Status s = validate(config); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return 2;
  }
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(config);
  if (!server.ok()) {
    std::fprintf(stderr, "%s: %s\n", name, server.status().ToString().c_str());
    return 1;
  }
  const int signal = WaitForShutdownSignal();
  log::Info("shutting down", {{"signal", signal}});
  // The server's destruction too: it destroys Kafka clients, which can
  // block as their close can.
  ShutdownWithin(std::chrono::seconds(config.common.shutdown_seconds), [&] {
    (*server)->Shutdown();
    server->reset();
  });
  log::Info("stopped");
  return 0;
}

}  // namespace sqms::runtime
