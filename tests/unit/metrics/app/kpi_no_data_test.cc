// KpiQueries over a stub store: no sample, no value (docs/kpis.md). A
// window not begun has no value; the open window's scheduled base is the
// time elapsed so far; system reliability of a unit that counted nothing
// has no value, and such a unit is neither ranked nor monitored.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "services/metrics/app/kpi_queries.h"
#include "services/metrics/app/target_monitor.h"
#include "tests/support/fake_clock.h"
#include "tests/support/metrics/in_memory_target_store.h"
#include "tests/unit/metrics/app/stub_kpi_reader.h"

namespace sqms::metrics {
namespace {

using domain::Counter;
using domain::WindowSize;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::Optional;

constexpr int64_t kScheduledPerDay = 4 * 86400;  // the default 4 platforms × 24 h

class KpiNoDataTest : public ::testing::Test {
 protected:
  // 2026-12-02T06:00Z; the default config's zone is UTC.
  KpiNoDataTest() : clock_(absl::FromUnixSeconds(1'796'191'200)), queries_(reader_, clock_, {}) {}

  domain::Window Day(int days_from_today) const {
    return domain::WindowOf(clock_.Now() + absl::Hours(24 * days_from_today), WindowSize::kDay,
                            absl::UTCTimeZone());
  }
  domain::KpiValue Get(const std::string& kpi, const domain::Window& day,
                       const std::string& dimension = "", const std::string& unit = "") {
    app::KpiRequest request;
    request.kpi = kpi;
    request.period = {WindowSize::kDay, domain::WindowLabel(day, absl::UTCTimeZone())};
    request.dimension = dimension;
    request.unit = unit;
    auto r = queries_.Get(request);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->value : domain::KpiValue{};
  }

  sqms::testing::FakeClock clock_;
  testing::StubKpiReader reader_;
  app::KpiQueries queries_;
};

TEST_F(KpiNoDataTest, AUnitThatCountedNothingHasNoReliability) {
  const domain::Window yesterday = Day(-1);
  reader_.Set(yesterday, "calls-only", Counter::kCallsOffered, 3);
  reader_.Set(yesterday, "down", Counter::kOutageSeconds, 3456);

  const domain::KpiValue never_seen = Get("system_reliability", yesterday, "department", "nobody");
  EXPECT_EQ(never_seen.value, std::nullopt);
  EXPECT_EQ(never_seen.denominator, 0);
  EXPECT_THAT(Get("system_reliability", yesterday, "department", "calls-only").value,
              Optional(100.0))
      << "events but no outage: fully reliable";
  EXPECT_THAT(Get("system_reliability", yesterday, "department", "down").value,
              Optional(DoubleNear(99.0, 1e-9)));
  const domain::KpiValue total = Get("system_reliability", Day(-2));
  EXPECT_THAT(total.value, Optional(100.0)) << "the total is defined with or without events";
  EXPECT_EQ(total.denominator, kScheduledPerDay);
}

// Hours are kept 90 days after their end: an hour 95 days back is gone
// from Redis. It must not read as 0 complaints and 100 % reliability (the
// hour had a 30-minute outage and 12 complaints); asked by its label, it is
// refused naming the retention; in a range or an evaluation, no value.
TEST_F(KpiNoDataTest, AWindowPastItsRetentionIsRefusedOrHasNoValue) {
  app::QueryConfig config;
  config.retention[static_cast<int>(WindowSize::kHour)] = absl::Hours(24 * 90);
  app::KpiQueries queries(reader_, clock_, config);
  const domain::Window gone =
      domain::WindowOf(clock_.Now() - absl::Hours(24 * 95), WindowSize::kHour, absl::UTCTimeZone());
  const domain::Window kept =
      domain::WindowOf(clock_.Now() - absl::Hours(24 * 85), WindowSize::kHour, absl::UTCTimeZone());
  for (const domain::Window& w : {gone, kept}) {
    reader_.Set(w, "all", Counter::kComplaints, 12);
  }
  app::KpiRequest request;
  request.kpi = "system_reliability";
  request.period = {WindowSize::kHour, domain::WindowLabel(gone, absl::UTCTimeZone())};
  auto refused = queries.Get(request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()),
              ::testing::HasSubstr("older than hour windows are kept"));
  const ports::WindowAggregate stored =
      reader_.Read({gone}, domain::Dimension::kTotal, false)->front();
  for (const char* kpi : {"system_reliability", "complaint_volume"}) {
    EXPECT_EQ(app::UnitValue(config, *domain::FindKpi(kpi), gone, clock_.Now(),
                             domain::Dimension::kTotal, "all", stored)
                  .value,
              std::nullopt)
        << kpi;
  }
  request.period.label = domain::WindowLabel(kept, absl::UTCTimeZone());
  request.kpi = "complaint_volume";
  auto still = queries.Get(request);
  ASSERT_TRUE(still.ok()) << still.status();
  EXPECT_THAT(still->value.value, Optional(12.0)) << "a window still kept reads as before";
}

TEST_F(KpiNoDataTest, AWindowNotBegunHasNoValueForAnyKpi) {
  const domain::Window tomorrow = Day(1);
  for (const char* kpi : {"system_reliability", "complaint_volume", "sla_breaches"}) {
    const domain::KpiValue v = Get(kpi, tomorrow);
    EXPECT_EQ(v.value, std::nullopt) << kpi;
    EXPECT_EQ(v.denominator, 0) << kpi;
  }
  EXPECT_THAT(Get("complaint_volume", Day(0)).value, Optional(0.0)) << "a begun window counts";
}

TEST_F(KpiNoDataTest, TheOpenWindowsScheduledTimeIsTheTimeElapsed) {
  reader_.Set(Day(0), "all", Counter::kOutageSeconds, 864);
  const domain::KpiValue today = Get("system_reliability", Day(0));
  EXPECT_EQ(today.denominator, 4 * 6 * 3600) << "6 of 24 hours elapsed";
  EXPECT_THAT(today.value, Optional(DoubleNear(99.0, 1e-9)));
  EXPECT_EQ(Get("system_reliability", Day(-1)).denominator, kScheduledPerDay);
}

TEST_F(KpiNoDataTest, AUnitThatCountedNothingIsNotRankedOnReliability) {
  const domain::Window today = Day(0);
  reader_.Set(today, "a", Counter::kOutageSeconds, 60);
  reader_.Set(today, "b", Counter::kOutageSeconds, 600);
  reader_.Set(today, "empty", Counter::kOutageSeconds, 0);  // a cell with nothing counted
  app::RankRequest request;
  request.period.size = WindowSize::kDay;
  request.dimension = "department";
  request.kpis = {{"system_reliability", 1.0}};
  auto ranked = queries_.Rank(request);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  std::vector<std::string> order;
  for (const domain::RankedUnit& u : ranked->ranking.units) order.push_back(u.unit);
  EXPECT_THAT(order, ElementsAre("a", "b"));
  EXPECT_THAT(ranked->excluded, ElementsAre("empty"));
}

TEST_F(KpiNoDataTest, AUnitThatCountedNothingNeitherBreachesNorRecovers) {
  testing::InMemoryTargetStore store;
  domain::Target target;
  target.kpi = "system_reliability";
  target.dimension = "department";
  target.window = WindowSize::kDay;
  target.threshold = 99.9;
  target.min_sample = 0;
  target.hysteresis = 0;
  target.consecutive_misses = 3;
  app::TargetMonitor monitor(reader_, store, clock_, {target}, app::QueryConfig{});
  reader_.Set(Day(0), "down", Counter::kOutageSeconds, 3600);
  ASSERT_EQ(*monitor.EvaluateOnce(), 1);  // breached
  clock_.Advance(absl::Hours(24));        // a new day in which "down" counted nothing yet
  ASSERT_TRUE(monitor.EvaluateOnce().ok());
  ASSERT_EQ(store.published().size(), 1u) << "no recovery on no data";
  EXPECT_EQ(store.published()[0].type, ports::TargetEventType::kBreached);
}

}  // namespace
}  // namespace sqms::metrics
