#include "services/metrics/domain/ranking.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace sqms::metrics::domain {
namespace {

constexpr double kTieTolerance = 1e-9;

bool Tied(double x, double y) { return std::abs(x - y) <= kTieTolerance; }

absl::Status ValidateColumn(const RankingColumn& column, size_t n) {
  if (column.values.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("column \"", column.kpi, "\" has ",
                                                   column.values.size(), " values for ", n,
                                                   " units"));
  }
  if (!std::isfinite(column.weight) || column.weight < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("column \"", column.kpi, "\" has weight ", column.weight,
                     "; weights must be finite and >= 0"));
  }
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(column.values[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("column \"", column.kpi, "\" has no finite value for unit ", i));
    }
  }
  return absl::OkStatus();
}

absl::Status Validate(const RankingInput& input) {
  if (input.units.size() < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("ranking needs at least 2 units, got ", input.units.size()));
  }
  if (input.columns.empty()) return absl::InvalidArgumentError("ranking needs at least 1 column");
  double total = 0;
  for (const RankingColumn& column : input.columns) {
    if (absl::Status s = ValidateColumn(column, input.units.size()); !s.ok()) return s;
    total += column.weight;
  }
  if (total <= 0) return absl::InvalidArgumentError("ranking column weights are all 0");
  if (!std::is_sorted(input.tier_thresholds.begin(), input.tier_thresholds.end())) {
    return absl::InvalidArgumentError("ranking tier thresholds must be ascending");
  }
  return absl::OkStatus();
}

// Ranks 1..n with the best n; equal values share their average rank.
std::vector<double> AverageRanks(const std::vector<double>& values, Direction direction) {
  const size_t n = values.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  // Worst first, so the position in `order` + 1 is the rank.
  const auto worse = [&](size_t a, size_t b) {
    return direction == Direction::kHigherIsBetter ? values[a] < values[b] : values[a] > values[b];
  };
  std::stable_sort(order.begin(), order.end(), worse);
  std::vector<double> ranks(n);
  for (size_t k = 0; k < n;) {
    size_t l = k;
    while (l + 1 < n && values[order[l + 1]] == values[order[k]]) ++l;
    const double average = (static_cast<double>(k + 1) + static_cast<double>(l + 1)) / 2.0;
    for (size_t i = k; i <= l; ++i) ranks[order[i]] = average;
    k = l + 1;
  }
  return ranks;
}

// Min-max normalised to 0..1 with the best 1; a constant column gives
// everyone 1, as no unit is worse than another on it.
std::vector<double> Normalised(const std::vector<double>& values, Direction direction) {
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  const double min = *lo, max = *hi;
  std::vector<double> out(values.size(), 1.0);
  if (max == min) return out;
  for (size_t i = 0; i < values.size(); ++i) {
    out[i] = direction == Direction::kHigherIsBetter ? (values[i] - min) / (max - min)
                                                     : (max - values[i]) / (max - min);
  }
  return out;
}

// Units ascending by WRSR, cut into groups of tied values (each group a
// run of that order). Ties are found once, here, so that probits, order and
// positions agree even where equal sums differ in their last bits.
std::vector<std::vector<size_t>> TieGroups(const std::vector<double>& wrsr) {
  std::vector<size_t> order(wrsr.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return wrsr[a] < wrsr[b]; });
  std::vector<std::vector<size_t>> groups;
  for (size_t i : order) {
    if (groups.empty() || !Tied(wrsr[groups.back().front()], wrsr[i])) groups.emplace_back();
    groups.back().push_back(i);
  }
  return groups;
}

// The probit of each unit from its WRSR's cumulative frequency: a group of
// tied units at ascending positions k..l gets p = (k + l) / 2 / n, the top
// group 1 − 1/(4n) (p = 1 has no probit).
std::vector<double> Probits(const std::vector<std::vector<size_t>>& groups, size_t n) {
  std::vector<double> probits(n);
  size_t k = 1;
  for (size_t g = 0; g < groups.size(); ++g) {
    const size_t l = k + groups[g].size() - 1;
    double p = (static_cast<double>(k) + static_cast<double>(l)) / 2.0 / n;
    if (g + 1 == groups.size()) p = 1.0 - 1.0 / (4.0 * n);
    for (size_t i : groups[g]) probits[i] = 5.0 + InverseNormalCdf(p);
    k = l + 1;
  }
  return probits;
}

