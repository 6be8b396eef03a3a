#pragma once
// The `cardinality:` section of metrics.yaml (domain/cardinality.h): per
// dimension with values from the events, how many distinct values each
// input partition admits before the excess folds into "other", e.g.
//   cardinality: {department: 50, station: 200, agent: 500}
// Dimensions left out keep their default (CardinalityLimits). Errors name
// the file and the key, e.g.
// "metrics.yaml: cardinality.band: 'band' does not fold (department, …)".

#include "absl/status/statusor.h"
#include "services/metrics/domain/cardinality.h"
#include "sqms/runtime/yaml_reader.h"

namespace sqms::metrics::config {

inline constexpr double kMaxCardinality = 100000;

// Reads `node` (absent: the defaults). Each value an integer in
// 1..kMaxCardinality.
absl::StatusOr<domain::CardinalityLimits> LoadCardinalityLimits(const runtime::YamlReader& reader,
                                                                const YAML::Node& node);

}  // namespace sqms::metrics::config
