#include "services/complaints/domain/masking.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"

namespace sqms::complaints::domain {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }
bool IsLocalChar(char c) {
  return IsAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool IsDomainChar(char c) { return IsAsciiAlnum(c) || c == '.' || c == '-'; }

// Keeps the first `head` and last `tail` digits, masks the digits between;
// other characters (+, -, spaces) are kept. All digits masked when too short.
std::string MaskDigits(std::string_view s, size_t head, size_t tail) {
  size_t total = static_cast<size_t>(std::count_if(s.begin(), s.end(), IsDigit));
  if (total <= head + tail) head = tail = 0;
  std::string out(s);
  size_t seen = 0;
  for (char& c : out) {
    if (!IsDigit(c)) continue;
    if (seen >= head && seen < total - tail) c = '*';
    ++seen;
  }
  return out;
}

// Length in bytes of the UTF-8 code point starting with `lead`.
size_t CodePointLength(char lead) {
  auto c = static_cast<unsigned char>(lead);
  return c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
}

struct Span {
  size_t begin;
  size_t end;
  std::string replacement;
};

// E-mail addresses: local@domain.tld, found around each '@'.
void FindEmails(std::string_view text, std::vector<Span>& spans) {
  for (size_t at = text.find('@'); at != text.npos; at = text.find('@', at + 1)) {
    size_t b = at;
    while (b > 0 && IsLocalChar(text[b - 1])) --b;
    size_t e = at + 1;
    while (e < text.size() && IsDomainChar(text[e])) ++e;
    while (e > at + 1 && (text[e - 1] == '.' || text[e - 1] == '-')) --e;
    std::string_view domain = text.substr(at + 1, e - at - 1);
    size_t dot = domain.rfind('.');
    if (b == at || dot == domain.npos || dot == 0 || dot + 2 > domain.size()) continue;
    if (!spans.empty() && spans.back().end > b) continue;
    spans.push_back({b, e, MaskEmail(text.substr(b, e - b))});
  }
}

// A number token starting at `b`: digits; '+' or a leading '0' allow single
// '-'/' ' separators (+86 138 1234 5678, 010-12345678); an 18th character
// may be X (ID numbers). Returns the end, or b when not a number.
size_t NumberEnd(std::string_view text, size_t b, bool* separated) {
  const bool plus = text[b] == '+';
  size_t i = plus ? b + 1 : b;
  if (i >= text.size() || !IsDigit(text[i])) return b;
  const bool allow_sep = plus || text[i] == '0';
  size_t digits = 0;
  *separated = false;
  while (i < text.size()) {
    if (IsDigit(text[i])) {
      ++digits;
      ++i;
    } else if (allow_sep && (text[i] == '-' || text[i] == ' ') && i + 1 < text.size() &&
               IsDigit(text[i + 1])) {
      *separated = true;
      ++i;
    } else {
      break;
    }
  }
  if (!plus && !*separated && digits == 17 && i < text.size() &&
      (text[i] == 'X' || text[i] == 'x')) {
    ++i;
  }
  return i;
}

// A complaint id (CMP-YYYYMMDD-<12 of 0-9A-Z>, RedisKeys::NewId) starting
// at `b`, standing alone: returns its end, or b. Agents copy ids to look
// cases up, so their date must not be taken for a phone number; the shape is
// exact (a real month and day, twelve characters) so that nothing else
// hides behind the prefix. Either case: an agent may type it in lower case.
size_t ComplaintIdEnd(std::string_view text, size_t b) {
  constexpr size_t kSize = 4 + 8 + 1 + 12;
  if (b > 0 && IsAsciiAlnum(text[b - 1])) return b;
  std::string_view id = text.substr(b, kSize);
  if (id.size() != kSize || absl::AsciiStrToUpper(std::string(id.substr(0, 4))) != "CMP-" ||
      id[12] != '-') {
    return b;
  }
  if (b + kSize < text.size() && IsAsciiAlnum(text[b + kSize])) return b;
  if (!std::all_of(id.begin() + 4, id.begin() + 12, IsDigit)) return b;
  if (!std::all_of(id.begin() + 13, id.end(), IsAsciiAlnum)) return b;
  const int month = (id[8] - '0') * 10 + (id[9] - '0');
  const int day = (id[10] - '0') * 10 + (id[11] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? b + kSize : b;
}

void FindNumbers(std::string_view text, std::vector<Span>& spans) {
  std::vector<Span> found;
  size_t next_email = 0;
  for (size_t i = 0; i < text.size();) {
    while (next_email < spans.size() && spans[next_email].end <= i) ++next_email;
    if (next_email < spans.size() && spans[next_email].begin <= i) {
      i = spans[next_email].end;
      continue;
    }
    if (size_t id_end = ComplaintIdEnd(text, i); id_end != i) {
      i = id_end;
      continue;
    }
    bool starts = (IsDigit(text[i]) || text[i] == '+') && (i == 0 || !IsAsciiAlnum(text[i - 1]));
    bool separated = false;
    size_t e = starts ? NumberEnd(text, i, &separated) : i;
    if (e == i) {
      ++i;
      continue;
    }
    std::string_view token = text.substr(i, e - i);
    size_t digits = static_cast<size_t>(std::count_if(token.begin(), token.end(), IsDigit));
    bool bounded = e == text.size() || !IsAsciiAlnum(text[e]);
    bool id_like = token[0] != '+' && !separated &&
                   (token.size() == 18 || (token.size() == 15 && digits == 15));
    if (bounded && id_like) {
      found.push_back({i, e, MaskIdNumber(token)});
    } else if (bounded && digits >= 7 && digits <= 20) {
      found.push_back({i, e, MaskDigits(token, 3, 4)});
    }
    i = e;
  }
  spans.insert(spans.end(), found.begin(), found.end());
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.begin < b.begin; });
}

}  // namespace

