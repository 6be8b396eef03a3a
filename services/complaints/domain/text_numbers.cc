#include "services/complaints/domain/text_numbers.h"

#include <algorithm>
#include <array>
#include <string>

#include "absl/strings/ascii.h"

namespace sqms::complaints::domain {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return absl::ascii_isalpha(static_cast<unsigned char>(c)); }
bool IsAlnum(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }
// Between digit groups: what people type or dictate into a number
// (138-0013-8000, 138.0013.8000, 138/0013/8000, 138 - 0013 - 8000), a run
// of at most kMaxSeparatorRun of these.
bool IsSeparator(char c) {
  return c == '-' || c == ' ' || c == '\t' || c == '.' || c == '/' || c == '_';
}
constexpr size_t kMaxSeparatorRun = 3;

// The end of the separator run at `i` when a digit follows it, else i.
size_t SeparatorRunEnd(std::string_view text, size_t i) {
  size_t j = i;
  while (j < text.size() && j - i < kMaxSeparatorRun && IsSeparator(text[j])) ++j;
  return j > i && j < text.size() && IsDigit(text[j]) ? j : i;
}

int TwoDigits(std::string_view s, size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); }

// A complaint id (CMP-YYYYMMDD-<12 of 0-9A-Z>, RedisKeys::NewId) starting
// at `b`, standing alone: returns its end, or b. The shape is exact (a real
// month and day, twelve characters) so that nothing else hides behind the
// prefix; either case, as an agent may type it in lower case.
size_t ComplaintIdEnd(std::string_view text, size_t b) {
  constexpr size_t kSize = 4 + 8 + 1 + 12;
  // Tried at every byte: the first one decides for nearly all of them.
  if (absl::ascii_toupper(static_cast<unsigned char>(text[b])) != 'C') return b;
  if (b > 0 && IsAlnum(text[b - 1])) return b;
  std::string_view id = text.substr(b, kSize);
  if (id.size() != kSize || absl::ascii_toupper(static_cast<unsigned char>(id[1])) != 'M' ||
      absl::ascii_toupper(static_cast<unsigned char>(id[2])) != 'P' || id[3] != '-' ||
      id[12] != '-') {
    return b;
  }
  if (b + kSize < text.size() && IsAlnum(text[b + kSize])) return b;
  if (!std::all_of(id.begin() + 4, id.begin() + 12, IsDigit)) return b;
  if (!std::all_of(id.begin() + 13, id.end(), IsAlnum)) return b;
  const int month = TwoDigits(id, 8), day = TwoDigits(id, 10);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? b + kSize : b;
}

// A number as the header defines it: `begin` is its first byte ('+', '('
// or a digit), `groups` its digit runs (the area code in parentheses is
// one), `end` past its last digit or its ID number's X.
struct Number {
  size_t begin = 0;
  size_t end = 0;
  std::vector<TextRange> groups;
};

size_t DigitsEnd(std::string_view text, size_t i) {
  while (i < text.size() && IsDigit(text[i])) ++i;
  return i;
}

// The number starting at `b`, or one without groups when none does.
Number ReadNumber(std::string_view text, size_t b) {
  Number n{.begin = b, .end = b, .groups = {}};
  size_t i = b;
  if (text[i] == '+') ++i;
  if (i == b && text[i] == '(') {  // (010) 12345678
    size_t e = DigitsEnd(text, i + 1);
    if (e == i + 1 || e >= text.size() || text[e] != ')') return n;
    n.groups.push_back({i + 1, e});
    i = e + 1;
    if (i < text.size() && IsSeparator(text[i])) ++i;
  }
  while (i < text.size() && IsDigit(text[i])) {
    const size_t e = DigitsEnd(text, i);
    n.groups.push_back({i, e});
    n.end = e;
    if (const size_t next = SeparatorRunEnd(text, e); next > e) {
      i = next;
    } else {
      break;
    }
  }
  if (n.end == b) {  // "(010)" or "+" alone
    n.groups.clear();
    return n;
  }
  size_t digits = 0;
  for (const TextRange& g : n.groups) digits += g.end - g.begin;
  if (text[b] != '+' && digits == 17 && n.end < text.size() &&
      (text[n.end] == 'X' || text[n.end] == 'x')) {
    ++n.end;  // an ID number's check character
  }
  return n;
}

