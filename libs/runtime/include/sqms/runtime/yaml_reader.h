#pragma once
// Strict reading of a YAML document for configuration loaders: every error
// is INVALID_ARGUMENT "<file>: <key path>: <problem>", unknown keys are
// errors, and no yaml-cpp exception escapes (callers catch YAML::Exception
// around Load only). Not thread-safe; one reader per load.

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace sqms::runtime {

// "30m", "4h", "2d", "1h30m": whole numbers with units d (= `day`), h, m;
// positive. nullopt-like: returns false when malformed.
bool ParseDuration(std::string_view text, absl::Duration day, absl::Duration* out);
// "HH:MM" from 00:00 to 24:00 as an offset from midnight.
bool ParseClock(std::string_view text, absl::Duration* out);
// "YYYY-MM-DD", a real date.
bool ParseDate(std::string_view text, absl::CivilDay* out);

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  // INVALID_ARGUMENT "<file>: <path>: <problem>" (path omitted when empty).
  absl::Status Error(std::string_view path, std::string_view problem) const;

  // `node` must be a map whose keys are all in `allowed` (empty: any key).
  absl::Status CheckMap(const YAML::Node& node, const std::string& path,
                        std::initializer_list<std::string_view> allowed) const;
  // `key` must be present in map `node`.
  absl::Status Require(const YAML::Node& node, const std::string& path,
                       std::string_view key) const;
  absl::StatusOr<std::string> Scalar(const YAML::Node& node, const std::string& path) const;
  // A sequence of scalars (a single scalar is not accepted).
  absl::StatusOr<std::vector<std::string>> ScalarList(const YAML::Node& node,
                                                      const std::string& path) const;
  absl::StatusOr<absl::Duration> Duration(const YAML::Node& node, const std::string& path,
                                          absl::Duration day = absl::Hours(24)) const;
  absl::StatusOr<double> Number(const YAML::Node& node, const std::string& path) const;

  // Map keys of `node` in document order (node must be a map).
  static std::vector<std::string> Keys(const YAML::Node& node);
  static std::string Join(const std::string& path, std::string_view key);
  static std::string Index(const std::string& path, size_t i);

 private:
  std::string file_;
};

}  // namespace sqms::runtime
