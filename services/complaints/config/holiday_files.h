#pragma once
// Public holidays, one file per year (calendar.holiday_files in the triage
// config). Governments publish each year's holidays and make-up working days
// (调休) late in the year before; a new year is a new file beside the config,
// never an edit of last year's. Format (services/complaints/config/holidays-2026.yaml):
//
//   year: 2026
//   holidays: [2026-01-01, ...]   # closed all day
//   workdays: [2026-01-04, ...]   # open with Monday's hours (optional)
//
// Every date must fall in `year`; a day cannot be both. Thread-safe (no
// shared state). Never throws.

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace sqms::complaints::config {

struct HolidayYear {
  int year = 0;
  std::set<absl::CivilDay> holidays;
  std::set<absl::CivilDay> workdays;
};

// Validates the content of the holiday file at `path` (named in errors):
// INVALID_ARGUMENT "<path>: <key path>: <problem>" for bad content (e.g.
// "holidays-2027.yaml: holidays[3]: 2026-12-31 is not in 2027").
absl::StatusOr<HolidayYear> ParseHolidayFile(const std::string& content, const std::string& path);

// `name` relative to the directory of `config_path` (absolute names as is):
// holiday files live beside the config, also in a Kubernetes ConfigMap.
std::string ResolveBeside(const std::string& config_path, const std::string& name);

// The version recorded with every triage decision: a hash of the config's
// content and of every holiday file it lists, so a changed holiday file is a
// new version and is hot-reloaded like the config itself. The loader builds
// it from the bytes it actually read: start the material with the config's
// content, AddVersionSource() each listed file, then VersionOf().
void AddVersionSource(std::string& material, const std::string& name, const std::string& content);
std::string VersionOf(const std::string& material);

// The same version, reading the listed files now (a file that cannot be
// read counts as empty): the reloader's cheap "did anything change?" check.
// `config_path` locates the files.
std::string TriageConfigVersion(const std::string& config_content, const std::string& config_path);

}  // namespace sqms::complaints::config
