#include "tools/sqmsctl/output.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cstdint>

namespace sqms::tools {

namespace {

// Decodes one code point at s[i]; advances i. Invalid bytes decode as
// themselves (one byte) so width stays defined.
char32_t NextCodePoint(std::string_view s, size_t& i) {
  auto byte = static_cast<unsigned char>(s[i]);
  int length = byte < 0x80           ? 1
               : (byte >> 5) == 0x6  ? 2
               : (byte >> 4) == 0xE  ? 3
               : (byte >> 3) == 0x1E ? 4
                                     : 0;
  if (length == 0 || i + length > s.size()) {
    ++i;
    return byte;
  }
  char32_t cp = length == 1 ? byte : byte & (0x7F >> length);
  for (int k = 1; k < length; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += length;
  return cp;
}

int CodePointWidth(char32_t cp) {
  if (cp >= 0x0300 && cp <= 0x036F) return 0;  // combining diacritics
  if (cp == 0x200B || (cp >= 0xFE00 && cp <= 0xFE0F)) return 0;
  bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
              (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
              (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
              (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
              (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
              (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
              (cp >= 0x20000 && cp <= 0x3FFFD);
  return wide ? 2 : 1;
}

std::string RightTrimmed(std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

}  // namespace

int DisplayWidth(std::string_view utf8) {
  int width = 0;
  for (size_t i = 0; i < utf8.size();) width += CodePointWidth(NextCodePoint(utf8, i));
  return width;
}

std::string Truncate(std::string_view utf8, int max_width) {
  if (max_width <= 0) return "";
  // Cut to one column less than allowed when needed, for the ellipsis.
  bool cut = DisplayWidth(utf8) > max_width;
  int budget = cut ? max_width - 1 : max_width;
  std::string out;
  int width = 0;
  for (size_t i = 0; i < utf8.size();) {
    size_t start = i;
    char32_t cp = NextCodePoint(utf8, i);
    int w = CodePointWidth(cp);
    if (width + w > budget) break;
    bool space = cp == '\n' || cp == '\t' || cp == '\r';
    out += space ? std::string_view(" ") : utf8.substr(start, i - start);
    width += w;
  }
  return cut ? out + "…" : out;
}

std::string PadRight(std::string_view utf8, int width) {
  std::string out(utf8);
  int have = DisplayWidth(utf8);
  if (have < width) out.append(static_cast<size_t>(width - have), ' ');
  return out;
}

std::string FixedColumns(const std::vector<std::string>& cells, std::span<const int> widths) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i + 1 == cells.size() || i >= widths.size()) return line + cells[i];
    line += PadRight(cells[i], widths[i]) + "  ";
  }
  return line;
}

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  std::vector<int> widths(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c) widths[c] = DisplayWidth(headers_[c]);
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  auto render_row = [&widths](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) line += "  ";
      line += PadRight(row[c], widths[c]);
    }
    return RightTrimmed(std::move(line)) + "\n";
  };
  std::string out = render_row(headers_);
  for (const auto& row : rows_) out += render_row(row);
  return out;
}

std::string Indented(std::string_view text, std::string_view indent) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.append(indent).append(text.substr(start, end - start)).append("\n");
    start = end + 1;
  }
  return out;
}

namespace {
absl::TimeZone& DisplayZone() {
  static absl::TimeZone zone = absl::UTCTimeZone();
  return zone;
}
}  // namespace

void SetDisplayZone(absl::TimeZone zone) { DisplayZone() = zone; }

absl::StatusOr<absl::TimeZone> DisplayZoneFor(bool utc, const char* tz_env) {
  if (utc) return absl::UTCTimeZone();
  std::string name = tz_env != nullptr && *tz_env != '\0' ? tz_env : "Asia/Shanghai";
  if (name[0] == ':') name.erase(0, 1);
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(name, &zone)) {
    return absl::InvalidArgumentError("unknown time zone \"" + name +
                                      "\" (from $TZ); use --utc or a name such as Asia/Shanghai");
  }
  return zone;
}

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "-";
  absl::Time at = absl::FromUnixSeconds(timestamp.seconds());
  const absl::TimeZone& zone = DisplayZone();
  if (zone.name() == "UTC") return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", at, zone);
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", at, zone);
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) return "{}";
  return json;
}

}  // namespace sqms::tools
