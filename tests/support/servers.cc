// RedisServer and DevKafka: the real local components, one per test.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/support/support.h"

namespace sqms::testing {
namespace {

constexpr absl::Duration kStartTimeout = absl::Seconds(15);

// True when a Redis server on 127.0.0.1:`port` answers PING with PONG.
bool RedisPong(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  timeval tv{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      write(fd, "PING\r\n", 6) == 6) {
    char buf[16] = {};
    ok = read(fd, buf, sizeof(buf) - 1) > 0 && absl::StartsWith(buf, "+PONG");
  }
  close(fd);
  return ok;
}

bool IsFifo(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
}

size_t CountLines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

runtime::RedisOptions RedisServer::ClientOptions() const {
  runtime::RedisOptions options;
  options.port = port_;
  return options;
}

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(const std::string& dir) {
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {  // the free port may be taken meanwhile
    std::unique_ptr<RedisServer> server(new RedisServer(dir, FreePort()));
    last = server->Launch();
    if (last.ok()) return server;
  }
  return last;
}

absl::Status RedisServer::Launch() {
  auto process = Process::Start(
      {"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1", "--dir", dir_,
       "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no",
       // DEBUG SLEEP: a Redis stall on demand (tests only).
       "--enable-debug-command", "local"},
      dir_ + "/redis.log");
  if (!process.ok()) return process.status();
  process_ = std::move(*process);
  if (!Await([&] { return !process_->Running() || RedisPong(port_); }, kStartTimeout) ||
      !process_->Running()) {
    process_.reset();
    return absl::UnavailableError(
        absl::StrCat("redis-server on port ", port_, " did not start: ", ReadFile(dir_ + "/redis.log")));
  }
  return absl::OkStatus();
}

void RedisServer::Stop() {
  if (process_ == nullptr) return;
  process_->Terminate();
  process_.reset();
}

absl::Status RedisServer::Restart() {
  Stop();
  return Launch();
}

std::string RedisServer::Cli(const std::vector<std::string>& args) const {
  static std::atomic<int> counter{0};
  std::string out = absl::StrCat(dir_, "/redis-cli-", counter++, ".out");
  std::vector<std::string> argv = {"redis-cli", "-p", std::to_string(port_)};
  argv.insert(argv.end(), args.begin(), args.end());
  auto process = Process::Start(argv, out);
  if (!process.ok()) return "";
  Await([&] { return !(*process)->Running(); }, absl::Seconds(10), absl::Milliseconds(5));
  return ReadFile(out);
}

absl::StatusOr<std::unique_ptr<DevKafka>> DevKafka::Start(const std::string& dir, int brokers) {
  std::unique_ptr<DevKafka> kafka(new DevKafka());
  kafka->dir_ = dir;
  kafka->brokers_ = brokers;
  kafka->control_path_ = dir + "/devkafka.control";
  std::string bootstrap_file = dir + "/devkafka.bootstrap";
  auto process = Process::Start({BuildPath("tools/devkafka/devkafka"), "--brokers",
                                 std::to_string(brokers), "--bootstrap-file", bootstrap_file,
                                 "--control", kafka->control_path_},
                                dir + "/devkafka.log");
  if (!process.ok()) return process.status();
  kafka->process_ = std::move(*process);
  // devkafka creates the control FIFO before it writes the bootstrap file.
  bool ready = Await(
      [&] { return !kafka->process_->Running() || !ReadFile(bootstrap_file).empty(); },
      kStartTimeout);
  if (!ready || !kafka->process_->Running()) {
    return absl::UnavailableError(
        absl::StrCat("devkafka did not start: ", ReadFile(dir + "/devkafka.log")));
  }
  kafka->bootstrap_ = std::string(absl::StripAsciiWhitespace(ReadFile(bootstrap_file)));
  return kafka;
}

absl::Status DevKafka::Command(const std::string& line) {
  if (!IsFifo(control_path_)) return absl::FailedPreconditionError("devkafka control not ready");
  std::string ack_path = control_path_ + ".out";
  size_t before = CountLines(ReadFile(ack_path));
  int fd = open(control_path_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("open control: ", std::strerror(errno)));
  std::string text = line + "\n";
  bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  if (!written) return absl::UnavailableError("write to devkafka control failed");
  std::string acks;
  if (!Await([&] { return CountLines(acks = ReadFile(ack_path)) > before; }, absl::Seconds(10))) {
    return absl::DeadlineExceededError(absl::StrCat("devkafka did not acknowledge: ", line));
  }
  std::vector<std::string> lines = absl::StrSplit(acks, '\n', absl::SkipEmpty());
  const std::string& answer = lines[before];
  if (absl::StartsWith(answer, "ok ")) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("devkafka: ", answer));
}

absl::Status DevKafka::AllBrokersDown() { return Command("down all"); }
absl::Status DevKafka::AllBrokersUp() { return Command("up all"); }
void DevKafka::Freeze() { kill(process_->pid(), SIGSTOP); }
void DevKafka::Thaw() { kill(process_->pid(), SIGCONT); }

}  // namespace sqms::testing
