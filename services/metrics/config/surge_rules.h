#pragma once
// The `surges:` section of metrics.yaml (domain/surge.h): each entry a count
// KPI, a dimension, an hour or day window, `weeks` of baseline, `factor`
// and `min_count`. Errors name the file and the key, e.g.
// "metrics.yaml: surges[0].kpi: 'answer_rate' is not a count KPI".

#include <array>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/metrics/domain/surge.h"
#include "sqms/runtime/yaml_reader.h"

namespace sqms::metrics::config {

// Reads `node` (absent: no rules). `retention` (by WindowSize) bounds
// `weeks`: the baseline must still be in the store.
absl::StatusOr<std::vector<domain::SurgeRule>> LoadSurgeRules(
    const runtime::YamlReader& reader, const YAML::Node& node,
    const std::array<absl::Duration, 6>& retention);

}  // namespace sqms::metrics::config
