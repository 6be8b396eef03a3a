// sqms-metrics consuming sqms.incidents.v1 against real Redis and devkafka:
// MTTA and MTTR per plan and level, drills apart, each incident counted
// once however often its changes arrive or it is acknowledged, and outage
// incidents' downtime in system reliability, clipped to each day.

#include <gtest/gtest.h>

#include <functional>

#include "absl/time/civil_time.h"
#include "tests/integration/metrics/metrics_stack.h"
#include "tests/support/service_client.h"

namespace sqms::metrics::it {
namespace {

using testing::Await;

// The stack's reliability platforms: the handbook's four, outages of
// "call-platform" (the incidents' service label) from incidents.
constexpr const char* kReliability =
    "reliability:\n"
    "  platforms:\n"
    "    - {id: call-platform, outages_from: incidents}\n"
    "    - {id: backbone_network, outages_from: contact}\n"
    "    - {id: business_support, outages_from: contact}\n"
    "    - {id: regional_system, outages_from: contact}\n";
constexpr int64_t kScheduledPerDay = 4 * 24 * 3600;

google::protobuf::Timestamp Ts(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

mv1::GetKpiRequest Get(const std::string& kpi, absl::Time day, const std::string& dimension = "",
                       const std::string& unit = "", bool drill = false) {
  mv1::GetKpiRequest r;
  r.set_kpi(kpi);
  r.mutable_period()->set_size(mv1::WINDOW_SIZE_DAY);
  r.mutable_period()->set_label(DayLabel(day));
  if (!dimension.empty()) {
    r.set_dimension(dimension);
    r.set_unit(unit);
  }
  r.set_drill(drill);
  return r;
}

// Awaits GetKpi answering a value that satisfies `done`, and returns it.
mv1::KpiValue AwaitKpi(MetricsStack& stack, const mv1::GetKpiRequest& request,
                       const std::function<bool(const mv1::KpiValue&)>& done) {
  mv1::KpiValue last;
  Await([&] {
    mv1::KpiValue v;
    if (!stack.Metrics()->GetKpi(Ctx().get(), request, &v).ok()) return false;
    last = v;
    return done(v);
  }, absl::Seconds(30), absl::Milliseconds(100));
  return last;
}

mv1::KpiValue KpiNow(MetricsStack& stack, const mv1::GetKpiRequest& request) {
  mv1::KpiValue v;
  grpc::Status s = stack.Metrics()->GetKpi(Ctx().get(), request, &v);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return v;
}

// One incident's changes, each carrying the incident after it.
class IncidentScript {
 public:
  IncidentScript(std::string id, std::string plan, std::string level, absl::Time opened,
                 bool outage = false, bool drill = false)
      : id_(std::move(id)), plan_(std::move(plan)), level_(std::move(level)), opened_(opened),
        outage_(outage), drill_(drill) {}

  ev::IncidentEvent Opened() { return Change(ev::INCIDENT_EVENT_TYPE_OPENED, opened_); }
  ev::IncidentEvent Acknowledged(absl::Time at) {
    acknowledged_ = at;
    return Change(ev::INCIDENT_EVENT_TYPE_ACKNOWLEDGED, at);
  }
  // An ack expiry: back to triggered, escalated to the next tier.
  ev::IncidentEvent Escalated(absl::Time at) { return Change(ev::INCIDENT_EVENT_TYPE_ESCALATED, at); }
  ev::IncidentEvent Resolved(absl::Time at) {
    resolved_ = at;
    return Change(ev::INCIDENT_EVENT_TYPE_RESOLVED, at);
  }

 private:
  ev::IncidentEvent Change(ev::IncidentEventType type, absl::Time at) {
    ev::IncidentEvent e = Incident(id_, type, at, plan_, level_, opened_);
    e.set_outage(outage_);
    e.set_drill(drill_);
    (*e.mutable_labels())["station"] = "beijing-south";
    if (outage_) (*e.mutable_labels())["service"] = "call-platform";
    if (acknowledged_) *e.mutable_acknowledged_at() = Ts(*acknowledged_);
    if (resolved_) *e.mutable_resolved_at() = Ts(*resolved_);
    return e;
  }
  std::string id_, plan_, level_;
  absl::Time opened_;
  bool outage_, drill_;
  std::optional<absl::Time> acknowledged_, resolved_;
};

class MetricsIncidentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stack = MetricsStack::Start({.name = "metrics-incidents", .extra_config = kReliability});
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
  }
  std::unique_ptr<MetricsStack> stack_;
};

TEST_F(MetricsIncidentTest, MttaMttrPerPlanAndLevelDrillsApartAndOutagesInReliability) {
  const std::string text = stack_->ScrapeMetrics();
  for (const char* series :
       {"sqms_metrics_events_total{outcome=\"counted\",topic=\"sqms.incidents.v1\"} 0",
        "sqms_metrics_events_total{outcome=\"unparsed\",topic=\"sqms.incidents.v1\"} 0",
        "sqms_kpi_counter_total{counter=\"acknowledge_seconds\",department=\"unknown\"} 0",
        "sqms_kpi_counter_total{counter=\"incidents_resolved\",department=\"other\"} 0"}) {
    EXPECT_NE(text.find(series), std::string::npos) << series;
  }

  const absl::Time day = DayStart();
  // A: a platform outage 10:00–11:00, acknowledged after 5 min; the ack
  // expires, it escalates and is acknowledged again at 10:40. Its ack and
  // resolution are delivered twice with the same ce_id (the dedup window)
  // and once more with a new one (beyond it): each counts once.
  IncidentScript a("inc-a", "platform-outage", "I", day + absl::Hours(10), /*outage=*/true);
  const ev::IncidentEvent a_opened = a.Opened();  // each change carries the incident as it was then
  const ev::IncidentEvent a_ack = a.Acknowledged(day + absl::Hours(10) + absl::Minutes(5));
  ev::IncidentEvent a_ack_again = a_ack;
  a_ack_again.set_event_id("iev-a-ack-republished");
  const ev::IncidentEvent a_expired = a.Escalated(day + absl::Hours(10) + absl::Minutes(35));
  const ev::IncidentEvent a_reack = a.Acknowledged(day + absl::Hours(10) + absl::Minutes(40));
  const ev::IncidentEvent a_resolved = a.Resolved(day + absl::Hours(11));
  ev::IncidentEvent a_resolved_again = a_resolved;
  a_resolved_again.set_event_id("iev-a-resolved-republished");
  // B: level II, acknowledged after 10 min, resolved after 2 h; no outage.
  IncidentScript b("inc-b", "p1-sla-breach", "II", day + absl::Hours(14));
  // C: a drill of the outage plan: its own figures, no downtime.
  IncidentScript c("inc-c", "platform-outage", "I", day + absl::Hours(12), true, /*drill=*/true);
  // D: an outage from 23:50 the day before to 00:20, resolved without an ack.
  IncidentScript d("inc-d", "platform-outage", "I", day - absl::Minutes(10), /*outage=*/true);

  ASSERT_TRUE(stack_->Produce({d.Opened(), d.Resolved(day + absl::Minutes(20))}).ok());
  ASSERT_TRUE(stack_->Produce({b.Opened(), b.Acknowledged(day + absl::Hours(14) + absl::Minutes(10)),
                               b.Resolved(day + absl::Hours(16))}).ok());
  ASSERT_TRUE(stack_->Produce({c.Opened(), c.Acknowledged(day + absl::Hours(12) + absl::Minutes(1)),
                               c.Resolved(day + absl::Hours(12) + absl::Minutes(30))}).ok());
  ASSERT_TRUE(stack_->Produce({a_opened, a_ack, a_ack, a_ack_again, a_expired, a_reack,
                               a_resolved, a_resolved, a_resolved_again}).ok());
  // E: an outage incident of a service that is no reliability platform,
  // 13:00–13:30: no downtime for the KPI. On A's partition, before the
  // sentinel below.
  IncidentScript e("inc-e", "service-down", "IV", day + absl::Hours(13), /*outage=*/true);
  std::vector<ev::IncidentEvent> e_changes = {e.Opened(), e.Resolved(day + absl::Hours(13) +
                                                                     absl::Minutes(30))};
  for (ev::IncidentEvent& change : e_changes) (*change.mutable_labels())["service"] = "sqms-alerts";
  ASSERT_TRUE(stack_->Produce(e_changes, "inc-a").ok());
  // A sentinel on A's partition: once it is counted, everything of A before
  // it was processed and checkpointed.
  IncidentScript sentinel("inc-sentinel", "sentinel", "IV", day + absl::Hours(18));
  ASSERT_TRUE(stack_->Produce({sentinel.Acknowledged(day + absl::Hours(18) + absl::Seconds(30))},
                              "inc-a").ok());
  AwaitKpi(*stack_, Get("mtta", day, "plan", "sentinel"),
           [](const mv1::KpiValue& v) { return v.denominator() == 1; });
  // B is on another partition than the sentinel: await its ack and its
  // resolution too (level II has B alone).
  for (const char* kpi : {"mtta", "mttr"}) {
    AwaitKpi(*stack_, Get(kpi, day, "level", "II"),
             [](const mv1::KpiValue& v) { return v.denominator() == 1; });
  }

  // MTTA: A's first ack (300 s), B (600 s); the sentinel (30 s) is level IV.
  const mv1::KpiValue mtta_outage = KpiNow(*stack_, Get("mtta", day, "plan", "platform-outage"));
  EXPECT_EQ(mtta_outage.denominator(), 1) << "A acknowledged once, D never; C is a drill";
  EXPECT_EQ(mtta_outage.numerator(), 300);
  EXPECT_DOUBLE_EQ(mtta_outage.value(), 300.0);
  const mv1::KpiValue mtta_level_2 = KpiNow(*stack_, Get("mtta", day, "level", "II"));
  EXPECT_EQ(mtta_level_2.denominator(), 1);
  EXPECT_DOUBLE_EQ(mtta_level_2.value(), 600.0);
  const mv1::KpiValue mtta_level_1 = KpiNow(*stack_, Get("mtta", day, "level", "I"));
  EXPECT_EQ(mtta_level_1.denominator(), 1);
  EXPECT_DOUBLE_EQ(mtta_level_1.value(), 300.0);
  const mv1::KpiValue mtta = AwaitKpi(*stack_, Get("mtta", day),
                                      [](const mv1::KpiValue& v) { return v.denominator() >= 3; });
  EXPECT_EQ(mtta.denominator(), 3);
  EXPECT_EQ(mtta.numerator(), 300 + 600 + 30);

  // MTTR: A 3600 s, B 7200 s, D 1800 s (counted on the day it was
  // resolved), E 1800 s.
  const mv1::KpiValue mttr = AwaitKpi(*stack_, Get("mttr", day),
                                      [](const mv1::KpiValue& v) { return v.denominator() >= 4; });
  EXPECT_EQ(mttr.denominator(), 4);
  EXPECT_EQ(mttr.numerator(), 3600 + 7200 + 1800 + 1800);
  EXPECT_DOUBLE_EQ(mttr.value(), 3600.0);
  const mv1::KpiValue mttr_outage = KpiNow(*stack_, Get("mttr", day, "plan", "platform-outage"));
  EXPECT_EQ(mttr_outage.denominator(), 2);
  EXPECT_DOUBLE_EQ(mttr_outage.value(), 2700.0);

  // Drills apart: only C, and only with the drill flag.
  const mv1::KpiValue drill_mtta = AwaitKpi(*stack_, Get("mtta", day, "", "", /*drill=*/true),
                                            [](const mv1::KpiValue& v) { return v.denominator() >= 1; });
  EXPECT_EQ(drill_mtta.denominator(), 1);
  EXPECT_DOUBLE_EQ(drill_mtta.value(), 60.0);
  const mv1::KpiValue drill_mttr = KpiNow(*stack_, Get("mttr", day, "plan", "platform-outage", true));
  EXPECT_EQ(drill_mttr.denominator(), 1);
  EXPECT_DOUBLE_EQ(drill_mttr.value(), 1800.0);

  // Reliability: A's hour and D's 20 minutes after midnight on the day;
  // D's first 10 minutes on the day before; the drill and E add nothing.
  const mv1::KpiValue reliability = AwaitKpi(
      *stack_, Get("system_reliability", day), [](const mv1::KpiValue& v) { return v.numerator() >= 4800; });
  EXPECT_EQ(reliability.numerator(), 3600 + 1200);
  EXPECT_EQ(reliability.denominator(), kScheduledPerDay);
  EXPECT_NEAR(reliability.value(), 100.0 * (1 - 4800.0 / kScheduledPerDay), 1e-9);
  const mv1::KpiValue by_station =
      KpiNow(*stack_, Get("system_reliability", day, "station", "beijing-south"));
  EXPECT_EQ(by_station.numerator(), 4800);
  const mv1::KpiValue day_before = AwaitKpi(*stack_, Get("system_reliability", day - absl::Hours(24)),
                                            [](const mv1::KpiValue& v) { return v.numerator() >= 600; });
  EXPECT_EQ(day_before.numerator(), 600);
  const mv1::KpiValue drill_reliability =
      KpiNow(*stack_, Get("system_reliability", day, "", "", /*drill=*/true));
  EXPECT_EQ(drill_reliability.numerator(), 0);
}

TEST_F(MetricsIncidentTest, MarksSurviveARestartSoARedeliveredResolutionCountsOnce) {
  const absl::Time day = DayStart();
  IncidentScript a("inc-restart", "platform-outage", "I", day + absl::Hours(9), /*outage=*/true);
  const ev::IncidentEvent opened = a.Opened();
  const ev::IncidentEvent acked = a.Acknowledged(day + absl::Hours(9) + absl::Minutes(2));
  const ev::IncidentEvent resolved = a.Resolved(day + absl::Hours(9) + absl::Minutes(30));
  ASSERT_TRUE(stack_->Produce({opened, acked, resolved}).ok());
  AwaitKpi(*stack_, Get("mttr", day), [](const mv1::KpiValue& v) { return v.denominator() >= 1; });
  ASSERT_EQ(stack_->StopService(), 0);
  ASSERT_TRUE(stack_->StartService().ok());
  // Published again (a new ce_id) after the restart, then a sentinel behind it.
  ev::IncidentEvent again = resolved;
  again.set_event_id("iev-restart-republished");
  IncidentScript sentinel("inc-sentinel-2", "sentinel", "IV", day + absl::Hours(18));
  ASSERT_TRUE(stack_->Produce({again}).ok());
  ASSERT_TRUE(stack_->Produce({sentinel.Resolved(day + absl::Hours(18) + absl::Minutes(1))},
                              "inc-restart").ok());
  AwaitKpi(*stack_, Get("mttr", day, "plan", "sentinel"),
           [](const mv1::KpiValue& v) { return v.denominator() == 1; });
  const mv1::KpiValue mttr = KpiNow(*stack_, Get("mttr", day, "plan", "platform-outage"));
  EXPECT_EQ(mttr.denominator(), 1);
  EXPECT_EQ(mttr.numerator(), 1800);
  EXPECT_EQ(KpiNow(*stack_, Get("system_reliability", day)).numerator(), 1800);
  EXPECT_EQ(KpiNow(*stack_, Get("mtta", day)).denominator(), 1);
}

}  // namespace
}  // namespace sqms::metrics::it
