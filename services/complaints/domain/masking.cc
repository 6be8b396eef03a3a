#include "services/complaints/domain/masking.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "services/complaints/domain/text_numbers.h"
#include "services/complaints/domain/utf8.h"

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
// With `final_x`, an X or x right after the last digit counts as a digit
// (ID numbers: 11010519491231002X).
std::string MaskDigits(std::string_view s, size_t head, size_t tail, bool final_x = false) {
  std::string out(s);
  const bool x = final_x && out.size() >= 2 && (out.back() == 'X' || out.back() == 'x') &&
                 IsDigit(out[out.size() - 2]);
  auto counts = [&](size_t i) { return IsDigit(out[i]) || (x && i + 1 == out.size()); };
  size_t total = 0;
  for (size_t i = 0; i < out.size(); ++i) total += counts(i) ? 1 : 0;
  if (total <= head + tail) head = tail = 0;
  size_t seen = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    if (!counts(i)) continue;
    if (seen >= head && seen < total - tail) out[i] = '*';
    ++seen;
  }
  return out;
}

// Text with full-width forms (U+FF01..U+FF5E: １３８, ＋, （, ＠, Ｘ), the
// ideographic and no-break spaces and the Unicode dashes replaced by their
// ASCII forms, and the Chinese numerals of a dictated number (一三八〇〇…,
// 幺 for 1: speech-to-text writes hotline calls so) by ASCII digits, so that
// numbers and addresses typed on a Chinese keyboard or dictated are found
// like ASCII ones; `source[i]` is the byte of the original text that byte i
// came from (one entry more, for the end). A numeral alone ("第一次") is a
// one-digit number, far below what is masked.
struct FoldedText {
  std::string text;
  std::vector<size_t> source;
};

// The digit a Chinese numeral of a dictated number stands for, else -1.
int ChineseDigit(char32_t code_point) {
  switch (code_point) {
    case 0x3007:
    case 0x96F6:
      return 0;  // 〇 零
    case 0x4E00:
    case 0x5E7A:
      return 1;  // 一 幺
    case 0x4E8C:
      return 2;  // 二
    case 0x4E09:
      return 3;  // 三
    case 0x56DB:
      return 4;  // 四
    case 0x4E94:
      return 5;  // 五
    case 0x516D:
      return 6;  // 六
    case 0x4E03:
      return 7;  // 七
    case 0x516B:
      return 8;  // 八
    case 0x4E5D:
      return 9;  // 九
    default:
      return -1;
  }
}

// nullopt for ASCII text, which is then searched as it is, without a copy
// or a map.
std::optional<FoldedText> FoldWidth(std::string_view in) {
  if (std::all_of(in.begin(), in.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    return std::nullopt;
  }
  FoldedText f;
  f.text.reserve(in.size());
  f.source.reserve(in.size() + 1);
  auto byte = [&](size_t i) -> unsigned char {
    return i < in.size() ? static_cast<unsigned char>(in[i]) : 0;
  };
  for (size_t i = 0; i < in.size();) {
    const unsigned char a = byte(i), b = byte(i + 1), c = byte(i + 2);
    char ascii = 0;
    size_t len = 1;
    if (a == 0xEF && (b == 0xBC || b == 0xBD) && c >= 0x80 && c <= 0xBF) {
      const int code = 0xFF00 + (b - 0xBC) * 0x40 + (c - 0x80);  // U+FF00..U+FF7F
      if (code >= 0xFF01 && code <= 0xFF5E) {
        ascii = static_cast<char>(code - 0xFEE0);
        len = 3;
      }
    } else if (a == 0xE3 && b == 0x80 && c == 0x80) {  // U+3000
      ascii = ' ';
      len = 3;
    } else if (a == 0xC2 && b == 0xA0) {  // U+00A0
      ascii = ' ';
      len = 2;
    } else if ((a == 0xE2 && b == 0x80 && c >= 0x90 && c <= 0x95) ||  // U+2010..U+2015
               (a == 0xE2 && b == 0x88 && c == 0x92)) {               // U+2212
      ascii = '-';
      len = 3;
    } else if ((a & 0xF0) == 0xE0 && (b & 0xC0) == 0x80 && (c & 0xC0) == 0x80) {
      const char32_t code = ((a & 0x0Fu) << 12) | ((b & 0x3Fu) << 6) | (c & 0x3Fu);
      if (const int digit = ChineseDigit(code); digit >= 0) {
        ascii = static_cast<char>('0' + digit);
        len = 3;
      }
    }
    f.text.push_back(ascii != 0 ? ascii : static_cast<char>(a));
    f.source.push_back(i);
    i += len;
  }
  f.source.push_back(in.size());
  return f;
}

struct Span {
  TextRange range;
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
    if (!spans.empty() && spans.back().range.end > b) continue;
    spans.push_back({{b, e}, MaskEmail(text.substr(b, e - b))});
  }
}

}  // namespace

