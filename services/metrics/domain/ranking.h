#pragma once
// Ranking units (departments, stations) on several KPIs at once:
// a weighted score and the rank-sum ratio method (RSR, 秩和比法).
//
// RSR (Tian Fengdiao 田凤调): with n units and m KPIs, rank each KPI's
// values 1..n (the best gets n: largest for higher-is-better, smallest for
// lower-is-better; ties get their average rank). RSR_i = Σ_j R_ij / (m·n);
// the weighted form WRSR_i = Σ_j w_j·R_ij / n with Σ w_j = 1. Grading: sort
// by (W)RSR, give each distinct value its cumulative frequency (average
// position / n, the last corrected to 1 − 1/(4n)), its probit = 5 + Φ⁻¹(p),
// fit (W)RSR = a + b·probit by least squares, and grade by probit
// thresholds (tiers below).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/metrics/domain/kpi.h"

namespace sqms::metrics::domain {

struct RankingColumn {
  std::string kpi;              // a name, for messages
  Direction direction = Direction::kHigherIsBetter;
  double weight = 1.0;          // relative; normalised to sum 1
  std::vector<double> values;   // one per unit, same order as RankingInput::units
};

struct RankingInput {
  std::vector<std::string> units;
  std::vector<RankingColumn> columns;
  // How many of the worst are flagged (clamped to 0..n). Units tied with
  // the last one flagged are flagged too, so ties never split arbitrarily.
  int bottom_n = 1;
  // Probit thresholds between tiers, ascending; tiers are numbered from 1
  // (worst). Default: three tiers at probit 4 and 6 (the usual
  // "poor / middle / good" grading).
  std::vector<double> tier_thresholds = {4.0, 6.0};
};

struct RankedUnit {
  std::string unit;
  std::vector<double> ranks;    // per column, 1..n, ties averaged
  double rsr = 0;               // unweighted
  double wrsr = 0;              // weighted
  double weighted_score = 0;    // Σ w_j·(value normalised to 0..1, best = 1)
  double probit = 0;
  double fitted = 0;            // a + b·probit
  int tier = 0;                 // 1 = worst
  int position = 0;             // 1 = best, by wrsr (ties: same position)
  bool flagged = false;         // among the bottom_n
};

struct Ranking {
  std::vector<RankedUnit> units;  // best first
  double a = 0, b = 0;            // the regression
};

// INVALID_ARGUMENT naming the problem: fewer than 2 units, no column, a
// column whose value count differs from the units', a value that is not
// finite, a weight < 0 (or not finite) or all 0, tier thresholds not
// ascending.
//
// Details: WRSR values equal within 1e-9 count as tied (sums of weighted
// ranks differ in the last bits); the regression has one point per unit;
// when every unit ties, b = 0 and a = their WRSR.
absl::StatusOr<Ranking> Rank(const RankingInput& input);

// Φ⁻¹, the standard normal quantile, for 0 < p < 1, exact to within the
// rounding of p (within 1e-12 for 0.001 <= p <= 0.999); −∞ / +∞ at 0 / 1,
// NaN outside [0, 1].
double InverseNormalCdf(double p);

}  // namespace sqms::metrics::domain
