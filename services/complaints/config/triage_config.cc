#include "services/complaints/config/triage_config.h"

#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/complaints/config/holiday_files.h"
#include "services/complaints/config/triage_departments.h"
#include "services/complaints/config/triage_text_rules.h"
#include "services/complaints/domain/validation.h"
#include "sqms/runtime/yaml_reader.h"
#include "sqms/runtime/config.h"

namespace sqms::complaints::config {

// The YAML reading plumbing lives in the runtime.
using runtime::ParseClock;
using runtime::ParseDate;
using runtime::ParseDuration;
using runtime::YamlReader;
namespace {

using domain::Category;
using domain::Level;
using domain::Priority;
using domain::TriageConfig;

// Routing names are what complaints carry as their department: the same ids
// as AssignComplaint and contact events (docs/api.md, "Department ids"), in
// validation.h's words; that each is listed in `departments` is checked
// once routing is read (triage_departments.h).
absl::Status CheckDepartment(const YamlReader& r, const std::string& path,
                             const std::string& department) {
  if (department.empty()) return r.Error(path, "must not be empty");
  std::vector<runtime::FieldViolation> bad;
  domain::CheckDepartmentId(bad, path, department);
  return bad.empty() ? absl::OkStatus() : r.Error(path, bad.front().description);
}

#define SQMS_RETURN_IF_ERROR(expr)           \
  do {                                       \
    if (absl::Status s_ = (expr); !s_.ok()) { \
      return s_;                             \
    }                                        \
  } while (0)

#define SQMS_ASSIGN_OR_RETURN(lhs, expr)          \
  auto lhs##_or = (expr);                         \
  if (!lhs##_or.ok()) return lhs##_or.status();   \
  auto lhs = *std::move(lhs##_or)

constexpr std::pair<std::string_view, Category> kCategories[] = {
    {"service_quality", Category::kServiceQuality}, {"service_attitude", Category::kServiceAttitude},
    {"facilities", Category::kFacilities},         {"ticketing", Category::kTicketing},
    {"timeliness", Category::kTimeliness},         {"safety", Category::kSafety},
    {"hygiene", Category::kHygiene},               {"catering", Category::kCatering},
    {"luggage", Category::kLuggage},               {"billing", Category::kBilling},
    {"network_fault", Category::kNetworkFault},    {"other", Category::kOther}};
constexpr std::pair<std::string_view, Level> kLevels[] = {
    {"low", Level::kLow}, {"medium", Level::kMedium}, {"high", Level::kHigh}};
constexpr std::pair<std::string_view, Priority> kPriorities[] = {
    {"P1", Priority::kP1}, {"P2", Priority::kP2}, {"P3", Priority::kP3}, {"P4", Priority::kP4}};
constexpr std::string_view kWeekdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

template <typename T, size_t N>
std::optional<T> ByName(const std::pair<std::string_view, T> (&table)[N], std::string_view n) {
  for (const auto& [name, value] : table) {
    if (name == n) return value;
  }
  return std::nullopt;
}

template <typename T, size_t N>
std::string Names(const std::pair<std::string_view, T> (&table)[N]) {
  std::string out;
  for (const auto& entry : table) absl::StrAppend(&out, out.empty() ? "" : ", ", std::string(entry.first));
  return out;
}

class Loader {
 public:
  // `content`: the config file's text (the start of the version's material).
  Loader(const std::string& name, std::string content)
      : r_(name), name_(name), version_material_(std::move(content)) {}
  absl::StatusOr<TriageConfig> Load(const YAML::Node& root);
  // The version of what Load() read: the config and each holiday file.
  std::string Version() const { return VersionOf(version_material_); }

 private:
  // Named enum values: `what` is "category", "level" or "priority".
  template <typename T, size_t N>
  absl::StatusOr<T> Named(const YAML::Node& node, const std::string& path,
                          const std::pair<std::string_view, T> (&table)[N],
                          std::string_view what) const {
    SQMS_ASSIGN_OR_RETURN(text, r_.Scalar(node, path));
    if (std::optional<T> v = ByName(table, text)) return *v;
    return r_.Error(path, absl::StrCat("unknown ", std::string(what), " \"", text, "\" (use ",
                                       Names(table), ")"));
  }
  absl::Status Categories(const YAML::Node& node, TriageConfig& out);
  absl::Status Category1(const YAML::Node& node, const std::string& path, TriageConfig& out,
                         std::set<Category>& seen);
  absl::Status Urgency(const YAML::Node& node, TriageConfig& out);
  absl::Status Matrix(const YAML::Node& node, TriageConfig& out);
  absl::Status Routing(const YAML::Node& node, TriageConfig& out);
  absl::Status Rule(const YAML::Node& node, const std::string& path, TriageConfig& out);
  absl::Status Sla(const YAML::Node& node, TriageConfig& out);
  absl::Status Policy(const YAML::Node& node, const std::string& path, Priority priority,
                      TriageConfig& out);
  absl::Status Calendar(const YAML::Node& node, TriageConfig& out);
  absl::Status HolidayFiles(const YAML::Node& node, TriageConfig& out);
  absl::Status Hours(const YAML::Node& node, TriageConfig& out);
  absl::Status Days(const YAML::Node& node, const std::string& path,
                    std::set<absl::CivilDay>& out);
  absl::Status Windows(const YAML::Node& root, TriageConfig& out);

  YamlReader r_;
  std::string name_;  // the config file: holiday files are found beside it
  std::string version_material_;  // the config, then each holiday file as read
  absl::Duration business_day_ = absl::Hours(8);
};

absl::StatusOr<TriageConfig> Loader::Load(const YAML::Node& root) {
  SQMS_RETURN_IF_ERROR(r_.CheckMap(root, "",
                                   {"categories", "default_category", "negation", "model",
                                    "signals", "urgency", "priority_matrix", "departments",
                                    "routing", "sla", "calendar", "duplicates", "idempotency"}));
  for (std::string_view key : {"categories", "departments", "sla", "calendar"}) {
    SQMS_RETURN_IF_ERROR(r_.Require(root, "", key));
  }
  TriageConfig out;
  SQMS_RETURN_IF_ERROR(Categories(root["categories"], out));
  if (root["default_category"]) {
    SQMS_ASSIGN_OR_RETURN(category, Named(root["default_category"], "default_category",
                                          kCategories, "category"));
    out.default_category = category;
  }
  if (root["negation"]) SQMS_RETURN_IF_ERROR(LoadNegation(r_, root["negation"], out));
  if (root["model"]) SQMS_RETURN_IF_ERROR(LoadModelPolicy(r_, root["model"], out));
  if (root["signals"]) SQMS_RETURN_IF_ERROR(LoadSignals(r_, root["signals"], out));
  if (root["urgency"]) SQMS_RETURN_IF_ERROR(Urgency(root["urgency"], out));
  if (root["priority_matrix"]) SQMS_RETURN_IF_ERROR(Matrix(root["priority_matrix"], out));
  SQMS_RETURN_IF_ERROR(LoadDepartments(r_, root["departments"], out));
  if (root["routing"]) SQMS_RETURN_IF_ERROR(Routing(root["routing"], out));
  SQMS_RETURN_IF_ERROR(CheckRoutedDepartmentsListed(
      r_, out, root["routing"] && root["routing"]["default"].IsDefined()));
  SQMS_RETURN_IF_ERROR(Calendar(root["calendar"], out));  // before sla: business_day
  SQMS_RETURN_IF_ERROR(Sla(root["sla"], out));
  SQMS_RETURN_IF_ERROR(Windows(root, out));
  return out;
}

absl::Status Loader::Categories(const YAML::Node& node, TriageConfig& out) {
  if (!node.IsSequence() || node.size() == 0) {
    return r_.Error("categories", "must be a non-empty list");
  }
  std::set<Category> seen;
  for (size_t i = 0; i < node.size(); ++i) {
    SQMS_RETURN_IF_ERROR(Category1(node[i], YamlReader::Index("categories", i), out, seen));
  }
  return absl::OkStatus();
}

absl::Status Loader::Category1(const YAML::Node& node, const std::string& path,
                               TriageConfig& out, std::set<Category>& seen) {
  SQMS_RETURN_IF_ERROR(r_.CheckMap(
      node, path, {"name", "importance", "decisive", "strong", "keywords", "weak"}));
  SQMS_RETURN_IF_ERROR(r_.Require(node, path, "name"));
  const std::string name_path = YamlReader::Join(path, "name");
  SQMS_ASSIGN_OR_RETURN(category, Named(node["name"], name_path, kCategories, "category"));
  if (!seen.insert(category).second) return r_.Error(name_path, "category listed twice");
  SQMS_RETURN_IF_ERROR(LoadCategoryTerms(r_, node, path, category, out));
  if (node["importance"]) {
    SQMS_ASSIGN_OR_RETURN(level, Named(node["importance"], YamlReader::Join(path, "importance"),
                                       kLevels, "level"));
    out.importance_by_category[category] = level;
  }
  return absl::OkStatus();
}

absl::Status Loader::Urgency(const YAML::Node& node, TriageConfig& out) {
  SQMS_RETURN_IF_ERROR(r_.CheckMap(node, "urgency", {"default"}));
  if (node["default"]) {
    SQMS_ASSIGN_OR_RETURN(level, Named(node["default"], "urgency.default", kLevels, "level"));
    out.default_urgency = level;
  }
  return absl::OkStatus();
}

// priority_matrix.<urgency>.<importance>: P1..P4, all nine cells.
absl::Status Loader::Matrix(const YAML::Node& node, TriageConfig& out) {
  SQMS_RETURN_IF_ERROR(r_.CheckMap(node, "priority_matrix", {"low", "medium", "high"}));
  for (const auto& [u_name, urgency] : kLevels) {
    SQMS_RETURN_IF_ERROR(r_.Require(node, "priority_matrix", u_name));
    const std::string row_path = YamlReader::Join("priority_matrix", u_name);
    const YAML::Node row = node[std::string(u_name)];
    SQMS_RETURN_IF_ERROR(r_.CheckMap(row, row_path, {"low", "medium", "high"}));
    for (const auto& [i_name, importance] : kLevels) {
      SQMS_RETURN_IF_ERROR(r_.Require(row, row_path, i_name));
      SQMS_ASSIGN_OR_RETURN(p, Named(row[std::string(i_name)], YamlReader::Join(row_path, i_name),
                                     kPriorities, "priority"));
      out.priority_matrix[static_cast<int>(urgency) - 1][static_cast<int>(importance) - 1] = p;
    }
  }
  return absl::OkStatus();
}

absl::Status Loader::Routing(const YAML::Node& node, TriageConfig& out) {
  SQMS_RETURN_IF_ERROR(r_.CheckMap(node, "routing", {"default", "rules"}));
  if (node["default"]) {
    SQMS_ASSIGN_OR_RETURN(department, r_.Scalar(node["default"], "routing.default"));
    SQMS_RETURN_IF_ERROR(CheckDepartment(r_, "routing.default", department));
    out.default_department = department;
  }
  if (!node["rules"]) return absl::OkStatus();
  const YAML::Node rules = node["rules"];
  if (!rules.IsSequence()) return r_.Error("routing.rules", "must be a list");
  for (size_t i = 0; i < rules.size(); ++i) {
    SQMS_RETURN_IF_ERROR(Rule(rules[i], YamlReader::Index("routing.rules", i), out));
  }
  return absl::OkStatus();
}

absl::Status Loader::Rule(const YAML::Node& node, const std::string& path, TriageConfig& out) {
  SQMS_RETURN_IF_ERROR(r_.CheckMap(node, path, {"category", "region", "station", "department"}));
  SQMS_RETURN_IF_ERROR(r_.Require(node, path, "department"));
  domain::RoutingRule rule;
  SQMS_ASSIGN_OR_RETURN(department, r_.Scalar(node["department"], YamlReader::Join(path, "department")));
  SQMS_RETURN_IF_ERROR(CheckDepartment(r_, YamlReader::Join(path, "department"), department));
  rule.department = department;
  if (node["category"]) {
    SQMS_ASSIGN_OR_RETURN(category, Named(node["category"], YamlReader::Join(path, "category"),
                                          kCategories, "category"));
    rule.category = category;
  }
  for (std::string_view key : {"region", "station"}) {
    if (!node[std::string(key)]) continue;
    SQMS_ASSIGN_OR_RETURN(value, r_.Scalar(node[std::string(key)], YamlReader::Join(path, key)));
    (key == "region" ? rule.region : rule.station) = value;
  }
  if (rule.category == Category::kUnspecified && rule.region.empty() && rule.station.empty()) {
    return r_.Error(path, "needs a category, region or station (use routing.default otherwise)");
  }
  out.routing.push_back(std::move(rule));
  return absl::OkStatus();
}

absl::Status Loader::Sla(const YAML::Node& node, TriageConfig& out) {
  SQMS_RETURN_IF_ERROR(r_.CheckMap(node, "sla", {}));
  for (const std::string& key : YamlReader::Keys(node)) {
    if (key != "at_risk_share" && key != "max_customer_wait" && !ByName(kPriorities, key)) {
      return r_.Error(YamlReader::Join("sla", key),
                      absl::StrCat("unknown priority (use at_risk_share, max_customer_wait, ",
                                   Names(kPriorities), ")"));
    }
  }
  if (node["max_customer_wait"]) {
    // Wall time: "3d" is 72 hours whatever the calendar.
    SQMS_ASSIGN_OR_RETURN(
        wait, r_.Duration(node["max_customer_wait"], "sla.max_customer_wait", absl::Hours(24)));
    if (!(wait > absl::ZeroDuration() && wait <= absl::Hours(24 * 90))) {
      return r_.Error("sla.max_customer_wait", "must be more than 0 and at most 90d");
    }
    out.max_customer_wait = wait;
  }
  if (node["at_risk_share"]) {
    SQMS_ASSIGN_OR_RETURN(share, r_.Number(node["at_risk_share"], "sla.at_risk_share"));
    if (!(share > 0 && share < 1)) {
      return r_.Error("sla.at_risk_share", "must be between 0 and 1 (exclusive)");
    }
    out.at_risk_share = share;
  }
  for (const auto& [name, priority] : kPriorities) {
    SQMS_RETURN_IF_ERROR(r_.Require(node, "sla", name));
    SQMS_RETURN_IF_ERROR(Policy(node[std::string(name)], YamlReader::Join("sla", name), priority, out));
  }
  return absl::OkStatus();
}

absl::Status Loader::Policy(const YAML::Node& node, const std::string& path, Priority priority,
                            TriageConfig& out) {
  SQMS_RETURN_IF_ERROR(
      r_.CheckMap(node, path, {"first_response", "resolution", "follow_up", "clock"}));
  domain::SlaPolicy policy;
  if (node["clock"]) {
    const std::string clock_path = YamlReader::Join(path, "clock");
    SQMS_ASSIGN_OR_RETURN(clock, r_.Scalar(node["clock"], clock_path));
    if (clock != "business" && clock != "24x7") {
      return r_.Error(clock_path, absl::StrCat("\"", clock, "\" is not a clock (use business, 24x7)"));
    }
    policy.business_hours = clock == "business";
  }
  const absl::Duration day = policy.business_hours ? business_day_ : absl::Hours(24);
  absl::Duration* fields[] = {&policy.first_response, &policy.resolution, &policy.follow_up};
  const std::string_view keys[] = {"first_response", "resolution", "follow_up"};
  for (int i = 0; i < 3; ++i) {
    SQMS_RETURN_IF_ERROR(r_.Require(node, path, keys[i]));
    SQMS_ASSIGN_OR_RETURN(d, r_.Duration(node[std::string(keys[i])], YamlReader::Join(path, keys[i]), day));
    *fields[i] = d;
  }
  out.sla[priority] = policy;
  return absl::OkStatus();
}

absl::Status Loader::Calendar(const YAML::Node& node, TriageConfig& out) {
  SQMS_RETURN_IF_ERROR(r_.CheckMap(node, "calendar",
                                   {"time_zone", "business_day", "hours", "holidays", "workdays",
                                    "holiday_files"}));
  SQMS_RETURN_IF_ERROR(r_.Require(node, "calendar", "time_zone"));
  SQMS_RETURN_IF_ERROR(r_.Require(node, "calendar", "hours"));
  SQMS_ASSIGN_OR_RETURN(zone_name, r_.Scalar(node["time_zone"], "calendar.time_zone"));
  if (!absl::LoadTimeZone(zone_name, &out.calendar.zone)) {
    return r_.Error("calendar.time_zone",
                    absl::StrCat("unknown time zone \"", zone_name, "\" (e.g. Asia/Shanghai)"));
  }
  if (node["business_day"]) {
    SQMS_ASSIGN_OR_RETURN(day, r_.Duration(node["business_day"], "calendar.business_day"));
    if (day > absl::Hours(24)) return r_.Error("calendar.business_day", "must be at most 24h");
    business_day_ = day;
  }
  SQMS_RETURN_IF_ERROR(Hours(node["hours"], out));
  if (node["holidays"]) {
    SQMS_RETURN_IF_ERROR(Days(node["holidays"], "calendar.holidays", out.calendar.holidays));
  }
  if (node["workdays"]) {
    SQMS_RETURN_IF_ERROR(Days(node["workdays"], "calendar.workdays", out.calendar.extra_workdays));
  }
  for (const absl::CivilDay& day : out.calendar.holidays) {
    out.calendar.holiday_years.insert(static_cast<int>(day.year()));
  }
  if (node["holiday_files"]) SQMS_RETURN_IF_ERROR(HolidayFiles(node["holiday_files"], out));
  for (const absl::CivilDay& day : out.calendar.extra_workdays) {
    if (out.calendar.holidays.contains(day)) {
      return r_.Error("calendar.workdays",
                      absl::StrCat(absl::FormatCivilTime(day), " is also a holiday"));
    }
  }
  return absl::OkStatus();
}

// calendar.holiday_files: one file per year, beside the config (holiday_files.h).
absl::Status Loader::HolidayFiles(const YAML::Node& node, TriageConfig& out) {
  SQMS_ASSIGN_OR_RETURN(names, r_.ScalarList(node, "calendar.holiday_files"));
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string path = YamlReader::Index("calendar.holiday_files", i);
    const std::string file = ResolveBeside(name_, names[i]);
    absl::StatusOr<std::string> content = runtime::ReadFileToString(file);
    if (!content.ok()) return r_.Error(path, absl::StrCat("cannot read ", file));
    AddVersionSource(version_material_, names[i], *content);
    absl::StatusOr<HolidayYear> year = ParseHolidayFile(*content, file);
    if (!year.ok()) return year.status();  // names the holiday file and its key
    if (!out.calendar.holiday_years.insert(year->year).second) {
      return r_.Error(path, absl::StrCat("a second set of holidays for ", year->year));
    }
    out.calendar.holidays.insert(year->holidays.begin(), year->holidays.end());
    out.calendar.extra_workdays.insert(year->workdays.begin(), year->workdays.end());
  }
  return absl::OkStatus();
}

// calendar.hours.<mon..sun>: "08:30-18:00" or "closed"; missing days closed.
absl::Status Loader::Hours(const YAML::Node& node, TriageConfig& out) {
  SQMS_RETURN_IF_ERROR(
      r_.CheckMap(node, "calendar.hours", {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}));
  out.calendar.week.assign(7, domain::WorkingHours{absl::ZeroDuration(), absl::ZeroDuration()});
  bool any_open = false;
  for (size_t i = 0; i < 7; ++i) {
    const YAML::Node day = node[std::string(kWeekdays[i])];
    if (!day) continue;
    const std::string path = YamlReader::Join("calendar.hours", kWeekdays[i]);
    SQMS_ASSIGN_OR_RETURN(text, r_.Scalar(day, path));
    if (text == "closed") continue;
    domain::WorkingHours hours;
    size_t dash = text.find('-');
    if (dash == std::string::npos || !ParseClock(text.substr(0, dash), &hours.start) ||
        !ParseClock(text.substr(dash + 1), &hours.end) || hours.end <= hours.start) {
      return r_.Error(path, absl::StrCat("\"", text,
                                         "\" is not opening hours (use 08:30-18:00 or closed)"));
    }
    out.calendar.week[i] = hours;
    any_open = true;
  }
  if (!any_open) return r_.Error("calendar.hours", "at least one day must be open");
  return absl::OkStatus();
}

absl::Status Loader::Days(const YAML::Node& node, const std::string& path,
                          std::set<absl::CivilDay>& out) {
  SQMS_ASSIGN_OR_RETURN(texts, r_.ScalarList(node, path));
  for (size_t i = 0; i < texts.size(); ++i) {
    absl::CivilDay day;
    if (!ParseDate(texts[i], &day)) {
      return r_.Error(YamlReader::Index(path, i),
                      absl::StrCat("\"", texts[i], "\" is not a date (use 2026-10-01)"));
    }
    out.insert(day);
  }
  return absl::OkStatus();
}

absl::Status Loader::Windows(const YAML::Node& root, TriageConfig& out) {
  struct Window {
    const char* section;
    const char* key;
    absl::Duration* field;
  };
  for (const Window& w : {Window{"duplicates", "window", &out.duplicate_window},
                          Window{"idempotency", "ttl", &out.idempotency_ttl}}) {
    const YAML::Node node = root[w.section];
    if (!node) continue;
    SQMS_RETURN_IF_ERROR(r_.CheckMap(node, w.section, {w.key}));
    if (!node[w.key]) continue;
    SQMS_ASSIGN_OR_RETURN(d, r_.Duration(node[w.key], YamlReader::Join(w.section, w.key)));
    *w.field = d;
  }
  return absl::OkStatus();
}

#undef SQMS_ASSIGN_OR_RETURN
#undef SQMS_RETURN_IF_ERROR

}  // namespace

absl::StatusOr<TriageConfig> LoadTriageConfigFromString(const std::string& yaml,
                                                        const std::string& name) {
  try {
    YAML::Node root = YAML::Load(yaml);
    Loader loader(name, yaml);
    absl::StatusOr<TriageConfig> config = loader.Load(root);
    // The version recorded with every decision: the content, not the
    // file's time, so the same rules always carry the same version; of the
    // very bytes this load used.
    if (config.ok()) config->version = loader.Version();
    return config;
  } catch (const YAML::Exception& e) {
    // Syntax errors (and anything else yaml-cpp throws) name the position.
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": line ", e.mark.line + 1, ", column ", e.mark.column + 1, ": ", e.msg));
  }
}

absl::StatusOr<TriageConfig> LoadTriageConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read the file"));
  std::ostringstream text;
  text << in.rdbuf();
  return LoadTriageConfigFromString(text.str(), path);
}

}  // namespace sqms::complaints::config
