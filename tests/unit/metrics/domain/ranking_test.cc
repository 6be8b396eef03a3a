#include "services/metrics/domain/ranking.h"

#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sqms::metrics::domain {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr Direction kHigher = Direction::kHigherIsBetter;
constexpr Direction kLower = Direction::kLowerIsBetter;

const RankedUnit& Find(const Ranking& r, std::string_view unit) {
  for (const RankedUnit& u : r.units) {
    if (u.unit == unit) return u;
  }
  ADD_FAILURE() << "no unit " << unit;
  return r.units.front();
}

std::vector<std::string> Order(const Ranking& r) {
  std::vector<std::string> names;
  for (const RankedUnit& u : r.units) names.push_back(u.unit);
  return names;
}

TEST(InverseNormalCdfTest, KnownQuantiles) {
  EXPECT_DOUBLE_EQ(InverseNormalCdf(0.5), 0.0);
  EXPECT_NEAR(InverseNormalCdf(0.975), 1.959963984540054, 1e-12);
  EXPECT_NEAR(InverseNormalCdf(0.95), 1.6448536269514722, 1e-12);
  EXPECT_NEAR(InverseNormalCdf(0.2), -0.8416212335729143, 1e-12);
  EXPECT_NEAR(InverseNormalCdf(0.99), 2.3263478740408408, 1e-12);  // upper tail branch
  EXPECT_NEAR(InverseNormalCdf(0.001), -3.090232306167813, 1e-12);  // lower tail branch
  EXPECT_NEAR(InverseNormalCdf(1e-10), -6.361340902404056, 1e-9);
  for (double p : {0.01, 0.02425, 0.1, 0.3, 0.7, 0.9, 0.97575}) {
    EXPECT_NEAR(InverseNormalCdf(p), -InverseNormalCdf(1 - p), 1e-12) << p;  // symmetry
  }
  // Round trip through Φ across the documented range.
  for (double p = 0.001; p < 0.999; p += 0.0137) {
    EXPECT_NEAR(0.5 * std::erfc(-InverseNormalCdf(p) / std::sqrt(2.0)), p, 1e-15) << p;
  }
  EXPECT_EQ(InverseNormalCdf(0), -INFINITY);
  EXPECT_EQ(InverseNormalCdf(1), INFINITY);
  EXPECT_TRUE(std::isnan(InverseNormalCdf(1.5)));
  EXPECT_TRUE(std::isnan(InverseNormalCdf(-0.1)));
}

// A published worked example: the `rank_sum_ratio` reference page of the R
// package "mathmodels" by zhjx19 (Examples section), https://rdrr.io/github/
// zhjx19/mathmodels/man/rank_sum_ratio.html (source: docs/reference/
// rank_sum_ratio.md in github.com/zhjx19/mathmodels). Three units, two
// higher-is-better indicators weighted 0.4 / 0.6; its printed results
// (rounded as printed there):
//   unit  WRSR   Probit  RSRfit
//   A     0.333  4.57    0.339
//   C     0.667  5.43    0.656
//   B     1      6.38    1.01
//   regression: intercept −1.3389, slope 0.3673.
TEST(RankTest, ReproducesThePublishedMathmodelsExample) {
  RankingInput input;
  input.units = {"A", "B", "C"};
  input.columns = {{"X1", kHigher, 0.4, {10, 20, 15}}, {"X2", kHigher, 0.6, {5, 10, 8}}};
  const absl::StatusOr<Ranking> r = Rank(input);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NEAR(r->a, -1.3389, 5e-5);
  EXPECT_NEAR(r->b, 0.3673, 5e-5);
  EXPECT_THAT(Order(*r), ElementsAre("B", "C", "A"));
  EXPECT_THAT(Find(*r, "A").ranks, ElementsAre(1, 1));
  EXPECT_THAT(Find(*r, "B").ranks, ElementsAre(3, 3));
  EXPECT_THAT(Find(*r, "C").ranks, ElementsAre(2, 2));
  EXPECT_NEAR(Find(*r, "A").wrsr, 0.333, 5e-4);
  EXPECT_NEAR(Find(*r, "C").wrsr, 0.667, 5e-4);
  EXPECT_NEAR(Find(*r, "B").wrsr, 1.0, 1e-12);
  EXPECT_NEAR(Find(*r, "A").probit, 4.57, 5e-3);
  EXPECT_NEAR(Find(*r, "C").probit, 5.43, 5e-3);
  EXPECT_NEAR(Find(*r, "B").probit, 6.38, 5e-3);
  EXPECT_NEAR(Find(*r, "A").fitted, 0.339, 5e-4);
  EXPECT_NEAR(Find(*r, "C").fitted, 0.656, 5e-4);
  EXPECT_NEAR(Find(*r, "B").fitted, 1.01, 5e-3);
}

