#pragma once
// Private to config/: typed reads of alerts.yaml's values on top of the
// runtime's strict YamlReader. Each read returns INVALID_ARGUMENT
// "<file>: <path>.<key>: <problem>" (the reader's format) or fills `into`;
// an optional key that is absent leaves `into` as it was.

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/alerts/domain/labels.h"
#include "services/alerts/domain/plan.h"
#include "sqms/runtime/yaml_reader.h"

namespace sqms::alerts::config {

// "30s", "5m", "1h30m", "2d" (whole numbers; d/h/m/s) or "0". The runtime's
// durations are d/h/m and positive; tests and drills need seconds and
// ack_expiry needs 0.
bool ParseSpan(std::string_view text, absl::Duration* out);

// One matcher in Alertmanager's syntax: label op "value" (op = != =~ !~;
// the value quoted with \" and \\ escapes, or bare), e.g.
// alertname="complaint_submitted". The error says what is wrong.
absl::StatusOr<domain::Matcher> ParseMatcher(std::string_view text);

class YamlValues {
 public:
  explicit YamlValues(const runtime::YamlReader& r) : r_(r) {}

  // Each element of the list `node` (absent: none) with its path "path[i]".
  absl::Status List(
      const YAML::Node& node, const std::string& path,
      absl::FunctionRef<absl::Status(const YAML::Node&, const std::string&)> each) const;

  // Required `id`: [a-z0-9][a-z0-9-]*, not already in `seen` (added to it).
  absl::Status Id(const YAML::Node& map, const std::string& path, std::set<std::string>& seen,
                  std::string& into) const;
  absl::Status Text(const YAML::Node& map, const std::string& path, const char* key,
                    std::string& into, bool required = false) const;
  absl::Status Int(const YAML::Node& map, const std::string& path, const char* key, int lo, int hi,
                   int& into, bool required) const;
  // Optional; any whole number an int holds — for values whose bounds
  // domain::ValidatePlan checks (a trigger's count, a step's minutes, …).
  absl::Status Whole(const YAML::Node& map, const std::string& path, const char* key,
                     int& into) const;
  absl::Status Positive(const YAML::Node& map, const std::string& path, const char* key,
                        double& into) const;
  absl::Status Bool(const YAML::Node& map, const std::string& path, const char* key,
                    bool& into) const;
  absl::Status Span(const YAML::Node& map, const std::string& path, const char* key,
                    absl::Duration& into, bool allow_zero) const;
  absl::Status Date(const YAML::Node& map, const std::string& path, const char* key,
                    absl::CivilDay& into) const;  // required
  absl::Status Clock(const YAML::Node& map, const std::string& path, const char* key,
                     int& minute_of_day) const;
  absl::Status Url(const YAML::Node& map, const std::string& path, const char* key,
                   std::string& into) const;  // required, http(s)://
  // A list of non-empty names; `required`: present and not empty.
  absl::Status Names(const YAML::Node& map, const std::string& path, const char* key,
                     std::vector<std::string>& into, bool required) const;
  absl::Status LabelNames(const YAML::Node& map, const std::string& path, const char* key,
                          std::vector<std::string>& into) const;
  // `headers`: {Name: value | {file: path} | {env: NAME}}.
  absl::Status Headers(const YAML::Node& map, const std::string& path,
                       std::vector<std::pair<std::string, std::string>>& into) const;
  // A non-empty list of matcher strings.
  absl::StatusOr<std::vector<domain::Matcher>> Matchers(const YAML::Node& node,
                                                        const std::string& path) const;

  // A plan's parts, parsed only: their limits and references (a count, a
  // step's expected_minutes, "rotation:<id>", target ids) are left to
  // domain::ValidatePlan, the one check UpsertPlan applies too.
  absl::StatusOr<domain::Trigger> Trigger(const YAML::Node& node, const std::string& path) const;
  absl::StatusOr<domain::Step> Step(const YAML::Node& node, const std::string& path) const;
  absl::StatusOr<domain::Tier> Tier(const YAML::Node& node, const std::string& path) const;

 private:
  absl::StatusOr<std::string> HeaderValue(const YAML::Node& node, const std::string& path) const;

  const runtime::YamlReader& r_;
};

}  // namespace sqms::alerts::config
