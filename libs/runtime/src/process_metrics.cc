// The process metrics of the Prometheus client conventions, read from
// /proc/self at each scrape (prometheus-cpp has no process collector).

#include <dirent.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "prometheus/client_metric.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"
#include "sqms/runtime/metrics.h"

namespace sqms::runtime {
namespace {

struct ProcStat {
  double cpu_seconds = 0;
  double rss_bytes = 0;
  double start_seconds = 0;  // since the epoch
};

// The fields of /proc/self/stat after "(comm)"; f[0] is field 3 (state).
std::vector<std::string> SelfStatFields() {
  std::ifstream stat_file("/proc/self/stat");
  std::string line;
  if (!std::getline(stat_file, line)) return {};
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream fields(line.substr(close + 2));
  std::vector<std::string> f;
  for (std::string v; fields >> v;) f.push_back(v);
  return f;
}

// When the process started, since the epoch: boot time (/proc/stat "btime")
// + starttime (field 22). It never changes, so it is read once.
double StartSeconds(const std::vector<std::string>& f, double ticks) {
  static const double start = [&] {
    std::ifstream boot("/proc/stat");
    for (std::string key; boot >> key;) {
      if (key == "btime") {
        double btime = 0;
        boot >> btime;
        return btime + std::stod(f[19]) / ticks;
      }
      std::getline(boot, key);
    }
    return 0.0;
  }();
  return start;
}

// utime 14, stime 15, starttime 22, rss 24 (1-based, as in proc(5)).
ProcStat ReadProcStat() {
  ProcStat out;
  const std::vector<std::string> f = SelfStatFields();
  if (f.size() < 22) return out;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  out.cpu_seconds = (std::stod(f[11]) + std::stod(f[12])) / ticks;
  out.rss_bytes = std::stod(f[21]) * page;
  out.start_seconds = StartSeconds(f, ticks);
  return out;
}

double OpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  double n = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n - 1;  // not the descriptor opendir itself holds
}

prometheus::MetricFamily One(const char* name, const char* help, prometheus::MetricType type,
                             double value) {
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return prometheus::MetricFamily{name, help, type, {metric}};
}

class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    const ProcStat stat = ReadProcStat();
    using prometheus::MetricType;
    return {
        One("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
            MetricType::Counter, stat.cpu_seconds),
        One("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge,
            stat.rss_bytes),
        One("process_open_fds", "Number of open file descriptors.", MetricType::Gauge, OpenFds()),
        One("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
            MetricType::Gauge, stat.start_seconds),
    };
  }
};

}  // namespace

std::shared_ptr<prometheus::Collectable> MakeProcessCollector() {
  return std::make_shared<ProcessCollector>();
}

}  // namespace sqms::runtime
