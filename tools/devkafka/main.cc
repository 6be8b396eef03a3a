// devkafka: librdkafka's in-memory mock cluster as a local Kafka endpoint,
// with the suite's topics and a control FIFO for fault injection. For local
// runs and tests only; see README.md.

#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "control.h"

namespace {

struct Flags {
  int brokers = 3;
  std::vector<std::string> topics;
  std::string bootstrap_file;
  std::string control;
};

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
  void operator()(rd_kafka_mock_cluster_t* mc) const { rd_kafka_mock_cluster_destroy(mc); }
};

// Closes a file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

const char* const kDefaultTopics[] = {"sqms.complaints.v1:12", "sqms.contact.v1:12",
                                      "sqms.kpi.v1:4", "sqms.incidents.v1:4"};

// name → partitions: the defaults, then --topic (which wins), and a
// one-partition `.dlq` for every topic that does not name its own.
bool TopicPlan(const std::vector<std::string>& extra, std::map<std::string, int>* plan) {
  std::vector<std::string> specs(std::begin(kDefaultTopics), std::end(kDefaultTopics));
  specs.insert(specs.end(), extra.begin(), extra.end());
  for (const std::string& spec : specs) {
    std::vector<std::string> parts = absl::StrSplit(spec, ':');
    int partitions = 0;
    if (parts.size() != 2 || parts[0].empty() || !absl::SimpleAtoi(parts[1], &partitions) ||
        partitions < 1) {
      std::cerr << "devkafka: --topic '" << spec << "': expected name:partitions\n";
      return false;
    }
    (*plan)[parts[0]] = partitions;
  }
  std::map<std::string, int> with_dlq = *plan;
  for (const auto& [name, partitions] : *plan) {
    if (!name.ends_with(".dlq")) with_dlq.emplace(name + ".dlq", 1);
  }
  *plan = std::move(with_dlq);
  return true;
}

bool WriteAtomically(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return false;
  bool ok = std::fputs(content.c_str(), f) >= 0;
  ok = std::fclose(f) == 0 && ok;
  return ok && std::rename(tmp.c_str(), path.c_str()) == 0;
}

// Appends "ok <line>" or "error <line>: <why>" to the acknowledgement file.
void Acknowledge(int fd, const std::string& line, const std::string& error) {
  std::string out = error.empty() ? "ok " + line + "\n" : "error " + line + ": " + error + "\n";
  if (fd >= 0 && write(fd, out.data(), out.size()) < 0) std::perror("devkafka: ack");
  std::cout << (error.empty() ? "control: " : "control error: ") << line
            << (error.empty() ? "" : ": " + error) << std::endl;
}

// Reads what the FIFO holds and applies each complete line.
void DrainControl(int fifo, int ack, std::string* pending, sqms::devkafka::Controller* ctl) {
  char buf[4096];
  ssize_t n;
  while ((n = read(fifo, buf, sizeof(buf))) > 0) pending->append(buf, static_cast<size_t>(n));
  size_t eol;
  while ((eol = pending->find('\n')) != std::string::npos) {
    std::string line = pending->substr(0, eol);
    pending->erase(0, eol + 1);
    if (!line.empty()) Acknowledge(ack, line, ctl->Apply(line));
  }
}

// Creates the control FIFO (opened read-write, so it never reports
// end-of-file between writers) and truncates its acknowledgement file.
bool OpenControl(const std::string& path, Fd* fifo, Fd* ack) {
  unlink(path.c_str());
  if (mkfifo(path.c_str(), 0600) != 0) {
    std::perror(("devkafka: mkfifo " + path).c_str());
    return false;
  }
  *fifo = Fd(open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
  *ack = Fd(open((path + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
                 0644));
  return fifo->get() >= 0 && ack->get() >= 0;
}

// Serves control commands until SIGTERM or SIGINT.
void Serve(int signals, int fifo, int ack, sqms::devkafka::Controller* ctl) {
  std::string pending;
  for (;;) {
    pollfd fds[2] = {{signals, POLLIN, 0}, {fifo, POLLIN, 0}};
    if (poll(fds, fifo >= 0 ? 2 : 1, -1) < 0) continue;
    if (fds[0].revents & POLLIN) return;
    if (fds[1].revents & POLLIN) DrainControl(fifo, ack, &pending, ctl);
  }
}

int Run(const Flags& flags, const std::map<std::string, int>& topics, int signals) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::unique_ptr<rd_kafka_t, KafkaDeleter> rk(
      rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr)));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    std::cerr << "devkafka: " << errstr << "\n";
    return 1;
  }
  std::unique_ptr<rd_kafka_mock_cluster_t, KafkaDeleter> cluster(
      rd_kafka_mock_cluster_new(rk.get(), flags.brokers));
  if (cluster == nullptr) {
    std::cerr << "devkafka: could not create the mock cluster\n";
    return 1;
  }
  int replication = std::min(flags.brokers, 3);
  for (const auto& [name, partitions] : topics) {
    rd_kafka_resp_err_t err =
        rd_kafka_mock_topic_create(cluster.get(), name.c_str(), partitions, replication);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::cerr << "devkafka: topic " << name << ": " << rd_kafka_err2str(err) << "\n";
      return 1;
    }
  }
  Fd fifo, ack;
  if (!flags.control.empty() && !OpenControl(flags.control, &fifo, &ack)) return 1;
  std::string bootstrap = rd_kafka_mock_cluster_bootstraps(cluster.get());
  if (!flags.bootstrap_file.empty() && !WriteAtomically(flags.bootstrap_file, bootstrap)) {
    std::perror(("devkafka: " + flags.bootstrap_file).c_str());
    return 1;
  }
  std::cout << bootstrap << std::endl;
  sqms::devkafka::Controller ctl(cluster.get(), flags.brokers);
  Serve(signals, fifo.get(), ack.get(), &ctl);
  if (!flags.control.empty()) unlink(flags.control.c_str());
  if (!flags.bootstrap_file.empty()) unlink(flags.bootstrap_file.c_str());
  std::cout << "devkafka: stopped" << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  CLI::App app{"devkafka: an in-memory Kafka endpoint (librdkafka mock cluster) for local runs "
               "and tests. Not durable."};
  app.add_option("--brokers", flags.brokers, "number of mock brokers")->check(CLI::Range(1, 16));
  app.add_option("--topic", flags.topics, "extra topic as name:partitions (repeatable)");
  app.add_option("--bootstrap-file", flags.bootstrap_file,
                 "write the bootstrap servers here (atomically) once ready");
  app.add_option("--control", flags.control,
                 "create this FIFO and apply commands written to it (see README)");
  CLI11_PARSE(app, argc, argv);
  std::map<std::string, int> topics;
  if (!TopicPlan(flags.topics, &topics)) return 2;
  // Block the stop signals in every thread (librdkafka's inherit the mask)
  // and take them through a signalfd in the main loop instead.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  signal(SIGPIPE, SIG_IGN);
  Fd signals(signalfd(-1, &mask, SFD_CLOEXEC));
  return Run(flags, topics, signals.get());
}