// No published example with ties and unequal weights was found; this one
// is computed by hand. Five stations, two KPIs:
//
//   station  answer_rate (higher, w 2)  mean_resolution_h (lower, w 1)
//   north    95 → rank 5                50 → rank 1
//   east     92 → rank 4                30 → rank 3
//   south    90 → rank 3                40 → rank 2
//   west     88 → rank 2                20 → rank 4
//   central  85 → rank 1                10 → rank 5
//
// Weights normalised: 2/3, 1/3. WRSR = (2/3·R1 + 1/3·R2) / 5 = (2R1 + R2) / 15:
//   north 11/15, east 11/15, south 8/15, west 8/15, central 7/15.
// RSR = (R1 + R2) / (2·5): north .6, east .7, south .5, west .6, central .6.
// Weighted score (min-max, best 1): answer (v − 85)/10, resolution (50 − v)/40:
//   north 2/3·1 + 1/3·0 = .666667, east 2/3·.7 + 1/3·.5 = .633333,
//   south 2/3·.5 + 1/3·.25 = .416667, west 2/3·.3 + 1/3·.75 = .45,
//   central 2/3·0 + 1/3·1 = .333333.
// Cumulative frequency by distinct WRSR, ascending positions:
//   central   pos 1     p = 1/5            = .2   probit 5 + Φ⁻¹(.2)  = 4.158379
//   south/west pos 2–3  p = (2+3)/2/5      = .5   probit 5
//   north/east pos 4–5  top: 1 − 1/(4·5)   = .95  probit 5 + Φ⁻¹(.95) = 6.644854
// Least squares over the five units: mean probit 5.489617, mean WRSR .6,
//   Sxx = 4.920788, Sxy = .550844, b = Sxy/Sxx = .111942,
//   a = .6 − .111942 · 5.489617 = −.014520.
// Fitted: central .450978, south/west .545191, north/east .729320.
// Tiers at probit 4.5 and 6: central 1, south/west 2, north/east 3.
RankingInput HandExample() {
  RankingInput input;
  input.units = {"north", "east", "south", "west", "central"};
  input.columns = {{"answer_rate", kHigher, 2.0, {95, 92, 90, 88, 85}},
                   {"mean_resolution_time", kLower, 1.0, {50, 30, 40, 20, 10}}};
  input.tier_thresholds = {4.5, 6.0};
  input.bottom_n = 2;
  return input;
}

TEST(RankTest, HandExampleRanksAndRatios) {
  const absl::StatusOr<Ranking> r = Rank(HandExample());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Find(*r, "north").ranks, ElementsAre(5, 1));
  EXPECT_THAT(Find(*r, "central").ranks, ElementsAre(1, 5));
  EXPECT_NEAR(Find(*r, "north").wrsr, 11.0 / 15, 1e-12);
  EXPECT_NEAR(Find(*r, "east").wrsr, 11.0 / 15, 1e-12);
  EXPECT_NEAR(Find(*r, "south").wrsr, 8.0 / 15, 1e-12);
  EXPECT_NEAR(Find(*r, "west").wrsr, 8.0 / 15, 1e-12);
  EXPECT_NEAR(Find(*r, "central").wrsr, 7.0 / 15, 1e-12);
  EXPECT_NEAR(Find(*r, "north").rsr, 0.6, 1e-12);
  EXPECT_NEAR(Find(*r, "east").rsr, 0.7, 1e-12);
  EXPECT_NEAR(Find(*r, "south").rsr, 0.5, 1e-12);
  EXPECT_NEAR(Find(*r, "north").weighted_score, 2.0 / 3, 1e-12);
  EXPECT_NEAR(Find(*r, "east").weighted_score, 0.633333, 1e-6);
  EXPECT_NEAR(Find(*r, "south").weighted_score, 0.416667, 1e-6);
  EXPECT_NEAR(Find(*r, "west").weighted_score, 0.45, 1e-12);
  EXPECT_NEAR(Find(*r, "central").weighted_score, 1.0 / 3, 1e-12);
}

