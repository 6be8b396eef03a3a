#include "services/complaints/config/holiday_files.h"

#include <filesystem>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "absl/strings/str_cat.h"
#include "sqms/runtime/yaml_reader.h"
#include "sqms/runtime/config.h"
#include "sqms/runtime/hmac.h"

namespace sqms::complaints::config {

// The YAML reading plumbing lives in the runtime.
using runtime::ParseClock;
using runtime::ParseDate;
using runtime::ParseDuration;
using runtime::YamlReader;
namespace {

absl::Status Dates(const YamlReader& r, const YAML::Node& node, const std::string& key, int year,
                   std::set<absl::CivilDay>& out) {
  absl::StatusOr<std::vector<std::string>> texts = r.ScalarList(node, key);
  if (!texts.ok()) return texts.status();
  for (size_t i = 0; i < texts->size(); ++i) {
    const std::string& text = (*texts)[i];
    absl::CivilDay day;
    if (!ParseDate(text, &day)) {
      return r.Error(YamlReader::Index(key, i),
                     absl::StrCat("\"", text, "\" is not a date (use ", year, "-10-01)"));
    }
    if (day.year() != year) {
      return r.Error(YamlReader::Index(key, i), absl::StrCat(text, " is not in ", year));
    }
    out.insert(day);
  }
  return absl::OkStatus();
}

absl::StatusOr<HolidayYear> Parse(const YAML::Node& root, const YamlReader& r) {
  if (absl::Status s = r.CheckMap(root, "", {"year", "holidays", "workdays"}); !s.ok()) return s;
  if (absl::Status s = r.Require(root, "", "year"); !s.ok()) return s;
  if (absl::Status s = r.Require(root, "", "holidays"); !s.ok()) return s;
  HolidayYear out;
  absl::StatusOr<double> year = r.Number(root["year"], "year");
  if (!year.ok()) return year.status();
  if (*year != static_cast<int>(*year) || *year < 1970 || *year > 9999) {
    return r.Error("year", "must be a year such as 2027");
  }
  out.year = static_cast<int>(*year);
  if (absl::Status s = Dates(r, root["holidays"], "holidays", out.year, out.holidays); !s.ok()) {
    return s;
  }
  if (root["workdays"]) {
    if (absl::Status s = Dates(r, root["workdays"], "workdays", out.year, out.workdays); !s.ok()) {
      return s;
    }
  }
  for (const absl::CivilDay& day : out.workdays) {
    if (out.holidays.contains(day)) {
      return r.Error("workdays", absl::StrCat(absl::FormatCivilTime(day), " is also a holiday"));
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<HolidayYear> ParseHolidayFile(const std::string& content,
                                             const std::string& path) {
  try {
    return Parse(YAML::Load(content), YamlReader(path));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": line ", e.mark.line + 1, ", column ", e.mark.column + 1, ": ", e.msg));
  }
}

std::string ResolveBeside(const std::string& config_path, const std::string& name) {
  const std::filesystem::path file(name);
  if (file.is_absolute()) return name;
  return (std::filesystem::path(config_path).parent_path() / file).string();
}

void AddVersionSource(std::string& material, const std::string& name, const std::string& content) {
  absl::StrAppend(&material, std::string(1, '\0'), name, std::string(1, '\0'), content);
}

std::string VersionOf(const std::string& material) {
  return runtime::Sha1Hex(material).substr(0, 12);
}

std::string TriageConfigVersion(const std::string& config_content, const std::string& config_path) {
  std::string material = config_content;
  try {
    const YAML::Node files = YAML::Load(config_content)["calendar"]["holiday_files"];
    if (files && files.IsSequence()) {
      for (const YAML::Node& file : files) {
        if (!file.IsScalar()) continue;
        // A listed file that cannot be read counts as empty.
        AddVersionSource(material, file.Scalar(),
                         runtime::ReadFileToString(ResolveBeside(config_path, file.Scalar()))
                             .value_or(""));
      }
    }
  } catch (const YAML::Exception&) {
    // Not YAML: the content alone versions it (the loader reports the error).
  }
  return VersionOf(material);
}

}  // namespace sqms::complaints::config
