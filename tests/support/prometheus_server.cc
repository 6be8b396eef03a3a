#include "tests/support/prometheus_server.h"

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "nlohmann/json.hpp"
#include "tests/support/service_client.h"

namespace sqms::testing {
namespace {

using json = nlohmann::json;

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

std::string Basename(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string Config(const std::vector<ScrapeJob>& jobs, const std::vector<std::string>& rules) {
  std::string out = "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n";
  for (const std::string& rule : rules) absl::StrAppend(&out, "  - ", Basename(rule), "\n");
  absl::StrAppend(&out, "scrape_configs:\n");
  for (const ScrapeJob& job : jobs) {
    absl::StrAppend(&out, "  - job_name: ", job.name, "\n    static_configs:\n",
                    "      - targets: ['127.0.0.1:", job.port, "']\n");
    if (job.labels.empty()) continue;
    absl::StrAppend(&out, "        labels:\n");
    for (const auto& [name, value] : job.labels) {
      absl::StrAppend(&out, "          ", name, ": '", value, "'\n");
    }
  }
  return out;
}

}  // namespace

bool ReadyEndpointUp(int port) {
  runtime::HttpClient http;
  runtime::HttpRequest request;
  request.url = absl::StrCat("http://127.0.0.1:", port, "/-/ready");
  auto response = http.SendAndWait(request);
  return response.ok() && response->status == 200;
}

absl::StatusOr<std::unique_ptr<PrometheusServer>> PrometheusServer::Start(
    const std::string& dir, const std::vector<ScrapeJob>& jobs,
    const std::vector<std::string>& rule_files) {
  auto server = std::unique_ptr<PrometheusServer>(new PrometheusServer());
  server->dir_ = dir;
  for (const std::string& rule : rule_files) {
    std::string text = ReadFile(SourcePath(rule));
    if (text.empty()) return absl::NotFoundError(absl::StrCat(SourcePath(rule), ": empty or missing"));
    // The shipped groups run every 30 s; a test cannot wait that long.
    if (auto s = WriteTextFile(dir + "/" + Basename(rule),
                               absl::StrReplaceAll(text, {{"interval: 30s", "interval: 1s"}}));
        !s.ok()) {
      return s;
    }
  }
  if (auto s = WriteTextFile(dir + "/prometheus.yml", Config(jobs, rule_files)); !s.ok()) return s;
  auto started = StartOnFreePort(
      "prometheus",
      [&](int port) -> std::vector<std::string> {
        return {"/usr/bin/prometheus", "--config.file=" + dir + "/prometheus.yml",
                "--storage.tsdb.path=" + dir + "/prometheus-data",
                absl::StrCat("--web.listen-address=127.0.0.1:", port)};
      },
      dir + "/prometheus.log", ReadyEndpointUp);
  if (!started.ok()) return started.status();
  server->port_ = started->port;
  server->process_ = std::move(started->process);
  return server;
}

PrometheusServer::~PrometheusServer() {
  if (process_ != nullptr) process_->Terminate(absl::Seconds(10));
}

std::string PrometheusServer::Log() const { return ReadFile(dir_ + "/prometheus.log"); }

std::vector<double> PrometheusServer::Values(const std::string& promql) {
  runtime::HttpRequest request;
  request.url = absl::StrCat("http://127.0.0.1:", port_, "/api/v1/query?query=", UrlEncode(promql));
  auto response = http_.SendAndWait(request);
  if (!response.ok() || response->status != 200) return {};
  const json body = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  std::vector<double> values;
  if (!body.is_object() || body.value("status", "") != "success") return values;
  for (const json& series : body["data"]["result"]) {
    values.push_back(std::stod(series["value"][1].get<std::string>()));
  }
  return values;
}

std::vector<DashboardTarget> DashboardTargets(
    const std::string& dashboard, const std::vector<std::pair<std::string, std::string>>& variables) {
  const json parsed = json::parse(ReadFile(SourcePath(dashboard)), nullptr,
                                  /*allow_exceptions=*/false);
  if (!parsed.is_object() || !parsed.contains("panels")) {
    ADD_FAILURE() << SourcePath(dashboard) << ": not a dashboard";
    return {};
  }
  std::vector<std::pair<absl::string_view, absl::string_view>> replacements;
  for (const auto& [name, value] : variables) replacements.emplace_back(name, value);
  std::vector<DashboardTarget> targets;
  for (const json& panel : parsed.at("panels")) {
    if (!panel.contains("targets")) continue;
    for (const json& target : panel.at("targets")) {
      targets.push_back({panel.value("title", ""),
                         absl::StrReplaceAll(target.value("expr", ""), replacements)});
    }
  }
  return targets;
}

}  // namespace sqms::testing