// 1e308 + 1e308 overflows to inf: summed as they are, such weights once
// made every share 0 and every unit tie.
TEST(RankTest, HugeWeightsRankAsTheirRatio) {
  RankingInput small = HandExample();
  RankingInput huge = HandExample();
  for (size_t j = 0; j < huge.columns.size(); ++j) {
    huge.columns[j].weight = small.columns[j].weight / 2 * 1.7e308;  // sum: inf
  }
  const absl::StatusOr<Ranking> a = Rank(small);
  const absl::StatusOr<Ranking> b = Rank(huge);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(Order(*b), Order(*a));
  for (const RankedUnit& u : a->units) {
    EXPECT_NEAR(Find(*b, u.unit).wrsr, u.wrsr, 1e-12) << u.unit;
    EXPECT_NEAR(Find(*b, u.unit).weighted_score, u.weighted_score, 1e-12) << u.unit;
  }
}

TEST(RankTest, HandExampleProbitRegressionAndTiers) {
  const absl::StatusOr<Ranking> r = Rank(HandExample());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NEAR(Find(*r, "central").probit, 4.158379, 1e-6);
  EXPECT_NEAR(Find(*r, "south").probit, 5.0, 1e-9);
  EXPECT_NEAR(Find(*r, "west").probit, 5.0, 1e-9);
  EXPECT_NEAR(Find(*r, "north").probit, 6.644854, 1e-6);
  EXPECT_NEAR(Find(*r, "east").probit, 6.644854, 1e-6);
  EXPECT_NEAR(r->b, 0.111942, 1e-6);
  EXPECT_NEAR(r->a, -0.014520, 1e-6);
  EXPECT_NEAR(Find(*r, "central").fitted, 0.450978, 1e-6);
  EXPECT_NEAR(Find(*r, "west").fitted, 0.545191, 1e-6);
  EXPECT_NEAR(Find(*r, "north").fitted, 0.729320, 1e-6);
  EXPECT_EQ(Find(*r, "central").tier, 1);
  EXPECT_EQ(Find(*r, "south").tier, 2);
  EXPECT_EQ(Find(*r, "west").tier, 2);
  EXPECT_EQ(Find(*r, "north").tier, 3);
  EXPECT_EQ(Find(*r, "east").tier, 3);
}

TEST(RankTest, HandExamplePositionsAndFlags) {
  const absl::StatusOr<Ranking> r = Rank(HandExample());
  ASSERT_TRUE(r.ok()) << r.status();
  // Best first; tied units keep their input order and share a position.
  EXPECT_THAT(Order(*r), ElementsAre("north", "east", "south", "west", "central"));
  EXPECT_EQ(Find(*r, "north").position, 1);
  EXPECT_EQ(Find(*r, "east").position, 1);
  EXPECT_EQ(Find(*r, "south").position, 3);
  EXPECT_EQ(Find(*r, "west").position, 3);
  EXPECT_EQ(Find(*r, "central").position, 5);
  // bottom_n = 2 cuts between south and west, who tie: both are flagged.
  EXPECT_FALSE(Find(*r, "north").flagged);
  EXPECT_FALSE(Find(*r, "east").flagged);
  EXPECT_TRUE(Find(*r, "south").flagged);
  EXPECT_TRUE(Find(*r, "west").flagged);
  EXPECT_TRUE(Find(*r, "central").flagged);
}

TEST(RankTest, EqualValuesShareTheirAverageRank) {
  RankingInput input;
  input.units = {"a", "b", "c", "d"};
  input.columns = {{"reopen_rate", kLower, 1, {2.0, 5.0, 2.0, 1.0}}};
  const absl::StatusOr<Ranking> r = Rank(input);
  ASSERT_TRUE(r.ok()) << r.status();
  // Lower is better: d (1.0) gets 4, a and c (2.0) share (2 + 3) / 2, b gets 1.
  EXPECT_THAT(Find(*r, "d").ranks, ElementsAre(4));
  EXPECT_THAT(Find(*r, "a").ranks, ElementsAre(2.5));
  EXPECT_THAT(Find(*r, "c").ranks, ElementsAre(2.5));
  EXPECT_THAT(Find(*r, "b").ranks, ElementsAre(1));
}

