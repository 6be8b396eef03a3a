#include "services/alerts/config/yaml_values.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "sqms/runtime/config.h"

namespace sqms::alerts::config {
namespace {

using runtime::YamlReader;

bool IsId(std::string_view id) {
  if (id.empty() || id.size() > 64 || id[0] == '-') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_islower(static_cast<unsigned char>(c)) ||
           absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

bool IsLabelChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string_view Trim(std::string_view s) {
  auto space = [](char c) { return absl::ascii_isspace(static_cast<unsigned char>(c)); };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// `"…"` with \" and \\ escapes, or a bare value without quotes; false when
// a quote is open or text follows it. A bare value starting with = or ~ is
// a mistyped operator ("==", "=~~"), not a value.
bool Unquote(std::string_view text, std::string* out) {
  if (text.empty() || text.front() != '"') {
    if (text.find('"') != std::string_view::npos || text.starts_with("=") ||
        text.starts_with("~")) {
      return false;
    }
    *out = std::string(text);
    return true;
  }
  out->clear();
  for (size_t i = 1; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      out->push_back(text[++i]);
    } else if (text[i] == '"') {
      return i + 1 == text.size();
    } else {
      out->push_back(text[i]);
    }
  }
  return false;
}

std::string Field(const std::string& path, std::string_view key) {
  return YamlReader::Join(path, key);
}

}  // namespace

bool ParseSpan(std::string_view text, absl::Duration* out) {
  if (text == "0") {
    *out = absl::ZeroDuration();
    return true;
  }
  absl::Duration total = absl::ZeroDuration();
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = i;
    while (i < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || i - start > 7 || i == text.size()) return false;
    const int64_t n = std::atoll(std::string(text.substr(start, i - start)).c_str());
    switch (text[i++]) {
      case 'd': total += absl::Hours(24 * n); break;
      case 'h': total += absl::Hours(n); break;
      case 'm': total += absl::Minutes(n); break;
      case 's': total += absl::Seconds(n); break;
      default: return false;
    }
  }
  if (text.empty()) return false;
  *out = total;
  return true;
}

absl::StatusOr<domain::Matcher> ParseMatcher(std::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", std::string(text), "' is not a matcher (label op \"value\", op one of = != =~ !~)"));
  };
  const std::string_view trimmed = Trim(text);
  size_t i = 0;
  while (i < trimmed.size() && IsLabelChar(trimmed[i])) ++i;
  const std::string_view rest = Trim(trimmed.substr(i));
  size_t op_size = 0;
  for (std::string_view op : {"=~", "!~", "!=", "="}) {
    if (rest.starts_with(op)) {
      op_size = op.size();
      break;
    }
  }
  std::string value;
  if (i == 0 || op_size == 0 || !Unquote(Trim(rest.substr(op_size)), &value)) return bad();
  return domain::Matcher::Make(std::string(trimmed.substr(0, i)),
                               std::string(rest.substr(0, op_size)), std::move(value));
}

