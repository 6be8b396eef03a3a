#pragma once
// Bounded cardinality per dimension (issue 8 §2): "Cardinality per dimension
// bounded by a documented limit; the excess folds into "other" and is
// counted."
//
// The rule, per input partition (docs/metrics.md, "Cardinality"):
//   - The dimensions whose values come from the events — department,
//     channel, category, region, station, agent, plan, level — each have a
//     limit (CardinalityLimits). The total and the time-of-day band are
//     bounded by construction and never fold.
//   - A partition admits a dimension's values in the order its records
//     bring them, up to the limit; an admitted value stays admitted. A
//     value met once the partition has admitted `limit` others is folded:
//     the event counts under "other" in that dimension (its other
//     dimensions unchanged) and the fold is counted.
//   - Not given (""), "unknown" and "other" itself are never admitted nor
//     folded: they do not use up the limit.
// The decision depends only on the partition's admitted set, which the
// consumer stores with every checkpoint, in the same atomic write as the
// counts (adapters/kpi_processor.h): a replay after a crash or a rebalance
// starts from the same set and decides every record the same way, so the
// counts stay exactly once. Raising a limit admits new values from then on;
// what was folded stays under "other".
//
// Pure; no locking (the caller owns the set, one per partition).

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "services/metrics/domain/dimension.h"
#include "services/metrics/domain/event.h"

namespace sqms::metrics::domain {

inline constexpr std::string_view kFoldedUnit = "other";

// "unknown" (kUnknownUnit: events without the value) and "other"
// (kFoldedUnit: values over the limit) are buckets of events, not units: they
// are counted and can be queried, but a ranking of units leaves them out (a
// bucket at the bottom would hide the worst unit).
bool IsBucketUnit(std::string_view unit);

// The dimensions that fold: department, channel, category, region, station,
// agent, plan, level.
std::span<const Dimension> FoldableDimensions();
bool IsFoldable(Dimension d);

// Distinct values admitted per partition, by Dimension (entries of the
// dimensions that do not fold are ignored). Defaults: 50 departments, 50
// channels, 100 categories, 100 regions, 200 stations, 500 agents, 100
// plans, 10 levels.
struct CardinalityLimits {
  std::array<size_t, kDimensionCount> max_values = {0, 50, 50, 100, 100, 200, 0, 500, 100, 10};
  size_t& operator[](Dimension d) { return max_values[static_cast<size_t>(d)]; }
  size_t operator[](Dimension d) const { return max_values[static_cast<size_t>(d)]; }
};

// The values one partition has admitted, by dimension.
class AdmittedValues {
 public:
  bool Contains(Dimension d, const std::string& value) const;
  size_t Count(Dimension d) const { return values_[static_cast<size_t>(d)].size(); }
  // Adds `value` (loading a stored set; FoldDimensions admits by itself).
  void Admit(Dimension d, std::string value);
  void Clear();

 private:
  std::array<absl::flat_hash_set<std::string>, kDimensionCount> values_;
};

struct FoldOutcome {
  std::vector<Dimension> folded;                             // counted under "other"
  std::vector<std::pair<Dimension, std::string>> admitted;   // newly admitted (to store)
};

// Applies the rule above to `dims` in place: each foldable dimension's
// value is kept (admitted before, or admitted now while the set has room)
// or replaced by "other". Updates `admitted`.
FoldOutcome FoldDimensions(Dimensions& dims, const CardinalityLimits& limits,
                           AdmittedValues& admitted);

// A stored entry of an admitted set, "<dimension>|<value>", and back
// (nullopt: not a foldable dimension or no '|').
std::string AdmittedField(Dimension d, std::string_view value);
std::optional<std::pair<Dimension, std::string>> ParseAdmittedField(std::string_view field);

}  // namespace sqms::metrics::domain
