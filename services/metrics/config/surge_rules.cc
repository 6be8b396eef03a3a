#include "services/metrics/config/surge_rules.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/metrics/app/surge_monitor.h"
#include "services/metrics/domain/dimension.h"
#include "services/metrics/domain/kpi.h"

namespace sqms::metrics::config {
namespace {

using runtime::YamlReader;

absl::Status Text(const YamlReader& r, const YAML::Node& node, const std::string& path,
                  const char* key, std::string& into) {
  if (!node[key]) return absl::OkStatus();
  auto v = r.Scalar(node[key], YamlReader::Join(path, key));
  if (!v.ok()) return v.status();
  into = *v;
  return absl::OkStatus();
}

// A number in [lo, hi]; `above_lo` makes lo exclusive.
absl::Status Number(const YamlReader& r, const YAML::Node& node, const std::string& path,
                    const char* key, double lo, double hi, bool above_lo, double& into) {
  if (!node[key]) return absl::OkStatus();
  auto v = r.Number(node[key], YamlReader::Join(path, key));
  if (!v.ok()) return v.status();
  if ((above_lo ? *v <= lo : *v < lo) || *v > hi) {
    return r.Error(YamlReader::Join(path, key),
                   absl::StrCat("must be in ", above_lo ? "(" : "[", lo, ", ", hi, "]"));
  }
  into = *v;
  return absl::OkStatus();
}

absl::StatusOr<domain::SurgeRule> Rule(const YamlReader& r, const YAML::Node& node,
                                       const std::string& path,
                                       const std::array<absl::Duration, 6>& retention) {
  if (auto s = r.CheckMap(node, path, {"kpi", "dimension", "window", "weeks", "factor",
                                       "min_count"});
      !s.ok()) {
    return s;
  }
  if (auto s = r.Require(node, path, "kpi"); !s.ok()) return s;
  domain::SurgeRule rule;
  std::string window = "hour";
  for (absl::Status s : {Text(r, node, path, "kpi", rule.kpi),
                         Text(r, node, path, "dimension", rule.dimension),
                         Text(r, node, path, "window", window)}) {
    if (!s.ok()) return s;
  }
  const domain::KpiDefinition* kpi = domain::FindKpi(rule.kpi);
  if (kpi == nullptr) {
    return r.Error(YamlReader::Join(path, "kpi"), absl::StrCat("unknown KPI '", rule.kpi, "'"));
  }
  if (kpi->form != domain::Form::kCount) {
    return r.Error(YamlReader::Join(path, "kpi"),
                   absl::StrCat("'", rule.kpi, "' is not a count KPI"));
  }
  if (!domain::ParseDimension(rule.dimension)) {
    return r.Error(YamlReader::Join(path, "dimension"),
                   absl::StrCat("unknown dimension '", rule.dimension, "'"));
  }
  auto size = domain::ParseWindowSize(window);
  if (size != domain::WindowSize::kHour && size != domain::WindowSize::kDay) {
    return r.Error(YamlReader::Join(path, "window"), "must be hour or day");
  }
  rule.window = *size;
  double weeks = rule.weeks, min_count = static_cast<double>(rule.min_count);
  for (absl::Status s : {Number(r, node, path, "weeks", 1, 52, false, weeks),
                         Number(r, node, path, "factor", 1, 1000, true, rule.factor),
                         Number(r, node, path, "min_count", 1, 1e9, false, min_count)}) {
    if (!s.ok()) return s;
  }
  rule.weeks = static_cast<int>(weeks);
  rule.min_count = static_cast<int64_t>(min_count);
  if (absl::Hours(24 * 7) * rule.weeks > retention[static_cast<int>(rule.window)]) {
    return r.Error(YamlReader::Join(path, "weeks"),
                   absl::StrCat(rule.weeks, " weeks reach past retention.", window));
  }
  return rule;
}

}  // namespace

absl::StatusOr<std::vector<domain::SurgeRule>> LoadSurgeRules(
    const YamlReader& reader, const YAML::Node& node,
    const std::array<absl::Duration, 6>& retention) {
  std::vector<domain::SurgeRule> out;
  if (!node) return out;
  if (!node.IsSequence()) return reader.Error("surges", "must be a list");
  std::set<std::string> seen;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string path = YamlReader::Index("surges", i);
    auto rule = Rule(reader, node[i], path, retention);
    if (!rule.ok()) return rule.status();
    if (!seen.insert(app::SurgeMonitor::RuleId(*rule)).second) {
      return reader.Error(path, "the same rule is listed twice");
    }
    out.push_back(*std::move(rule));
  }
  return out;
}

}  // namespace sqms::metrics::config