absl::Status YamlValues::List(
    const YAML::Node& node, const std::string& path,
    absl::FunctionRef<absl::Status(const YAML::Node&, const std::string&)> each) const {
  if (!node) return absl::OkStatus();
  if (!node.IsSequence()) return r_.Error(path, "must be a list");
  for (size_t i = 0; i < node.size(); ++i) {
    if (auto s = each(node[i], YamlReader::Index(path, i)); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status YamlValues::Id(const YAML::Node& map, const std::string& path,
                            std::set<std::string>& seen, std::string& into) const {
  if (auto s = Text(map, path, "id", into, true); !s.ok()) return s;
  if (!IsId(into)) {
    return r_.Error(Field(path, "id"),
                    absl::StrCat("'", into, "' is not an id (a-z, 0-9 and '-', at most 64)"));
  }
  if (!seen.insert(into).second) {
    return r_.Error(Field(path, "id"), absl::StrCat("'", into, "' is listed twice"));
  }
  return absl::OkStatus();
}

absl::Status YamlValues::Text(const YAML::Node& map, const std::string& path, const char* key,
                              std::string& into, bool required) const {
  if (!map[key]) return required ? r_.Require(map, path, key) : absl::OkStatus();
  auto text = r_.Scalar(map[key], Field(path, key));
  if (!text.ok()) return text.status();
  if (text->empty()) return r_.Error(Field(path, key), "must not be empty");
  into = *std::move(text);
  return absl::OkStatus();
}

absl::Status YamlValues::Int(const YAML::Node& map, const std::string& path, const char* key,
                             int lo, int hi, int& into, bool required) const {
  if (!map[key]) return required ? r_.Require(map, path, key) : absl::OkStatus();
  auto n = r_.Number(map[key], Field(path, key));
  if (!n.ok()) return n.status();
  if (*n != std::floor(*n) || *n < lo || *n > hi) {
    return r_.Error(Field(path, key), absl::StrCat("must be a whole number in ", lo, "..", hi));
  }
  into = static_cast<int>(*n);
  return absl::OkStatus();
}

absl::Status YamlValues::Whole(const YAML::Node& map, const std::string& path, const char* key,
                               int& into) const {
  if (!map[key]) return absl::OkStatus();
  auto n = r_.Number(map[key], Field(path, key));
  if (!n.ok()) return n.status();
  if (*n != std::floor(*n) || *n < std::numeric_limits<int>::min() ||
      *n > std::numeric_limits<int>::max()) {
    return r_.Error(Field(path, key), "must be a whole number");
  }
  into = static_cast<int>(*n);
  return absl::OkStatus();
}

absl::Status YamlValues::Positive(const YAML::Node& map, const std::string& path, const char* key,
                                  double& into) const {
  if (!map[key]) return absl::OkStatus();
  auto n = r_.Number(map[key], Field(path, key));
  if (!n.ok()) return n.status();
  if (!(*n > 0)) return r_.Error(Field(path, key), "must be positive");
  into = *n;
  return absl::OkStatus();
}

absl::Status YamlValues::Bool(const YAML::Node& map, const std::string& path, const char* key,
                              bool& into) const {
  if (!map[key]) return absl::OkStatus();
  auto text = r_.Scalar(map[key], Field(path, key));
  if (!text.ok()) return text.status();
  if (*text != "true" && *text != "false") {
    return r_.Error(Field(path, key), "must be true or false");
  }
  into = *text == "true";
  return absl::OkStatus();
}

absl::Status YamlValues::Span(const YAML::Node& map, const std::string& path, const char* key,
                              absl::Duration& into, bool allow_zero) const {
  if (!map[key]) return absl::OkStatus();
  auto text = r_.Scalar(map[key], Field(path, key));
  if (!text.ok()) return text.status();
  absl::Duration d;
  if (!ParseSpan(*text, &d)) {
    return r_.Error(Field(path, key),
                    absl::StrCat("\"", *text, "\" is not a duration (use 30s, 5m, 4h, 2d)"));
  }
  if (!allow_zero && d == absl::ZeroDuration()) {
    return r_.Error(Field(path, key), "must be positive");
  }
  into = d;
  return absl::OkStatus();
}

absl::Status YamlValues::Date(const YAML::Node& map, const std::string& path, const char* key,
                              absl::CivilDay& into) const {
  std::string text;
  if (auto s = Text(map, path, key, text, true); !s.ok()) return s;
  if (!runtime::ParseDate(text, &into)) {
    return r_.Error(Field(path, key), absl::StrCat("'", text, "' is not a date (YYYY-MM-DD)"));
  }
  return absl::OkStatus();
}

absl::Status YamlValues::Clock(const YAML::Node& map, const std::string& path, const char* key,
                               int& minute_of_day) const {
  std::string text;
  if (!map[key]) return absl::OkStatus();
  if (auto s = Text(map, path, key, text); !s.ok()) return s;
  absl::Duration at;
  if (!runtime::ParseClock(text, &at) || at >= absl::Hours(24)) {
    return r_.Error(Field(path, key), absl::StrCat("'", text, "' is not HH:MM (00:00..23:59)"));
  }
  minute_of_day = static_cast<int>(absl::ToInt64Minutes(at));
  return absl::OkStatus();
}

absl::Status YamlValues::Url(const YAML::Node& map, const std::string& path, const char* key,
                             std::string& into) const {
  if (auto s = Text(map, path, key, into, true); !s.ok()) return s;
  if (!into.starts_with("http://") && !into.starts_with("https://")) {
    return r_.Error(Field(path, key),
                    absl::StrCat("'", into, "' is not an http:// or https:// URL"));
  }
  return absl::OkStatus();
}

absl::Status YamlValues::Names(const YAML::Node& map, const std::string& path, const char* key,
                               std::vector<std::string>& into, bool required) const {
  if (!map[key]) return required ? r_.Require(map, path, key) : absl::OkStatus();
  auto names = r_.ScalarList(map[key], Field(path, key));
  if (!names.ok()) return names.status();
  if (required && names->empty()) return r_.Error(Field(path, key), "must not be empty");
  into = *std::move(names);
  return absl::OkStatus();
}

absl::Status YamlValues::LabelNames(const YAML::Node& map, const std::string& path, const char* key,
                                    std::vector<std::string>& into) const {
  if (auto s = Names(map, path, key, into, false); !s.ok()) return s;
  for (size_t i = 0; i < into.size(); ++i) {
    if (!domain::Matcher::Make(into[i], "=", "").ok()) {
      return r_.Error(YamlReader::Index(Field(path, key), i),
                      absl::StrCat("'", into[i], "' is not a label name"));
    }
  }
  return absl::OkStatus();
}

absl::Status YamlValues::Headers(const YAML::Node& map, const std::string& path,
                                 std::vector<std::pair<std::string, std::string>>& into) const {
  const YAML::Node node = map["headers"];
  if (!node) return absl::OkStatus();
  const std::string headers = Field(path, "headers");
  if (auto s = r_.CheckMap(node, headers, {}); !s.ok()) return s;
  for (const std::string& name : YamlReader::Keys(node)) {
    auto value = HeaderValue(node[name], Field(headers, name));
    if (!value.ok()) return value.status();
    into.emplace_back(name, *std::move(value));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> YamlValues::HeaderValue(const YAML::Node& node,
                                                    const std::string& path) const {
  if (node.IsScalar()) return node.Scalar();
  if (auto s = r_.CheckMap(node, path, {"file", "env"}); !s.ok()) return s;
  std::string source;
  if (node["file"]) {
    if (auto s = Text(node, path, "file", source); !s.ok()) return s;
    auto content = runtime::ReadFileToString(source);
    if (!content.ok()) {
      return r_.Error(Field(path, "file"), std::string(content.status().message()));
    }
    return std::string(Trim(*content));  // a secret file usually ends in a newline
  }
  if (auto s = Text(node, path, "env", source, true); !s.ok()) return s;
  const char* value = std::getenv(source.c_str());
  if (value == nullptr || *value == '\0') {
    return r_.Error(Field(path, "env"), absl::StrCat(source, " is not set"));
  }
  return std::string(value);
}

absl::StatusOr<std::vector<domain::Matcher>> YamlValues::Matchers(const YAML::Node& node,
                                                                  const std::string& path) const {
  auto texts = r_.ScalarList(node, path);
  if (!texts.ok()) return texts.status();
  if (texts->empty()) return r_.Error(path, "at least one matcher is required");
  std::vector<domain::Matcher> out;
  for (size_t i = 0; i < texts->size(); ++i) {
    auto m = ParseMatcher((*texts)[i]);
    if (!m.ok()) return r_.Error(YamlReader::Index(path, i), std::string(m.status().message()));
    out.push_back(*std::move(m));
  }
  return out;
}

absl::StatusOr<domain::Trigger> YamlValues::Trigger(const YAML::Node& node,
                                                    const std::string& path) const {
  if (auto s = r_.CheckMap(node, path, {"matchers", "count", "within"}); !s.ok()) return s;
  if (auto s = r_.Require(node, path, "matchers"); !s.ok()) return s;
  domain::Trigger t;
  auto matchers = Matchers(node["matchers"], Field(path, "matchers"));
  if (!matchers.ok()) return matchers.status();
  t.matchers = *std::move(matchers);
  for (absl::Status s :
       {Whole(node, path, "count", t.count), Span(node, path, "within", t.within, false)}) {
    if (!s.ok()) return s;
  }
  return t;
}

absl::StatusOr<domain::Step> YamlValues::Step(const YAML::Node& node,
                                              const std::string& path) const {
  if (auto s = r_.CheckMap(node, path, {"title", "owner", "expected_minutes"}); !s.ok()) return s;
  domain::Step step;
  for (absl::Status s :
       {Text(node, path, "title", step.title, true), Text(node, path, "owner", step.owner_role),
        Whole(node, path, "expected_minutes", step.expected_minutes)}) {
    if (!s.ok()) return s;
  }
  return step;
}

absl::StatusOr<domain::Tier> YamlValues::Tier(const YAML::Node& node,
                                              const std::string& path) const {
  if (auto s = r_.CheckMap(node, path, {"notify", "targets", "ack_timeout", "repeats"}); !s.ok()) {
    return s;
  }
  domain::Tier tier;
  for (absl::Status s : {Names(node, path, "notify", tier.notify, false),
                         Names(node, path, "targets", tier.targets, false),
                         Span(node, path, "ack_timeout", tier.ack_timeout, false),
                         Whole(node, path, "repeats", tier.repeats)}) {
    if (!s.ok()) return s;
  }
  return tier;
}

}  // namespace sqms::alerts::config
