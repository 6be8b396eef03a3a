#pragma once
// The alerts use cases wired on InMemoryAlertStore and a FakeClock, with
// the plans the app tests read as specifications:
//
//   safety   complaint_submitted + category=safety, grouped by station;
//            steps "Confirm on site" (5 min), "Report" (30 min);
//            tier 0: user:first via sink+robot, ack 5 min, 1 repeat;
//            tier 1: user:second via sink, ack 10 min; ack_expiry 30 min.
//   answer   AnswerRateLow, 3 within 10 min per department (counting);
//            one tier, no repeats (the chain ends at once).
//   outage   SqmsDown, grouped by station; inhibits complaint_submitted of
//            the same station.
//   manual   Manual, auto_resolve off.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/alerts/app/alert_processor.h"
#include "services/alerts/app/catalog.h"
#include "services/alerts/app/escalator.h"
#include "services/alerts/app/incident_commands.h"
#include "sqms/runtime/field_violation.h"
#include "tests/support/alerts/in_memory_alert_store.h"
#include "tests/support/fake_clock.h"

namespace sqms::alerts::app::testing {

// 2026-05-28 20:26:40 UTC, a Thursday.
inline const absl::Time kT0 = absl::FromUnixSeconds(1780000000);

inline domain::Matcher M(const std::string& label, const std::string& op,
                         const std::string& value) {
  auto m = domain::Matcher::Make(label, op, value);
  EXPECT_TRUE(m.ok()) << m.status();
  return *m;
}

inline domain::Tier MakeTier(std::vector<std::string> notify, std::vector<std::string> targets,
                             absl::Duration ack_timeout, int repeats) {
  domain::Tier t;
  t.notify = std::move(notify);
  t.targets = std::move(targets);
  t.ack_timeout = ack_timeout;
  t.repeats = repeats;
  return t;
}

inline domain::Plan MakePlan(const std::string& id, std::vector<domain::Matcher> matchers,
                             std::vector<std::string> group_by) {
  domain::Plan p;
  p.id = id;
  p.name = absl::StrCat("Plan ", id);
  p.risk_id = "test-risk";
  p.level = domain::ResponseLevel::kII;
  domain::Trigger trigger;
  trigger.matchers = std::move(matchers);
  p.triggers.push_back(std::move(trigger));
  p.group_by = std::move(group_by);
  p.escalation.push_back(MakeTier({"user:first"}, {"sink"}, absl::Minutes(5), 0));
  return p;
}

inline CatalogData TestCatalog() {
  CatalogData c;
  c.zone = absl::UTCTimeZone();
  domain::Plan safety = MakePlan(
      "safety", {M("alertname", "=", "complaint_submitted"), M("category", "=", "safety")},
      {"station"});
  safety.steps = {{"Confirm on site", "duty-manager", 5}, {"Report", "duty-manager", 30}};
  safety.escalation = {MakeTier({"user:first"}, {"sink", "robot"}, absl::Minutes(5), 1),
                       MakeTier({"user:second"}, {"sink"}, absl::Minutes(10), 0)};
  safety.ack_expiry = absl::Minutes(30);

  domain::Plan answer = MakePlan("answer", {M("alertname", "=", "AnswerRateLow")}, {"department"});
  answer.triggers[0].count = 3;
  answer.triggers[0].within = absl::Minutes(10);

  domain::Plan outage = MakePlan("outage", {M("alertname", "=", "SqmsDown")}, {"station"});
  outage.outage = true;

  domain::Plan manual = MakePlan("manual", {M("alertname", "=", "Manual")}, {});
  manual.auto_resolve = false;

  c.plans = {safety, answer, outage, manual};
  domain::InhibitRule rule;
  rule.source = {M("alertname", "=", "SqmsDown")};
  rule.target = {M("alertname", "=", "complaint_submitted")};
  rule.equal = {"station"};
  c.inhibit_rules = {rule};
  return c;
}

// TestCatalog() with the risk and the targets its plans name, as a loaded
// config file has them. PlanChanges validates plans against the catalog's
// ids (a catalog without them knows no risk or target): tests that change
// plans through it use this one.
inline CatalogData ConfiguredCatalog() {
  CatalogData c = TestCatalog();
  c.risks = {{.id = "test-risk", .name = "Test risk", .probability = 3, .impact = 4}};
  for (const char* id : {"sink", "robot"}) {
    notify::Target t;
    t.id = id;
    c.targets.push_back(t);
  }
  return c;
}

class RecordingAlertStats final : public AlertStats {
 public:
  void Received(const std::string& source) override { received.push_back(source); }
  void Decided(Outcome outcome) override { decided.push_back(outcome); }
  std::vector<std::string> received;
  std::vector<Outcome> decided;
};

class RecordingIncidentStats final : public IncidentStats {
 public:
  void Acknowledged(const ports::Incident& incident) override { acknowledged.push_back(incident.id); }
  void Resolved(const ports::Incident& incident) override { resolved.push_back(incident.id); }
  std::vector<std::string> acknowledged;
  std::vector<std::string> resolved;
};

class AlertsAppTest : public ::testing::Test {
 protected:
  AlertsAppTest() : AlertsAppTest(TestCatalog()) {}
  // With `catalog` in place of TestCatalog(), e.g. ConfiguredCatalog().
  explicit AlertsAppTest(CatalogData catalog)
      : catalog_(std::move(catalog)),
        processor_(store_, catalog_, clock_, alert_stats_, incident_stats_, [this] { ++wakes_; }),
        commands_(store_, catalog_, clock_, incident_stats_, [this] { ++wakes_; }),
        escalator_(store_, catalog_, clock_, [this] { ++wakes_; }) {}

