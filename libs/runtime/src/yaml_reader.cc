#include "sqms/runtime/yaml_reader.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace sqms::runtime {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

bool ParseDuration(std::string_view text, absl::Duration day, absl::Duration* out) {
  absl::Duration total = absl::ZeroDuration();
  size_t i = 0;
  if (text.empty()) return false;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || i - start > 6 || i >= text.size()) return false;
    int64_t n = ToInt(text.substr(start, i - start));
    switch (text[i++]) {
      case 'd': total += n * day; break;
      case 'h': total += absl::Hours(n); break;
      case 'm': total += absl::Minutes(n); break;
      case 's': total += absl::Seconds(n); break;  // for tests and drills
      default: return false;
    }
  }
  if (total <= absl::ZeroDuration()) return false;
  *out = total;
  return true;
}

bool ParseClock(std::string_view text, absl::Duration* out) {
  if (text.size() != 5 || text[2] != ':') return false;
  std::string_view hh = text.substr(0, 2), mm = text.substr(3, 2);
  if (!AllDigits(hh) || !AllDigits(mm)) return false;
  int h = ToInt(hh), m = ToInt(mm);
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return false;
  *out = absl::Hours(h) + absl::Minutes(m);
  return true;
}

bool ParseDate(std::string_view text, absl::CivilDay* out) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  std::string_view y = text.substr(0, 4), m = text.substr(5, 2), d = text.substr(8, 2);
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d)) return false;
  absl::CivilDay day(ToInt(y), ToInt(m), ToInt(d));
  // CivilDay normalises 2026-02-30 to March; a real date survives unchanged.
  if (day.year() != ToInt(y) || day.month() != ToInt(m) || day.day() != ToInt(d)) return false;
  *out = day;
  return true;
}

absl::Status YamlReader::Error(std::string_view path, std::string_view problem) const {
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat(file_, ": ", std::string(problem)));
  return absl::InvalidArgumentError(
      absl::StrCat(file_, ": ", std::string(path), ": ", std::string(problem)));
}

absl::Status YamlReader::CheckMap(const YAML::Node& node, const std::string& path,
                                  std::initializer_list<std::string_view> allowed) const {
  if (!node.IsMap()) return Error(path.empty() ? "(top level)" : path, "must be a map");
  // yaml-cpp keeps both entries of a repeated key and node[key] reads the
  // first: the second (usually the edit) would be ignored without a word.
  const std::vector<std::string> keys = Keys(node);
  for (size_t i = 0; i < keys.size(); ++i) {
    if (std::find(keys.begin(), keys.begin() + i, keys[i]) != keys.begin() + i) {
      return Error(Join(path, keys[i]), "is given twice");
    }
  }
  if (allowed.size() == 0) return absl::OkStatus();
  for (const std::string& key : keys) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string expected;
      for (std::string_view a : allowed) absl::StrAppend(&expected, expected.empty() ? "" : ", ", std::string(a));
      return Error(Join(path, key), absl::StrCat("unknown key (expected one of: ", expected, ")"));
    }
  }
  return absl::OkStatus();
}

absl::Status YamlReader::Require(const YAML::Node& node, const std::string& path,
                                 std::string_view key) const {
  if (node[std::string(key)]) return absl::OkStatus();
  return Error(Join(path, key), "is required");
}

absl::StatusOr<std::string> YamlReader::Scalar(const YAML::Node& node,
                                               const std::string& path) const {
  if (!node.IsScalar()) return Error(path, "must be a single value");
  return node.Scalar();
}

absl::StatusOr<std::vector<std::string>> YamlReader::ScalarList(const YAML::Node& node,
                                                                const std::string& path) const {
  if (!node.IsSequence()) return Error(path, "must be a list");
  std::vector<std::string> out;
  for (size_t i = 0; i < node.size(); ++i) {
    absl::StatusOr<std::string> item = Scalar(node[i], Index(path, i));
    if (!item.ok()) return item.status();
    if (item->empty()) return Error(Index(path, i), "must not be empty");
    out.push_back(*std::move(item));
  }
  return out;
}

absl::StatusOr<absl::Duration> YamlReader::Duration(const YAML::Node& node,
                                                    const std::string& path,
                                                    absl::Duration day) const {
  absl::StatusOr<std::string> text = Scalar(node, path);
  if (!text.ok()) return text.status();
  absl::Duration d;
  if (!ParseDuration(*text, day, &d)) {
    return Error(path, absl::StrCat("\"", *text, "\" is not a duration (use 30m, 4h, 2d)"));
  }
  return d;
}

absl::StatusOr<double> YamlReader::Number(const YAML::Node& node,
                                          const std::string& path) const {
  absl::StatusOr<std::string> text = Scalar(node, path);
  if (!text.ok()) return text.status();
  double v = 0;
  if (!absl::SimpleAtod(*text, &v)) return Error(path, absl::StrCat("\"", *text, "\" is not a number"));
  return v;
}

std::vector<std::string> YamlReader::Keys(const YAML::Node& node) {
  std::vector<std::string> keys;
  for (const auto& kv : node) keys.push_back(kv.first.IsScalar() ? kv.first.Scalar() : "?");
  return keys;
}

std::string YamlReader::Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : absl::StrCat(path, ".", std::string(key));
}

std::string YamlReader::Index(const std::string& path, size_t i) {
  return absl::StrCat(path, "[", i, "]");
}

}  // namespace sqms::runtime
