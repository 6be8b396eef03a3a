#include "services/metrics/config/cardinality_limits.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace sqms::metrics::config {

using runtime::YamlReader;

absl::StatusOr<domain::CardinalityLimits> LoadCardinalityLimits(const YamlReader& r,
                                                                const YAML::Node& node) {
  domain::CardinalityLimits out;
  if (!node) return out;
  if (auto s = r.CheckMap(node, "cardinality", {}); !s.ok()) return s;
  for (const std::string& key : YamlReader::Keys(node)) {
    const std::string path = YamlReader::Join("cardinality", key);
    const std::optional<domain::Dimension> d = domain::ParseDimension(key);
    if (!d || !domain::IsFoldable(*d)) {
      std::vector<std::string> names;
      for (domain::Dimension f : domain::FoldableDimensions()) {
        names.emplace_back(domain::DimensionName(f));
      }
      return r.Error(path, absl::StrCat("'", key, "' is not a dimension with a limit (",
                                        absl::StrJoin(names, ", "), ")"));
    }
    auto n = r.Number(node[key], path);
    if (!n.ok()) return n.status();
    if (*n < 1 || *n > kMaxCardinality || std::floor(*n) != *n) {
      return r.Error(path, absl::StrCat("must be a whole number in 1..", kMaxCardinality));
    }
    out[*d] = static_cast<size_t>(*n);
  }
  return out;
}

}  // namespace sqms::metrics::config
