// The Grafana dashboard against a real Prometheus: Debian's prometheus
// scrapes the real service every second with the shipped recording rules
// loaded, and every panel target of deploy/grafana/dashboards/
// sqms-complaints.json is evaluated through its HTTP API. On an idle, healthy
// system every target returns a series (no "No data") and the panels of
// things going wrong read 0; after client errors (bad input, a malformed id, no
// token, a cancelled stream) the error panels still read 0 — they count
// server faults only, as the SLO does — while the request panels rise.

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "tests/integration/complaints/service_fixture.h"
#include "tests/support/prometheus_server.h"

namespace sqms::complaints::it {
namespace {

struct Target {
  std::string panel;  // title
  std::string expr;   // with the Grafana variables substituted
  bool bad = false;   // counts something going wrong: must read 0
};

// Every target of the dashboard, variables replaced like check_configs.sh
// does ($__rate_interval 1m: 60 scrapes at 1s).
std::vector<Target> DashboardTargets() {
  // Panels that must read 0 on a healthy system, by title. (No std::regex:
  // GCC 12 flags <regex> maybe-uninitialized under ASan, a false positive.)
  auto bad_title = [](const std::string& title) {
    const std::string lower = absl::AsciiStrToLower(title);
    for (const char* word : {"error", "breach", "dead letter", "dead-letter", "burn"}) {
      if (absl::StrContains(lower, word)) return true;
    }
    return false;
  };
  std::vector<Target> targets;
  for (testing::DashboardTarget& target : testing::DashboardTargets(
           "deploy/grafana/dashboards/sqms-complaints.json",
           {{"$__rate_interval", "1m"}, {"$__range", "1h"}, {"$job", "sqms-complaints"}})) {
    const bool bad = bad_title(target.panel);
    targets.push_back({std::move(target.panel), std::move(target.expr), bad});
  }
  return targets;
}

class DashboardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StackOptions options;
    options.name = "dashboard";
    auto stack = ComplaintsStack::Start(options);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
    const int metrics = stack_->metrics_port();
    ASSERT_GT(metrics, 0);

    // The shipped rules, evaluated every second instead of every 30 s.
    auto prometheus = testing::PrometheusServer::Start(
        stack_->dir(),
        {{.name = "sqms-complaints", .port = metrics, .labels = {{"service", "complaints"}}}},
        {"deploy/prometheus/rules/complaints.rules.yml"});
    ASSERT_TRUE(prometheus.ok()) << prometheus.status();
    prometheus_ = *std::move(prometheus);
    // Scraped twice (rate() needs two samples) and the rules evaluated.
    ASSERT_TRUE(testing::Await(
        [&] {
          return Values("count_over_time(up{job=\"sqms-complaints\"}[1m]) >= 3").size() == 1 &&
                 !Values("service:sqms_rpc_errors:ratio_rate5m").empty();
        },
        absl::Seconds(60), absl::Milliseconds(500)))
        << prometheus_->Log();
  }

  std::vector<double> Values(const std::string& promql) { return prometheus_->Values(promql); }

  // Every bad panel's series read exactly 0; returns the offenders.
  std::vector<std::string> NonZeroBadPanels() {
    std::vector<std::string> offenders;
    for (const Target& target : DashboardTargets()) {
      if (!target.bad) continue;
      for (double v : Values(target.expr)) {
        if (v != 0) offenders.push_back(absl::StrCat(target.panel, " = ", v, ": ", target.expr));
      }
    }
    return offenders;
  }

  std::unique_ptr<ComplaintsStack> stack_;
  std::unique_ptr<testing::PrometheusServer> prometheus_;
};

TEST_F(DashboardTest, EveryPanelHasDataAndBadPanelsReadZeroOnAnIdleSystem) {
  const std::vector<Target> targets = DashboardTargets();
  ASSERT_GE(targets.size(), 20u);
  for (const Target& target : targets) {
    SCOPED_TRACE(target.panel + ": " + target.expr);
    std::vector<double> values;
    // A rule-based panel may need one more evaluation after the first.
    testing::Await([&] { return !(values = Values(target.expr)).empty(); }, absl::Seconds(10),
                   absl::Milliseconds(250));
    EXPECT_FALSE(values.empty()) << "No data";
    if (!target.bad) continue;
    for (double v : values) EXPECT_EQ(v, 0);
  }
  EXPECT_EQ(Values("sqms_build_info{job=\"sqms-complaints\",version!=\"\",revision!=\"\"}"),
            std::vector<double>{1});
  EXPECT_THAT(Values("process_resident_memory_bytes{job=\"sqms-complaints\"}"),
              ::testing::ElementsAre(::testing::Gt(1e6)));
}

