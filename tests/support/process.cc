// Paths, ports, polling and child processes for integration tests.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/support/support.h"

extern char** environ;

namespace sqms::testing {
namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

// environ plus `extra` (which wins), as "K=V" strings.
std::vector<std::string> Environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    if (!extra.contains(entry.substr(0, entry.find('=')))) env.push_back(std::move(entry));
  }
  for (const auto& [key, value] : extra) env.push_back(key + "=" + value);
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string BuildPath(const std::string& relative) {
  return EnvOr("SQMS_BUILD_DIR", SQMS_DEFAULT_BUILD_DIR) + "/" + relative;
}

std::string SourcePath(const std::string& relative) {
  return EnvOr("SQMS_SOURCE_DIR", SQMS_DEFAULT_SOURCE_DIR) + "/" + relative;
}

std::string MakeTestDir(const std::string& name) {
  static std::atomic<int> counter{0};
  std::string dir = BuildPath(absl::StrCat("test-runs/", name, "-", getpid(), "-", counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

absl::StatusOr<ServerProcess> StartOnFreePort(
    const std::string& name, const std::function<std::vector<std::string>(int port)>& argv,
    const std::string& log_path, const std::function<bool(int port)>& ready,
    absl::Duration timeout) {
  for (int attempt = 1;; ++attempt) {
    ServerProcess server;
    server.port = FreePort();
    auto process = Process::Start(argv(server.port), log_path);
    if (!process.ok()) return process.status();
    server.process = *std::move(process);
    const bool up = Await([&] { return ready(server.port) || !server.process->Running(); }, timeout,
                          absl::Milliseconds(100));
    if (up && server.process->Running()) return server;
    // Still running but not ready is no port clash: do not try again.
    if (server.process->Running() || attempt == 3) {
      return absl::UnavailableError(
          absl::StrCat(name, " did not come up; its log:\n", ReadFile(log_path)));
    }
  }
}

bool Await(const std::function<bool()>& condition, absl::Duration timeout, absl::Duration poll) {
  absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(poll);
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

absl::StatusOr<std::unique_ptr<Process>> Process::Start(
    std::vector<std::string> argv, const std::string& log_path,
    std::map<std::string, std::string> extra_env) {
  if (argv.empty()) return absl::InvalidArgumentError("Process::Start: empty argv");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  // A fresh signal mask and default dispositions, whatever the test runner set.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> env = Environment(extra_env);
  std::vector<char*> c_argv = CStrings(argv);
  std::vector<char*> c_env = CStrings(env);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, c_argv[0], &actions, &attr, c_argv.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return absl::InternalError(absl::StrCat("spawn ", argv[0], ": ", std::strerror(rc)));
  }
  return std::unique_ptr<Process>(new Process(pid, log_path));
}

Process::~Process() { Kill(); }

bool Process::Running() {
  if (reaped_) return false;
  if (waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
  return !reaped_;
}

void Process::Kill() {
  if (reaped_) return;
  kill(pid_, SIGKILL);
  while (waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
}

int Process::Terminate(absl::Duration timeout) {
  if (!reaped_) {
    kill(pid_, SIGTERM);
    if (!Await([this] { return !Running(); }, timeout, absl::Milliseconds(10))) Kill();
  }
  if (WIFSIGNALED(status_)) return 128 + WTERMSIG(status_);
  return WEXITSTATUS(status_);
}

}  // namespace sqms::testing