// Groups g, g+1, g+2 of `n` spell YYYY-MM-DD.
bool IsDateAt(std::string_view text, const Number& n, size_t g) {
  if (g + 2 >= n.groups.size()) return false;
  const TextRange& y = n.groups[g];
  const TextRange& m = n.groups[g + 1];
  const TextRange& d = n.groups[g + 2];
  // One '-', '.' or '/' between the parts (2026-12-06, 2026.12.06, 2026/12/06).
  auto date_separator = [&](const TextRange& part, const TextRange& next) {
    const char c = text[part.end];
    return next.begin == part.end + 1 && (c == '-' || c == '.' || c == '/');
  };
  if (!date_separator(y, m) || !date_separator(m, d) || y.end - y.begin != 4) return false;
  if (!(text.substr(y.begin, 2) == "19" || text.substr(y.begin, 2) == "20")) return false;
  auto value = [&](const TextRange& r) {
    return r.end - r.begin == 1   ? text[r.begin] - '0'
           : r.end - r.begin == 2 ? TwoDigits(text, r.begin)
                                  : 0;
  };
  const int month = value(m), day = value(d);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// The ASCII letters right before `b` name a phone (Tel13800138000).
bool AfterPhoneLabel(std::string_view text, size_t b) {
  static constexpr std::array<std::string_view, 11> kLabels = {
      "tel", "phone", "mobile", "mob", "cell", "fax", "call", "ph", "qq", "wx", "wechat"};
  size_t a = b;
  while (a > 0 && IsAlpha(text[a - 1])) --a;
  const std::string word = absl::AsciiStrToLower(std::string(text.substr(a, b - a)));
  return std::find(kLabels.begin(), kLabels.end(), word) != kLabels.end();
}

// A part of a number between dates: groups [first, last] of `n`.
struct Part {
  const Number& n;
  size_t first;
  size_t last;

  size_t Begin(size_t from) const { return from == 0 ? n.begin : n.groups[from].begin; }
  size_t End() const { return last + 1 == n.groups.size() ? n.end : n.groups[last].end; }
  size_t Digits(size_t from) const {
    size_t d = 0;
    for (size_t g = from; g <= last; ++g) d += n.groups[g].end - n.groups[g].begin;
    return d + (End() > n.groups[last].end ? 1 : 0);  // an ID's X
  }
  bool PhoneShaped(std::string_view text, size_t from) const {
    const size_t d = Digits(from);
    return d >= 11 || (d >= 10 && text[n.groups[from].begin] == '0');
  }
};

// Appends what of `part` is personal: the rules in the header.
void JudgePart(std::string_view text, const Part& part, std::vector<TextRange>& out) {
  const size_t begin = part.Begin(part.first);
  const bool glued =
      part.first == 0 && begin > 0 && IsAlpha(text[begin - 1]) && !AfterPhoneLabel(text, begin);
  if (!glued) {
    if (part.Digits(part.first) >= 7) out.push_back({begin, part.End()});
    return;
  }
  const size_t rest = part.first + 1;
  if (rest <= part.last && part.PhoneShaped(text, rest)) {
    out.push_back({part.Begin(rest), part.End()});
  } else if (part.PhoneShaped(text, part.first)) {
    out.push_back({begin, part.End()});
  } else if (rest <= part.last && part.Digits(rest) >= 7) {
    out.push_back({part.Begin(rest), part.End()});
  }
}

// Cuts the dates out of `n` and judges the parts between them.
void JudgeNumber(std::string_view text, const Number& n, std::vector<TextRange>& out) {
  size_t first = 0;
  for (size_t g = 0; g < n.groups.size();) {
    const bool prefixed = g == 0 && n.begin != n.groups[0].begin;  // +2026-… or (2026)
    if (!prefixed && IsDateAt(text, n, g)) {
      if (g > first) JudgePart(text, Part{n, first, g - 1}, out);
      g += 3;
      first = g;
    } else {
      ++g;
    }
  }
  if (first < n.groups.size()) JudgePart(text, Part{n, first, n.groups.size() - 1}, out);
}

}  // namespace

std::vector<TextRange> FindPersonalNumbers(std::string_view text,
                                           const std::vector<TextRange>& skip) {
  std::vector<TextRange> out;
  size_t next_skip = 0;
  for (size_t i = 0; i < text.size();) {
    while (next_skip < skip.size() && skip[next_skip].end <= i) ++next_skip;
    if (next_skip < skip.size() && skip[next_skip].begin <= i) {
      i = skip[next_skip].end;
      continue;
    }
    if (const size_t id_end = ComplaintIdEnd(text, i); id_end != i) {
      i = id_end;
      continue;
    }
    // A number ends where an e-mail address found before it begins.
    const std::string_view until_skip =
        text.substr(0, next_skip < skip.size() ? skip[next_skip].begin : text.size());
    const char c = text[i];
    const bool may_start = IsDigit(c) || c == '+' || c == '(';
    const Number n = may_start ? ReadNumber(until_skip, i) : Number{};
    if (n.groups.empty()) {
      ++i;
      continue;
    }
    JudgeNumber(until_skip, n, out);
    i = n.end;
  }
  return out;
}

}  // namespace sqms::complaints::domain
