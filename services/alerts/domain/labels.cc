#include "services/alerts/domain/labels.h"

#include <cstdio>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "re2/re2.h"

namespace sqms::alerts::domain {
namespace {

constexpr size_t kMaxNameBytes = 64;
constexpr size_t kMaxValueBytes = 1024;
constexpr size_t kMaxLabels = 64;

bool ValidLabelName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) return false;
  if (!absl::ascii_isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_') return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// The length of the UTF-8 sequence that `lead` starts and the smallest code
// point it may encode (so overlong forms are refused); 0 when invalid.
std::pair<size_t, uint32_t> SequenceOf(unsigned char lead) {
  if (lead < 0x80) return {1, 0};
  if ((lead & 0xe0) == 0xc0) return {2, 0x80};
  if ((lead & 0xf0) == 0xe0) return {3, 0x800};
  if ((lead & 0xf8) == 0xf0) return {4, 0x10000};
  return {0, 0};
}

// Strict UTF-8: no overlongs, no surrogates, at most U+10FFFF.
bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const auto [length, min] = SequenceOf(lead);
    if (length == 0 || i + length > s.size()) return false;
    uint32_t cp = length == 1 ? lead : lead & (0x7f >> length);
    for (size_t k = 1; k < length; ++k) {
      const auto cont = static_cast<unsigned char>(s[i + k]);
      if ((cont & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cont & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += length;
  }
  return true;
}

std::string Quote(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::string Fingerprint(const Labels& labels) {
  uint64_t h = 14695981039346656037ULL;
  auto mix = [&h](unsigned char byte) {
    h ^= byte;
    h *= 1099511628211ULL;
  };
  for (const auto& [name, value] : labels) {
    for (char c : name) mix(static_cast<unsigned char>(c));
    mix(0xff);
    for (char c : value) mix(static_cast<unsigned char>(c));
    mix(0xff);
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

std::string AlertKey(const std::string& source, const Labels& labels) {
  if (source == "api") return "api:" + Fingerprint(labels);
  return Fingerprint(labels);
}

absl::Status ValidateLabels(const Labels& labels) {
  if (labels.size() > kMaxLabels) {
    return absl::InvalidArgumentError(
        absl::StrCat("labels: ", labels.size(), " labels, at most ", kMaxLabels, " allowed"));
  }
  for (const auto& [name, value] : labels) {
    if (!ValidLabelName(name)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "labels: '", name, "' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*, at most 64 bytes)"));
    }
    if (value.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("labels.", name, ": is empty"));
    }
    if (value.size() > kMaxValueBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("labels.", name, ": longer than ", kMaxValueBytes, " bytes"));
    }
    if (!ValidUtf8(value)) {
      return absl::InvalidArgumentError(absl::StrCat("labels.", name, ": is not valid UTF-8"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Matcher> Matcher::Make(std::string label, std::string op, std::string value) {
  if (!ValidLabelName(label)) {
    return absl::InvalidArgumentError(absl::StrCat("'", label, "' is not a label name"));
  }
  MatchOp kind;
  if (op == "=") {
    kind = MatchOp::kEqual;
  } else if (op == "!=") {
    kind = MatchOp::kNotEqual;
  } else if (op == "=~") {
    kind = MatchOp::kRegex;
  } else if (op == "!~") {
    kind = MatchOp::kNotRegex;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("'", op, "' is not a matcher operator (=, !=, =~, !~)"));
  }
  std::shared_ptr<const re2::RE2> re;
  if (kind == MatchOp::kRegex || kind == MatchOp::kNotRegex) {
    re2::RE2::Options options;
    options.set_log_errors(false);
    // Compiled as written (so errors quote the user's text); Matches()
    // anchors it at both ends with FullMatch, as Alertmanager does.
    re = std::make_shared<const re2::RE2>(value, options);
    if (!re->ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", value, "' is not a regular expression: ", re->error()));
    }
  }
  return Matcher(std::move(label), kind, std::move(value), std::move(re));
}

Matcher::Matcher(std::string label, MatchOp op, std::string value,
                 std::shared_ptr<const re2::RE2> re)
    : label_(std::move(label)), op_(op), value_(std::move(value)), re_(std::move(re)) {}

bool Matcher::Matches(const Labels& labels) const {
  static const std::string kAbsent;
  auto it = labels.find(label_);
  const std::string& actual = it == labels.end() ? kAbsent : it->second;
  switch (op_) {
    case MatchOp::kEqual: return actual == value_;
    case MatchOp::kNotEqual: return actual != value_;
    case MatchOp::kRegex: return re2::RE2::FullMatch(actual, *re_);
    case MatchOp::kNotRegex: return !re2::RE2::FullMatch(actual, *re_);
  }
  return false;
}

std::string_view Matcher::op_text() const {
  switch (op_) {
    case MatchOp::kEqual: return "=";
    case MatchOp::kNotEqual: return "!=";
    case MatchOp::kRegex: return "=~";
    case MatchOp::kNotRegex: return "!~";
  }
  return "=";
}

std::string Matcher::ToString() const {
  return absl::StrCat(label_, std::string(op_text()), Quote(value_));
}

bool MatchesAll(const std::vector<Matcher>& matchers, const Labels& labels) {
  for (const Matcher& m : matchers) {
    if (!m.Matches(labels)) return false;
  }
  return true;
}

}  // namespace sqms::alerts::domain