std::string MaskPhone(std::string_view phone) { return MaskDigits(phone, 3, 4); }

std::string MaskEmail(std::string_view email) {
  size_t at = email.rfind('@');
  if (at == email.npos) return email.empty() ? "" : "***";
  if (at == 0) return std::string("***") + std::string(email.substr(at));
  size_t first = Utf8Length(static_cast<unsigned char>(email[0]));
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
    size_t len = std::min(Utf8Length(static_cast<unsigned char>(name[i])), name.size() - i);
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
  const std::optional<FoldedText> folded = FoldWidth(text);
  const std::string_view search = folded ? std::string_view(folded->text) : text;
  auto source = [&](size_t i) { return folded ? folded->source[i] : i; };
  std::vector<Span> spans;
  FindEmails(search, spans);
  std::vector<TextRange> emails;
  for (const Span& s : spans) emails.push_back(s.range);
  for (const TextRange& r : FindPersonalNumbers(search, emails)) {
    spans.push_back(
        {r, MaskDigits(search.substr(r.begin, r.end - r.begin), 3, 4, /*final_x=*/true)});
  }
  if (spans.empty()) return std::string(text);
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.range.begin < b.range.begin; });
  // Between the spans the original text, full width and all.
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (const Span& s : spans) {
    const size_t begin = source(s.range.begin);
    out.append(text.substr(pos, begin - pos));
    out += s.replacement;
    pos = source(s.range.end);
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

namespace {

// The phone's digits in China's national form: +86 / 0086 138… is the
// mobile 138…, +86 10 8888 6666 the landline 010 8888 6666 (the trunk 0
// restored); other countries keep their code.
std::string NationalPhone(std::string_view phone) {
  std::string digits;
  for (char ch : phone) {
    if (IsDigit(ch)) digits += ch;
  }
  const size_t first = phone.find_first_not_of(" \t");
  const std::string_view given = phone.substr(std::min(first, phone.size()));
  const bool international = given.starts_with('+') || given.starts_with("00");
  if (given.starts_with("00")) digits.erase(0, 2);
  // 86138… without the '+' as well: before the other spellings were
  // folded, that one was, so complaints stored then keep their identity.
  const bool china =
      digits.starts_with("86") && (international || (digits.size() == 13 && digits[2] == '1'));
  if (!china) return digits;
  std::string national = digits.substr(2);
  const bool mobile = national.size() == 11 && national[0] == '1';
  if (!mobile && !national.empty() && national[0] != '0') national.insert(0, "0");
  return national;
}

}  // namespace

std::string ComplainantIdentity(const Complainant& c) {
  const std::string digits = NationalPhone(c.phone);
  if (!digits.empty()) return "p:" + digits;
  if (!c.email.empty()) return "e:" + absl::AsciiStrToLower(c.email);
  if (!c.id_number.empty()) return "i:" + absl::AsciiStrToUpper(c.id_number);
  return "";
}

}  // namespace sqms::complaints::domain