// Least squares y = a + b·x; with no spread in x, b = 0 and a = mean y.
std::pair<double, double> FitLine(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxx = 0, sxy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  const double b = sxx > 0 ? sxy / sxx : 0.0;
  return {my - b * mx, b};
}

int TierOf(double probit, const std::vector<double>& thresholds) {
  int tier = 1;
  for (double threshold : thresholds) {
    if (probit >= threshold) ++tier;
  }
  return tier;
}

// Ranks, RSR, WRSR and weighted score of every unit, in input order.
std::vector<RankedUnit> Score(const RankingInput& input) {
  const size_t n = input.units.size();
  const double m = static_cast<double>(input.columns.size());
  // Weights relative to the largest first, so that summing large finite
  // weights (1e308 + 1e308) cannot overflow to inf and turn every share to 0.
  double max_weight = 0;
  for (const RankingColumn& column : input.columns) {
    max_weight = std::max(max_weight, column.weight);
  }
  double total_share = 0;
  for (const RankingColumn& column : input.columns) total_share += column.weight / max_weight;
  std::vector<RankedUnit> units(n);
  for (size_t i = 0; i < n; ++i) units[i].unit = input.units[i];
  for (const RankingColumn& column : input.columns) {
    const double w = column.weight / max_weight / total_share;
    const std::vector<double> ranks = AverageRanks(column.values, column.direction);
    const std::vector<double> scores = Normalised(column.values, column.direction);
    for (size_t i = 0; i < n; ++i) {
      units[i].ranks.push_back(ranks[i]);
      units[i].rsr += ranks[i] / (m * n);
      units[i].wrsr += w * ranks[i] / n;
      units[i].weighted_score += w * scores[i];
    }
  }
  return units;
}

// Best first (tied units in input order), with positions (a tie shares
// the best one) and the bottom_n flagged (ties at the cut included).
std::vector<RankedUnit> Order(std::vector<RankedUnit> units,
                              const std::vector<std::vector<size_t>>& groups, int bottom_n) {
  const size_t n = units.size();
  const size_t flag_up_to = static_cast<size_t>(std::clamp(bottom_n, 0, static_cast<int>(n)));
  size_t k = 1;  // the group's first ascending position
  for (const std::vector<size_t>& group : groups) {
    const size_t l = k + group.size() - 1;
    for (size_t i : group) {
      units[i].position = static_cast<int>(n - l + 1);
      units[i].flagged = k <= flag_up_to;
    }
    k = l + 1;
  }
  std::vector<RankedUnit> out;
  out.reserve(n);
  for (auto g = groups.rbegin(); g != groups.rend(); ++g) {
    std::vector<size_t> members = *g;
    std::sort(members.begin(), members.end());
    for (size_t i : members) out.push_back(std::move(units[i]));
  }
  return out;
}

}  // namespace

double InverseNormalCdf(double p) {
  if (std::isnan(p) || p < 0 || p > 1) return std::numeric_limits<double>::quiet_NaN();
  if (p == 0) return -std::numeric_limits<double>::infinity();
  if (p == 1) return std::numeric_limits<double>::infinity();
  // Peter J. Acklam, "An algorithm for computing the inverse normal
  // cumulative distribution function" (2003): rational approximations with
  // relative error below 1.15e-9, then one Halley step on erfc to reach
  // full double precision.
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  double x;
  if (p < kLow || p > 1 - kLow) {
    const double q = std::sqrt(-2 * std::log(p < kLow ? p : 1 - p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    if (p > 1 - kLow) x = -x;
  } else {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2 * std::numbers::pi) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

absl::StatusOr<Ranking> Rank(const RankingInput& input) {
  if (absl::Status s = Validate(input); !s.ok()) return s;
  std::vector<RankedUnit> units = Score(input);
  std::vector<double> wrsr(units.size());
  for (size_t i = 0; i < units.size(); ++i) wrsr[i] = units[i].wrsr;
  const std::vector<std::vector<size_t>> groups = TieGroups(wrsr);
  const std::vector<double> probits = Probits(groups, units.size());
  Ranking ranking;
  std::tie(ranking.a, ranking.b) = FitLine(probits, wrsr);
  for (size_t i = 0; i < units.size(); ++i) {
    units[i].probit = probits[i];
    units[i].fitted = ranking.a + ranking.b * probits[i];
    units[i].tier = TierOf(probits[i], input.tier_thresholds);
  }
  ranking.units = Order(std::move(units), groups, input.bottom_n);
  return ranking;
}

}  // namespace sqms::metrics::domain
