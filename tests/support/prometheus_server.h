#pragma once
// A real Prometheus for dashboard tests: Debian's /usr/bin/prometheus
// scraping services every second with the shipped recording rules loaded
// (their groups evaluated every second), queried through its HTTP API; and
// the panel targets of a Grafana dashboard, to evaluate each against it.
// Part of sqms_test_support.

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "sqms/runtime/http/http_client.h"
#include "tests/support/support.h"

namespace sqms::testing {

// Whether http://127.0.0.1:<port>/-/ready answers 200: Prometheus's and
// Alertmanager's readiness, for StartOnFreePort.
bool ReadyEndpointUp(int port);

// One scrape job: `name` (the job label), the /metrics port on 127.0.0.1
// and extra target labels (e.g. service="metrics", as deploy/prometheus has).
struct ScrapeJob {
  std::string name;
  int port = 0;
  std::map<std::string, std::string> labels;
};

class PrometheusServer {
 public:
  // Writes `dir`/prometheus.yml (scrape and evaluation interval 1 s) and a
  // copy of each rule file (paths relative to the source tree, e.g.
  // "deploy/prometheus/rules/metrics.rules.yml") with its groups' 30 s
  // interval made 1 s, starts Prometheus on a free port with its data and
  // log (prometheus.log) in `dir`, and waits until it is ready. UNAVAILABLE
  // with the log's tail when it does not come up within 30 s.
  static absl::StatusOr<std::unique_ptr<PrometheusServer>> Start(
      const std::string& dir, const std::vector<ScrapeJob>& jobs,
      const std::vector<std::string>& rule_files);
  ~PrometheusServer();  // SIGTERM, then SIGKILL after 10 s

  int port() const { return port_; }
  std::string Log() const;

  // The values of an instant query, one per series; empty on any error
  // (also a query error). Thread-compatible.
  std::vector<double> Values(const std::string& promql);

 private:
  PrometheusServer() = default;
  std::string dir_;
  int port_ = 0;
  std::unique_ptr<Process> process_;
  runtime::HttpClient http_;
};

// One query of one panel.
struct DashboardTarget {
  std::string panel;  // the panel's title
  std::string expr;   // with the variables substituted
};

// Every target of every panel of the Grafana dashboard at `dashboard`
// (relative to the source tree), each `variables` key (e.g. "$job") replaced
// by its value in `expr` (one pass, absl::StrReplaceAll). Fails the calling
// test (ADD_FAILURE) and returns nothing when the file cannot be parsed.
std::vector<DashboardTarget> DashboardTargets(
    const std::string& dashboard, const std::vector<std::pair<std::string, std::string>>& variables);

}  // namespace sqms::testing
