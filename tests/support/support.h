#pragma once
// Integration-test support: real processes (redis-server, devkafka, the
// service binaries) started on free ports in a per-test directory, and
// stopped — SIGKILL if need be — when their owner goes out of scope.
// Tests await conditions with Await(), never sleep for a fixed time.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sqms/runtime/kafka_consumer.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::testing {

// <build>/<relative> and <source>/<relative>: the tree this was built from,
// or $SQMS_BUILD_DIR / $SQMS_SOURCE_DIR when set.
std::string BuildPath(const std::string& relative);
std::string SourcePath(const std::string& relative);
// A fresh, empty directory for one test: <build>/test-runs/<name>-<pid>-<n>.
std::string MakeTestDir(const std::string& name);
// A TCP port that was free on 127.0.0.1 a moment ago (bind port 0, close).
int FreePort();
// Polls `condition` every `poll` until true (returns true) or `timeout`.
bool Await(const std::function<bool()>& condition, absl::Duration timeout,
           absl::Duration poll = absl::Milliseconds(20));
std::string ReadFile(const std::string& path);  // "" when missing

// A child process; stdout and stderr go to `log_path`. Destruction sends
// SIGKILL and reaps it.
class Process {
 public:
  static absl::StatusOr<std::unique_ptr<Process>> Start(
      std::vector<std::string> argv, const std::string& log_path,
      std::map<std::string, std::string> extra_env = {});
  ~Process();
  pid_t pid() const { return pid_; }
  bool Running();
  void Kill();  // SIGKILL, reap
  // SIGTERM, wait up to `timeout` (then SIGKILL); returns the exit status
  // (128+signal when signalled).
  int Terminate(absl::Duration timeout = absl::Seconds(10));
  const std::string& log_path() const { return log_path_; }

 private:
  Process(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}
  pid_t pid_;
  std::string log_path_;
  bool reaped_ = false;
  int status_ = 0;
};

// A server started by StartOnFreePort, and the port it listens on.
struct ServerProcess {
  std::unique_ptr<Process> process;
  int port = 0;
};
// Starts `argv(port)` (output to `log_path`) with a port from FreePort(),
// and waits up to `timeout` for `ready(port)`. The port is handed over, not
// held: another process may bind it first, and the server then exits
// before it is ready — another port is tried then, three in all.
// UNAVAILABLE, naming `name` and quoting the log, when it did not come up.
absl::StatusOr<ServerProcess> StartOnFreePort(
    const std::string& name, const std::function<std::vector<std::string>(int port)>& argv,
    const std::string& log_path, const std::function<bool(int port)>& ready,
    absl::Duration timeout = absl::Seconds(30));

// Debian's redis-server with AOF (appendfsync always) in `dir`.
class RedisServer {
 public:
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start(const std::string& dir);
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // A runtime::RedisClient's options for this server (one-Redis mode,
  // defaults otherwise).
  runtime::RedisOptions ClientOptions() const;
  void Stop();                    // SHUTDOWN-like: SIGTERM, wait
  absl::Status Restart();         // same port and data: what was acked survives
  // Runs redis-cli against it; returns stdout.
  std::string Cli(const std::vector<std::string>& args) const;

 private:
  RedisServer(std::string dir, int port) : dir_(std::move(dir)), port_(port) {}
  absl::Status Launch();
  std::string dir_;
  int port_;
  std::unique_ptr<Process> process_;
};

// tools/devkafka: librdkafka's mock cluster with the suite's topics.
class DevKafka {
 public:
  static absl::StatusOr<std::unique_ptr<DevKafka>> Start(const std::string& dir, int brokers = 3);
  const std::string& bootstrap() const { return bootstrap_; }
  // Control commands (see tools/devkafka/README): take a broker down / up,
  // all brokers down / up.
  absl::Status Command(const std::string& line);
  absl::Status AllBrokersDown();
  absl::Status AllBrokersUp();
  // SIGSTOP / SIGCONT the whole cluster: its connections stay open and
  // nothing answers — a network partition, unlike AllBrokersDown's refused
  // connections.
  void Freeze();
  void Thaw();

 private:
  DevKafka() = default;
  std::string dir_;
  std::string bootstrap_;
  std::string control_path_;
  int brokers_ = 3;
  std::unique_ptr<Process> process_;
};

// Reads a topic from the beginning with its own consumer (no group, no
// commits): every record currently in the topic and any that arrive.
class TopicReader {
 public:
  TopicReader(std::string bootstrap, std::string topic);
  ~TopicReader();
  // Reads until `done(records so far)` is true or `timeout`; returns all
  // records read so far (also on timeout).
  std::vector<runtime::ConsumedRecord> ReadUntil(
      const std::function<bool(const std::vector<runtime::ConsumedRecord>&)>& done,
      absl::Duration timeout);
  std::vector<runtime::ConsumedRecord> ReadAtLeast(size_t count, absl::Duration timeout);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<runtime::ConsumedRecord> records_;
};

}  // namespace sqms::testing
