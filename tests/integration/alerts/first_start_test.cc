// The alerts service's first deployment through the real binary: a new
// consumer group pages on nothing older than --first-start-lookback-minutes
// (the topics keep a week of safety complaints long handled), while a
// group that has started once handles everything it missed while down,
// however old.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "tests/integration/alerts/alerts_stack.h"
#include "tests/integration/alerts/plans.h"

namespace sqms::alerts::it {
namespace {

// The stations of the safety plan's incidents (the plan groups by station;
// each complaint here is at a station of its own), sorted; empty on an
// error (the caller awaits).
std::vector<std::string> SafetyStations(av1::AlertService::Stub& stub) {
  std::vector<std::string> ids;
  for (const av1::Incident& incident : Incidents(stub, "safety")) {
    auto it = incident.labels().find("station");
    ids.push_back(it == incident.labels().end() ? "?" : it->second);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

bool Scraped(const AlertsStack& stack, const std::string& series) {
  return stack.ScrapeMetrics().find(series) != std::string::npos;
}

TEST(AlertsFirstStartTest, ANewGroupPagesOnNothingOldButARestartedOneOnAllItMissed) {
  auto stack = AlertsStack::Start({.name = "alerts-first-start", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  ASSERT_EQ((*stack)->StopService(), 0);
  const absl::Time last_week = absl::Now() - absl::Hours(24 * 6);
  ASSERT_TRUE(
      (*stack)->Produce({Submitted("C-OLD", "safety", 1, "beijing-south")}, last_week).ok());
  ASSERT_TRUE((*stack)->Produce({Submitted("C-NEW", "safety", 1, "shanghai-hongqiao")}).ok());

  // Deployed with a group of its own: a first start.
  // The mock coordinator rebalances session.timeout.ms − 1 s after a
  // member left: keep the restart below quick.
  const std::vector<std::string> args = {"--group", "sqms-alerts-fresh", "--session-timeout-ms",
                                         "6000"};
  ASSERT_TRUE((*stack)->StartService(0, args).ok());
  auto stub = (*stack)->Alerts();
  const std::string passed_over =
      "sqms_consumer_passed_over_total{group=\"sqms-alerts-fresh\",topic=\"sqms.complaints.v1\"} 1";
  ASSERT_TRUE(testing::Await(
      [&] { return SafetyStations(*stub).size() == 1 && Scraped(**stack, passed_over); },
      absl::Seconds(30)))
      << (*stack)->ScrapeMetrics();
  EXPECT_EQ(SafetyStations(*stub), std::vector<std::string>{"shanghai-hongqiao"});

  // Down for a while, then back: a complaint stamped last week that came
  // in meanwhile is handled — on its partition or any other.
  ASSERT_EQ((*stack)->StopService(), 0);
  ASSERT_TRUE(
      (*stack)->Produce({Submitted("C-MISSED", "safety", 1, "guangzhou-south")}, last_week).ok());
  ASSERT_TRUE((*stack)->StartService(0, args).ok());
  stub = (*stack)->Alerts();
  ASSERT_TRUE(testing::Await([&] { return SafetyStations(*stub).size() == 2; }, absl::Seconds(30)));
  EXPECT_EQ(SafetyStations(*stub),
            (std::vector<std::string>{"guangzhou-south", "shanghai-hongqiao"}));
  EXPECT_TRUE(Scraped(**stack,
                      "sqms_consumer_passed_over_total{group=\"sqms-alerts-fresh\","
                      "topic=\"sqms.complaints.v1\"} 0"));
}

}  // namespace
}  // namespace sqms::alerts::it