  // A firing complaint alert of plan "safety" at `station`.
  domain::Alert Safety(const std::string& id, const std::string& station,
                       const std::string& complaint) const {
    domain::Alert a;
    a.id = id;
    a.source = "complaints";
    a.labels = {{"alertname", "complaint_submitted"}, {"category", "safety"},
                {"station", station}, {"complaint_id", complaint}};
    a.at = clock_.Now();
    return a;
  }
  static domain::Alert Resolved(domain::Alert alert, const std::string& id) {
    alert.id = id;
    alert.firing = false;
    return alert;
  }
  static domain::Alert WithLabels(const std::string& id, domain::Labels labels, absl::Time at) {
    domain::Alert a;
    a.id = id;
    a.source = "api";
    a.labels = std::move(labels);
    a.at = at;
    return a;
  }

  ProcessResult Process(const domain::Alert& alert) {
    auto r = processor_.Process(alert);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *std::move(r) : ProcessResult{};
  }
  // The one decision of `alert` (it matches exactly one plan).
  Decision Decide(const domain::Alert& alert) {
    ProcessResult r = Process(alert);
    EXPECT_EQ(r.decisions.size(), 1u);
    return r.decisions.empty() ? Decision{} : r.decisions[0];
  }
  // Opens a safety incident at `station`; its id.
  std::string OpenSafety(const std::string& station = "S1") {
    Decision d = Decide(Safety(absl::StrCat("open-", station), station, "c-1"));
    EXPECT_EQ(d.outcome, Outcome::kOpened);
    return d.incident_id;
  }

  ports::Incident Incident(const std::string& id) {
    auto i = commands_.Get(id);
    EXPECT_TRUE(i.ok()) << i.status();
    return i.ok() ? *std::move(i) : ports::Incident{};
  }
  std::vector<ports::Delivery> Deliveries(const std::string& id) {
    auto d = commands_.Deliveries(Incident(id));
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? *std::move(d) : std::vector<ports::Delivery>{};
  }
  // What the dispatcher does first with each pending delivery of `id`:
  // claims it (a page of a triggered incident goes out; one of an
  // incident no longer triggered is cancelled).
  void ClaimPending(const std::string& id) {
    for (const ports::Delivery& d : Deliveries(id)) {
      if (d.status != "pending") continue;
      auto claim = store_.ClaimDelivery(d.id, clock_.Now());
      EXPECT_TRUE(claim.ok()) << claim.status();
    }
  }
  // (kind, tier, target) of each delivery of `id`, in order.
  std::vector<std::string> Pages(const std::string& id) {
    std::vector<std::string> out;
    for (const ports::Delivery& d : Deliveries(id)) {
      out.push_back(absl::StrCat(d.kind, " ", d.tier, ".", d.repeat, " ", d.target));
    }
    return out;
  }
  // Every timer but the deliveries' (esc|, ackx|, quiet|, muted|, unmute|),
  // id → due.
  std::map<std::string, absl::Time> IncidentTimers() const {
    std::map<std::string, absl::Time> out;
    for (const auto& [id, due] : store_.Timers()) {
      if (!id.starts_with("dlv|")) out.emplace(id, due);
    }
    return out;
  }

  // One pass of the durable timers over the timers due now but dlv| (esc|,
  // ackx|, quiet|; muted| and unmute| to the processor), as
  // runtime::DurableTimers runs them: OK removes the timer unless the
  // handler re-scheduled it. Returns how many fired.
  int FireDueTimers() {
    int fired = 0;
    for (const auto& [id, due] : IncidentTimers()) {
      if (due > clock_.Now()) continue;
      absl::Status s =
          AlertProcessor::IsMutedTimer(id) ? processor_.OnTimer(id) : escalator_.OnTimer(id);
      EXPECT_TRUE(s.ok()) << id << ": " << s;
      if (s.ok()) store_.CompleteTimer(id, due);
      ++fired;
    }
    return fired;
  }

  CommandContext Ctx(const std::string& request_id, const std::string& actor = "alice") const {
    return {actor, request_id};
  }

  static std::vector<std::string> Fields(const absl::Status& status) {
    std::vector<std::string> out;
    for (const auto& v : runtime::FieldViolations(status)) out.push_back(v.field);
    return out;
  }

  sqms::testing::FakeClock clock_{kT0};
  alerts::testing::InMemoryAlertStore store_;
  Catalog catalog_;
  RecordingAlertStats alert_stats_;
  RecordingIncidentStats incident_stats_;
  int wakes_ = 0;
  AlertProcessor processor_;
  IncidentCommands commands_;
  Escalator escalator_;
};

}  // namespace sqms::alerts::app::testing