TEST(RankTest, AConstantColumnCountsOneForEveryone) {
  RankingInput input;
  input.units = {"a", "b"};
  input.columns = {{"csat", kHigher, 1, {80, 90}}, {"sla_breaches", kLower, 1, {3, 3}}};
  const absl::StatusOr<Ranking> r = Rank(input);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NEAR(Find(*r, "a").weighted_score, 0.5 * 0 + 0.5 * 1, 1e-12);
  EXPECT_NEAR(Find(*r, "b").weighted_score, 0.5 * 1 + 0.5 * 1, 1e-12);
  EXPECT_THAT(Find(*r, "a").ranks, ElementsAre(1, 1.5));
}

TEST(RankTest, WhenEveryUnitTiesTheLineIsFlat) {
  RankingInput input;
  input.units = {"a", "b", "c"};
  input.columns = {{"csat", kHigher, 1, {80, 80, 80}}};
  input.bottom_n = 1;
  const absl::StatusOr<Ranking> r = Rank(input);
  ASSERT_TRUE(r.ok()) << r.status();
  // One group at the top: p = 1 − 1/12 for all; b = 0, a = WRSR = 2/3.
  EXPECT_EQ(r->b, 0);
  EXPECT_NEAR(r->a, 2.0 / 3, 1e-12);
  for (const RankedUnit& u : r->units) {
    EXPECT_EQ(u.position, 1);
    EXPECT_TRUE(u.flagged);  // all tie with the one flagged
    EXPECT_NEAR(u.fitted, 2.0 / 3, 1e-12);
  }
}

std::vector<std::string> Flagged(const RankingInput& input) {
  const absl::StatusOr<Ranking> r = Rank(input);
  EXPECT_TRUE(r.ok()) << r.status();
  std::vector<std::string> flagged;
  if (!r.ok()) return flagged;
  for (const RankedUnit& u : r->units) {
    if (u.flagged) flagged.push_back(u.unit);
  }
  return flagged;
}

TEST(RankTest, BottomNZeroFlagsNobodyAndTooLargeFlagsEveryone) {
  RankingInput input = HandExample();
  input.bottom_n = 0;
  EXPECT_THAT(Flagged(input), ElementsAre());
  input.bottom_n = 99;
  EXPECT_THAT(Flagged(input), ElementsAre("north", "east", "south", "west", "central"));
  input.bottom_n = 1;
  EXPECT_THAT(Flagged(input), ElementsAre("central"));
}

TEST(RankTest, DefaultTiersArePoorMiddleGood) {
  RankingInput input = HandExample();
  input.tier_thresholds = RankingInput().tier_thresholds;  // {4, 6}
  const absl::StatusOr<Ranking> r = Rank(input);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Find(*r, "central").tier, 2);  // probit 4.16
  EXPECT_EQ(Find(*r, "north").tier, 3);    // probit 6.64
}

absl::Status RankError(const RankingInput& input) { return Rank(input).status(); }

TEST(RankValidationTest, RejectsWhatCannotBeRanked) {
  RankingInput one;
  one.units = {"a"};
  one.columns = {{"csat", kHigher, 1, {1}}};
  EXPECT_EQ(RankError(one).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(RankError(one).message(), HasSubstr("at least 2 units"));

  RankingInput none = HandExample();
  none.columns.clear();
  EXPECT_THAT(RankError(none).message(), HasSubstr("at least 1 column"));

  RankingInput short_column = HandExample();
  short_column.columns[1].values.pop_back();
  EXPECT_EQ(RankError(short_column).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(RankError(short_column).message(),
              HasSubstr("\"mean_resolution_time\" has 4 values for 5 units"));

  RankingInput negative = HandExample();
  negative.columns[0].weight = -1;
  EXPECT_THAT(RankError(negative).message(), HasSubstr("\"answer_rate\" has weight -1"));

  RankingInput zero = HandExample();
  zero.columns[0].weight = 0;
  zero.columns[1].weight = 0;
  EXPECT_THAT(RankError(zero).message(), HasSubstr("weights are all 0"));

  RankingInput nan = HandExample();
  nan.columns[0].values[2] = NAN;
  EXPECT_THAT(RankError(nan).message(), HasSubstr("no finite value for unit 2"));

  RankingInput thresholds = HandExample();
  thresholds.tier_thresholds = {6, 4};
  EXPECT_THAT(RankError(thresholds).message(), HasSubstr("ascending"));
}

}  // namespace
}  // namespace sqms::metrics::domain