std::string MaskPhone(std::string_view phone) { return MaskDigits(phone, 3, 4); }

std::string MaskEmail(std::string_view email) {
  size_t at = email.rfind('@');
  if (at == email.npos) return email.empty() ? "" : "***";
  if (at == 0) return std::string("***") + std::string(email.substr(at));
  size_t first = CodePointLength(email[0]);
  return std::string(email.substr(0, std::min(first, at))) + "***" +
         std::string(email.substr(at));
}

std::string MaskIdNumber(std::string_view id) {
  if (id.size() <= 7) return std::string(id.size(), '*');
  return std::string(id.substr(0, 3)) + std::string(id.size() - 7, '*') +
         std::string(id.substr(id.size() - 4));
}

std::string MaskName(std::string_view name) {
  std::string out;
  bool word_start = true;
  for (size_t i = 0; i < name.size();) {
    size_t len = std::min(CodePointLength(name[i]), name.size() - i);
    if (name[i] == ' ') {
      out += ' ';
      word_start = true;
    } else if (word_start) {
      out.append(name.substr(i, len));
      word_start = false;
    } else {
      out += '*';
    }
    i += len;
  }
  return out;
}

std::string MaskText(std::string_view text) {
  std::vector<Span> spans;
  FindEmails(text, spans);
  FindNumbers(text, spans);
  if (spans.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (const Span& s : spans) {
    out.append(text.substr(pos, s.begin - pos));
    out += s.replacement;
    pos = s.end;
  }
  out.append(text.substr(pos));
  return out;
}

Complainant MaskComplainant(const Complainant& complainant) {
  Complainant out = complainant;
  out.name = MaskName(complainant.name);
  out.phone = MaskPhone(complainant.phone);
  out.email = MaskEmail(complainant.email);
  out.id_number = MaskIdNumber(complainant.id_number);
  return out;
}

Complaint MaskForAgent(const Complaint& complaint) {
  Complaint out = complaint;
  out.complainant = MaskComplainant(complaint.complainant);
  out.title = MaskText(complaint.title);
  out.content = MaskText(complaint.content);
  out.resolution.findings = MaskText(complaint.resolution.findings);
  out.resolution.root_cause = MaskText(complaint.resolution.root_cause);
  out.resolution.corrective_action = MaskText(complaint.resolution.corrective_action);
  out.reply = MaskText(complaint.reply);
  out.follow_up.comment = MaskText(complaint.follow_up.comment);
  for (AuditEntry& entry : out.audit) entry.note = MaskText(entry.note);
  return out;
}

std::string ComplainantIdentity(const Complainant& c) {
  std::string digits;
  for (char ch : c.phone) {
    if (IsDigit(ch)) digits += ch;
  }
  // +86 138... and 138... are the same mobile.
  if (digits.size() == 13 && digits.starts_with("861")) digits.erase(0, 2);
  if (!digits.empty()) return "p:" + digits;
  if (!c.email.empty()) return "e:" + absl::AsciiStrToLower(c.email);
  if (!c.id_number.empty()) return "i:" + absl::AsciiStrToUpper(c.id_number);
  return "";
}

}  // namespace sqms::complaints::domain
