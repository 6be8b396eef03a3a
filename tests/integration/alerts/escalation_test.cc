// Paging against real Redis, devkafka, a webhook sink and the sqms-alerts
// binary: a safety complaint pages at once; an acknowledgement stops the
// chain (decided in the same atomic write as the escalation, so the two
// never both win); each timer fires once across SIGKILL and replicas.

#include <atomic>
#include <set>
#include <thread>

#include "absl/synchronization/mutex.h"

#include <gtest/gtest.h>

#include "tests/integration/alerts/alerts_stack.h"
#include "tests/integration/alerts/plans.h"
#include "tests/support/service_client.h"

namespace sqms::alerts::it {
namespace {

absl::StatusOr<av1::Incident> Ack(av1::AlertService::Stub& stub, const std::string& id) {
  av1::IncidentCommand command;
  command.set_id(id);
  command.set_request_id(testing::Unique("ack"));
  av1::Incident incident;
  grpc::Status s = stub.AcknowledgeIncident(Ctx().get(), command, &incident);
  if (!s.ok()) return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
  return incident;
}

std::string OpenedIncident(const av1::RaiseAlertResponse& r) {
  return r.decisions_size() == 1 ? r.decisions(0).incident_id() : "";
}

TEST(AlertsEscalationTest, ASafetyComplaintOpensOneIncidentPerStationAndPagesAtOnce) {
  auto stack = AlertsStack::Start({.name = "alerts-safety", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto stub = (*stack)->Alerts();
  ev::ComplaintEvent first = Submitted("C-1", "safety", 1, "beijing-south");
  ASSERT_TRUE((*stack)->Produce({first}).ok());
  std::vector<av1::Incident> incidents;
  ASSERT_TRUE(testing::Await([&] { return (incidents = Incidents(*stub, "safety")).size() == 1; },
                             absl::Seconds(30)));
  const av1::Incident& incident = incidents[0];
  EXPECT_EQ(incident.level(), "I");
  EXPECT_EQ(incident.state(), av1::INCIDENT_STATE_TRIGGERED);
  EXPECT_EQ(incident.labels().at("station"), "beijing-south");
  ASSERT_TRUE(testing::Await([&] { return (*stack)->Pages(incident.id(), "triggered").size() == 1; },
                             absl::Seconds(10)));
  const SinkRequest page = (*stack)->Pages(incident.id(), "triggered")[0];
  EXPECT_EQ(page.body.value("level", ""), "I");
  EXPECT_FALSE(page.body.value("drill", true));
  ASSERT_TRUE(testing::Await([&] {
    for (const SinkRequest& r : (*stack)->SinkRequests()) {
      if (r.path == "/dingtalk" && r.body.value("msgtype", "") == "markdown") return true;
    }
    return false;
  }, absl::Seconds(10))) << "the DingTalk robot got its markdown message";

  // The same event redelivered, a second complaint at the same station, and
  // one at another station: still one incident for beijing-south, with
  // both complaints linked; a second incident for the other station.
  ASSERT_TRUE((*stack)->Produce({first, Submitted("C-2", "safety", 1, "beijing-south"),
                                 Submitted("C-3", "safety", 1, "shanghai-hongqiao")})
                  .ok());
  ASSERT_TRUE(testing::Await([&] { return Incidents(*stub, "safety").size() == 2; },
                             absl::Seconds(30)));
  av1::GetIncidentRequest get;
  get.set_id(incident.id());
  av1::Incident after;
  ASSERT_TRUE(testing::Await([&] {
    return stub->GetIncident(Ctx().get(), get, &after).ok() && after.alerts_total() == 2;
  }, absl::Seconds(10)));
  EXPECT_EQ(after.alerts_firing(), 2) << "C-1 delivered twice counts once";
  EXPECT_EQ((*stack)->Pages(incident.id(), "triggered").size(), 1u) << "grouping pages nobody again";
}

TEST(AlertsEscalationTest, AcknowledgedInTimeNoSecondTierEverAndLateAckPagesTierTwoOnce) {
  auto stack = AlertsStack::Start({.name = "alerts-ack", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto stub = (*stack)->Alerts();
  // Acknowledged at once: the one call between the open and the ack has
  // the whole 2 s ack timeout, however slow Redis is beside a build.
  auto acked = Raise(*stub, {{"alertname", "PageTest"}, {"case", "acked"}});
  ASSERT_TRUE(acked.ok());
  const std::string a = OpenedIncident(*acked);
  ASSERT_FALSE(a.empty());
  ASSERT_TRUE(Ack(*stub, a).ok());
  auto late = Raise(*stub, {{"alertname", "PageTest"}, {"case", "late"}});
  ASSERT_TRUE(late.ok());
  const std::string b = OpenedIncident(*late);
  ASSERT_FALSE(b.empty());
  // The control incident, opened after the first, escalates 2 s after it
  // opened: by the time its tier-2 page arrived, the acknowledged one's
  // would have too.
  ASSERT_TRUE(testing::Await([&] { return (*stack)->Pages(b, "escalated").size() == 1; },
                             absl::Seconds(20)));
  auto late_ack = Ack(*stub, b);
  ASSERT_TRUE(late_ack.ok()) << late_ack.status();
  EXPECT_EQ(late_ack->acknowledged_by(), "sup-sue");
  EXPECT_EQ((*stack)->Pages(a, "escalated").size(), 0u) << "paged tier 2 after the acknowledgement";
  EXPECT_EQ((*stack)->Pages(a, "triggered").size(), 1u);
  const SinkRequest tier2 = (*stack)->Pages(b, "escalated")[0];
  EXPECT_EQ(tier2.body.value("tier", -1), 1);
  // An acknowledgement again is a clear error, not a second ack.
  auto again = Ack(*stub, b);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*stack)->Pages(b, "escalated").size(), 1u) << "tier 2 paged exactly once";
}

// Acknowledgements land around the moment each incident's escalation is
// due, a thousand times. Whatever the order, no escalation decided after
// an acknowledgement is ever sent: each page received was decided at a
// version before the ack's.
TEST(AlertsEscalationTest, AcknowledgementsRacingTheTimerNeverLetAPageThroughAfterTheAck) {
  auto stack = AlertsStack::Start({.name = "alerts-race", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  constexpr int kRaces = 1000;
  auto stub = (*stack)->Alerts();
  // Each incident is acknowledged within ±50 ms of its escalation's due
  // moment (2 s after it opened) by a second client, while the first goes
  // on raising: the sleep sets up the race, it waits for nothing.
  struct Opened {
    std::string id;
    absl::Time at;
  };
  absl::Mutex mu;
  std::vector<Opened> opened;
  std::map<std::string, int64_t> ack_version;
  std::atomic<bool> failed{false};
  std::thread acker([&] {
    auto acks = (*stack)->Alerts();
    for (int i = 0; i < kRaces && !failed; ++i) {
      Opened o;
      {
        absl::MutexLock lock(&mu);
        auto ready = [&] { return static_cast<int>(opened.size()) > i || failed; };
        mu.Await(absl::Condition(&ready));
        if (failed) return;
        o = opened[i];
      }
      std::this_thread::sleep_until(absl::ToChronoTime(
          o.at + absl::Seconds(2) + absl::Milliseconds(25 * (i % 5 - 2))));
      auto acked = Ack(*acks, o.id);
      if (!acked.ok()) {
        failed = true;
        ADD_FAILURE() << acked.status();
        return;
      }
      absl::MutexLock lock(&mu);
      ack_version[o.id] = acked->version();
    }
  });
  for (int i = 0; i < kRaces && !failed; ++i) {
    const absl::Time at = absl::Now();
    auto r = Raise(*stub, {{"alertname", "RaceTest"}, {"case", std::to_string(i)}});
    if (!r.ok()) {
      failed = true;
      ADD_FAILURE() << r.status();
      break;
    }
    absl::MutexLock lock(&mu);
    opened.push_back({OpenedIncident(*r), at});
  }
  acker.join();
  ASSERT_FALSE(failed);
  // Every page decided before the acks has had time to arrive once nothing
  // is pending any more.
  ASSERT_TRUE(testing::Await([&] { return (*stack)->PendingTimers() == 0; }, absl::Seconds(60)));
  int escalated = 0;
  for (const SinkRequest& r : (*stack)->SinkRequests()) {
    if (r.path != "/hook") continue;
    // Notices ("acknowledged") are decided by the acknowledgement itself.
    const std::string kind = r.body.value("kind", "");
    if (kind == "acknowledged" || kind == "resolved") continue;
    const std::string id = r.body.value("incident_id", "");
    ASSERT_TRUE(ack_version.count(id)) << id;
    EXPECT_LT(r.body.value("version", int64_t{0}), ack_version[id])
        << "a page decided after the acknowledgement of " << id << " was sent";
    ++escalated;
  }
  std::printf("%d of %d incidents escalated before their acknowledgement\n", escalated, kRaces);
}

TEST(AlertsEscalationTest, TimersPendingAtSigkillFireOnceAfterTheRestart) {
  auto stack = AlertsStack::Start({.name = "alerts-kill", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto stub = (*stack)->Alerts();
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    auto r = Raise(*stub, {{"alertname", "PageTest"}, {"case", std::to_string(i)}});
    ASSERT_TRUE(r.ok()) << r.status();
    ids.push_back(OpenedIncident(*r));
  }
  (*stack)->KillService();
  ASSERT_TRUE((*stack)->StartService().ok());
  ASSERT_TRUE(testing::Await([&] {
    for (const std::string& id : ids) {
      if ((*stack)->Pages(id, "escalated").empty()) return false;
    }
    return true;
  }, absl::Seconds(30)));
  ASSERT_TRUE(testing::Await([&] { return (*stack)->PendingTimers() == 0; }, absl::Seconds(30)))
      << (*stack)->redis().Cli({"ZRANGE", "{sqms:alerts}:timers", "0", "5", "WITHSCORES"});
  for (const std::string& id : ids) {
    EXPECT_EQ((*stack)->Pages(id, "escalated").size(), 1u) << id;
  }
}

TEST(AlertsEscalationTest, TwoReplicasFireEachTimerOnce) {
  auto stack = AlertsStack::Start({.name = "alerts-replicas", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  ASSERT_TRUE((*stack)->StartService(1).ok());
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    auto stub = (*stack)->Alerts(i % 2);
    auto r = Raise(*stub, {{"alertname", "PageTest"}, {"case", std::to_string(i)}});
    ASSERT_TRUE(r.ok()) << r.status();
    ids.push_back(OpenedIncident(*r));
  }
  ASSERT_TRUE(testing::Await([&] { return (*stack)->PendingTimers() == 0; }, absl::Seconds(30)))
      << (*stack)->redis().Cli({"ZRANGE", "{sqms:alerts}:timers", "0", "5", "WITHSCORES"});
  std::set<std::string> deliveries;
  for (const std::string& id : ids) {
    EXPECT_EQ((*stack)->Pages(id, "triggered").size(), 1u) << id;
    EXPECT_EQ((*stack)->Pages(id, "escalated").size(), 1u) << id;
    for (const SinkRequest& r : (*stack)->Pages(id)) {
      EXPECT_TRUE(deliveries.insert(r.body.value("delivery_id", "")).second);
    }
  }
}

}  // namespace
}  // namespace sqms::alerts::it
