// KpiQueries::Rank over a stub store: what is ranked. (The ranking's
// arithmetic — RSR, weights, tiers: domain/ranking_test.cc.)

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "services/metrics/app/kpi_queries.h"
#include "tests/support/fake_clock.h"
#include "tests/unit/metrics/app/stub_kpi_reader.h"

namespace sqms::metrics {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

TEST(KpiRankingTest, TheUnknownAndOtherBucketsAreNeverRankedNorFlagged) {
  sqms::testing::FakeClock clock(absl::FromUnixSeconds(1'796'191'200));
  testing::StubKpiReader reader;
  const domain::Window today =
      domain::WindowOf(clock.Now(), domain::WindowSize::kDay, absl::UTCTimeZone());
  // Answer rates: a 90 %, b 80 %, c 85 %; the buckets far worse.
  for (const auto& [unit, answered] : {std::pair<std::string, int>{"a", 90}, {"b", 80}, {"c", 85},
                                       {"unknown", 10}, {"other", 5}}) {
    reader.Set(today, unit, domain::Counter::kCallsOffered, 100);
    reader.Set(today, unit, domain::Counter::kCallsAnswered, answered);
    reader.Set(today, unit, domain::Counter::kCallsAbandoned, 100 - answered);
  }
  app::KpiQueries queries(reader, clock, app::QueryConfig{});
  app::RankRequest request;
  request.period.size = domain::WindowSize::kDay;
  request.dimension = "department";
  request.kpis = {{"answer_rate", 1.0}};
  request.bottom_n = 1;
  auto ranked = queries.Rank(request);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  std::vector<std::string> order, flagged;
  for (const domain::RankedUnit& u : ranked->ranking.units) {
    order.push_back(u.unit);
    if (u.flagged) flagged.push_back(u.unit);
  }
  EXPECT_THAT(order, ElementsAre("a", "c", "b"));
  EXPECT_THAT(flagged, ElementsAre("b")) << "the worst unit, not a bucket";
  EXPECT_THAT(ranked->excluded, UnorderedElementsAre("unknown", "other"));
}

TEST(KpiRankingTest, APeriodWithFewerThanTwoRankableUnitsIsAFailedPrecondition) {
  sqms::testing::FakeClock clock(absl::FromUnixSeconds(1'796'191'200));
  testing::StubKpiReader reader;
  const domain::Window today =
      domain::WindowOf(clock.Now(), domain::WindowSize::kDay, absl::UTCTimeZone());
  reader.Set(today, "a", domain::Counter::kCallsOffered, 10);
  reader.Set(today, "unknown", domain::Counter::kCallsOffered, 10);  // a bucket, no unit
  app::KpiQueries queries(reader, clock, app::QueryConfig{});
  app::RankRequest request;
  request.period.size = domain::WindowSize::kDay;
  request.dimension = "department";
  request.kpis = {{"answer_rate", 1.0}};
  auto ranked = queries.Rank(request);
  // The request is valid (docs/api.md: INVALID_ARGUMENT is for input to fix).
  EXPECT_EQ(ranked.status().code(), absl::StatusCode::kFailedPrecondition) << ranked.status();
}

}  // namespace
}  // namespace sqms::metrics
