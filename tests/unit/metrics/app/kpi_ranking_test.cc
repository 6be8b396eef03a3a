// KpiQueries::Rank over a stub store: what is ranked. (The ranking's
// arithmetic — RSR, weights, tiers: domain/ranking_test.cc.)

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

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

// A station with five calls, all but one abandoned, has the worst answer
// rate — on too few calls to tell: not ranked, so not flagged, unless the
// request lowers the minimum.
TEST(KpiRankingTest, AUnitWithASampleBelowTheMinimumIsNeitherRankedNorFlagged) {
  sqms::testing::FakeClock clock(absl::FromUnixSeconds(1'796'191'200));
  testing::StubKpiReader reader;
  const domain::Window today =
      domain::WindowOf(clock.Now(), domain::WindowSize::kDay, absl::UTCTimeZone());
  for (const auto& [unit, offered, answered] :
       {std::tuple<std::string, int, int>{"a", 100, 90}, {"b", 30, 24}, {"tiny", 5, 1}}) {
    reader.Set(today, unit, domain::Counter::kCallsOffered, offered);
    reader.Set(today, unit, domain::Counter::kCallsAnswered, answered);
    reader.Set(today, unit, domain::Counter::kCallsAbandoned, offered - answered);
  }
  app::KpiQueries queries(reader, clock, app::QueryConfig{});
  app::RankRequest request;
  request.period.size = domain::WindowSize::kDay;
  request.dimension = "department";
  request.kpis = {{"answer_rate", 1.0}};
  auto order = [&](const app::RankRequest& r, std::vector<std::string>* flagged) {
    auto ranked = queries.Rank(r);
    EXPECT_TRUE(ranked.ok()) << ranked.status();
    std::vector<std::string> out;
    if (!ranked.ok()) return out;
    for (const domain::RankedUnit& u : ranked->ranking.units) {
      out.push_back(u.unit);
      if (u.flagged) flagged->push_back(u.unit);
    }
    return out;
  };
  std::vector<std::string> flagged;
  EXPECT_EQ(request.min_sample, 30) << "the targets' default";
  EXPECT_THAT(order(request, &flagged), ElementsAre("a", "b")) << "b's 30 calls are enough";
  EXPECT_THAT(flagged, ElementsAre("b"));
  EXPECT_THAT(queries.Rank(request)->excluded, ElementsAre("tiny"));

  request.min_sample = 0;
  flagged.clear();
  EXPECT_THAT(order(request, &flagged), ElementsAre("a", "b", "tiny"));
  EXPECT_THAT(flagged, ElementsAre("tiny"));
}

// Ranked on answer rate and complaint volume: "few" has 12 complaints,
// which is good, not a sample too small — it is ranked, and best on volume.
TEST(KpiRankingTest, ACountIsNoSampleAndFewIsRankedAsBest) {
  sqms::testing::FakeClock clock(absl::FromUnixSeconds(1'796'191'200));
  testing::StubKpiReader reader;
  const domain::Window today =
      domain::WindowOf(clock.Now(), domain::WindowSize::kDay, absl::UTCTimeZone());
  for (const auto& [unit, complaints] :
       {std::pair<std::string, int>{"few", 12}, {"many", 80}, {"most", 95}}) {
    reader.Set(today, unit, domain::Counter::kCallsOffered, 100);
    reader.Set(today, unit, domain::Counter::kCallsAnswered, 90);
    reader.Set(today, unit, domain::Counter::kCallsAbandoned, 10);
    reader.Set(today, unit, domain::Counter::kComplaints, complaints);
  }
  app::KpiQueries queries(reader, clock, app::QueryConfig{});
  app::RankRequest request;
  request.period.size = domain::WindowSize::kDay;
  request.dimension = "department";
  request.kpis = {{"answer_rate", 0.5}, {"complaint_volume", 0.5}};
  auto ranked = queries.Rank(request);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  EXPECT_TRUE(ranked->excluded.empty());
  ASSERT_EQ(ranked->ranking.units.size(), 3u);
  EXPECT_EQ(ranked->ranking.units.front().unit, "few");
  EXPECT_TRUE(ranked->ranking.units.back().flagged);
  EXPECT_EQ(ranked->ranking.units.back().unit, "most");
}

TEST(KpiRankingTest, ANegativeMinimumSampleNamesTheField) {
  sqms::testing::FakeClock clock(absl::FromUnixSeconds(1'796'191'200));
  testing::StubKpiReader reader;
  app::KpiQueries queries(reader, clock, app::QueryConfig{});
  app::RankRequest request;
  request.period.size = domain::WindowSize::kDay;
  request.dimension = "department";
  request.kpis = {{"answer_rate", 1.0}};
  request.min_sample = -1;
  auto ranked = queries.Rank(request);
  EXPECT_EQ(ranked.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ranked.status().message()), ::testing::HasSubstr("min_sample"));
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