TEST_F(DashboardTest, ClientErrorsAndCancellationsDoNotCountAsErrors) {
  auto stub = stack_->Complaints();
  SubmitOk(*stub, ValidSubmission("dashboard"));
  {  // one stream item: the latency SLO covers "StreamComplaints.item"
    auto ctx = Ctx(Role::kService);
    auto stream = stub->StreamComplaints(ctx.get());
    ASSERT_TRUE(stream->Write(ValidSubmission("dashboard-stream")));
    stream->WritesDone();
    v1::StreamComplaintsResponse answer;
    while (stream->Read(&answer)) {
    }
    EXPECT_TRUE(stream->Finish().ok());
  }
  v1::Complaint ignored;
  v1::GetComplaintRequest unknown;
  unknown.set_id("CMP-does-not-exist");  // malformed: INVALID_ARGUMENT
  EXPECT_FALSE(stub->GetComplaint(Ctx(Role::kAgent).get(), unknown, &ignored).ok());
  v1::SubmitComplaintResponse submitted;
  EXPECT_EQ(stub->SubmitComplaint(Ctx(Role::kService).get(), {}, &submitted).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(stub->GetComplaint(Ctx(std::nullopt).get(), unknown, &ignored).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  {  // a live watch (it delivered an event) the client then cancels
    const std::string station = Unique("DashboardWatch");
    v1::WatchComplaintsRequest request;
    request.mutable_filter()->set_station(station);
    auto ctx = Ctx(Role::kAgent);
    auto reader = stub->WatchComplaints(ctx.get(), request);
    std::atomic<bool> got{false};
    std::thread t([&] {
      ev::ComplaintEvent event;
      if (reader->Read(&event)) got = true;
    });
    // The watch may register after the call starts: submit until seen.
    EXPECT_TRUE(testing::Await(
        [&] {
          if (got) return true;
          v1::SubmitComplaintRequest r = ValidSubmission("dashboard-watch");
          r.mutable_location()->set_station(station);
          SubmitOk(*stub, r);
          return false;
        },
        absl::Seconds(10), absl::Milliseconds(200)));
    ctx->TryCancel();
    t.join();
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }

  // Scraped and evaluated: every client outcome and the stream item counted.
  for (const std::string& query : {
           std::string("sum(sqms_rpc_requests_total{code=\"INVALID_ARGUMENT\"})"),
           std::string("sum(sqms_rpc_requests_total{code=\"UNAUTHENTICATED\"})"),
           std::string("sum(sqms_rpc_requests_total"
                       "{method=\"WatchComplaints\",code=\"CANCELLED\"})"),
           std::string("sum(rate(sqms_rpc_requests_total{code=\"OK\"}[1m]))"),
           std::string("count(service_method:sqms_rpc_latency_seconds:p99_5m"
                       "{method=\"StreamComplaints.item\"} > 0)")}) {
    EXPECT_TRUE(testing::Await(
        [&] {
          std::vector<double> v = Values(query);
          return v.size() == 1 && v[0] > 0;
        },
        absl::Seconds(30), absl::Milliseconds(500)))
        << query << " never > 0";
  }

  EXPECT_THAT(NonZeroBadPanels(), ::testing::IsEmpty());
  int request_panels = 0;
  for (const Target& target : DashboardTargets()) {
    if (target.panel != "Requests per second by method") continue;
    ++request_panels;
    std::vector<double> values = Values(target.expr);
    double sum = 0;
    for (double v : values) sum += v;
    EXPECT_GT(sum, 0) << target.expr;
  }
  EXPECT_EQ(request_panels, 1) << "the dashboard's request panel was renamed or removed";
}

}  // namespace
}  // namespace sqms::complaints::it
