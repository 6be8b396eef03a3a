// Rendering helpers for human tables and proto JSON. Pure: no I/O, no RPC.
#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace sqms::tools {

enum class OutputFormat { kTable, kJson };

// Terminal columns a UTF-8 string occupies: East Asian wide characters (CJK,
// full-width forms, Hangul) count 2, combining marks 0, the rest 1. Invalid
// bytes count 1 each.
int DisplayWidth(std::string_view utf8);

// s cut to at most max_width columns, ending in "…" when it was cut. Never
// splits a UTF-8 sequence. Newlines and tabs become spaces.
std::string Truncate(std::string_view utf8, int max_width);

// s followed by spaces up to width columns (unchanged when already wider).
std::string PadRight(std::string_view utf8, int width);

// One line of output printed as it arrives (the watch commands): fixed
// columns, each cell but the last padded to its width in `widths` and
// followed by two spaces, so columns never run together; the last cell
// unpadded. A longer value shifts only its own line.
std::string FixedColumns(const std::vector<std::string>& cells, std::span<const int> widths);

// A table whose columns are aligned by display width, separated by two
// spaces, with the header row first. Missing cells render empty, extra cells
// are dropped. Not thread-safe.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  void AddRow(std::vector<std::string> cells);
  size_t row_count() const { return rows_.size(); }

  // Every line ends in '\n'; no trailing spaces.
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// Every line of text (a Table's Render, say) prefixed by indent; the last
// line ends in '\n' even when text did not. "" stays "".
std::string Indented(std::string_view text, std::string_view indent);

// The zone every FormatTimestamp shows times in: the operator's. UTC until
// set; sqmsctl sets it once after parsing its flags (DisplayZoneFor), before
// any output. Not thread-safe against concurrent FormatTimestamp calls.
void SetDisplayZone(absl::TimeZone zone);

// sqmsctl's rule: UTC with --utc; else $TZ when set (":Area/City" too);
// else Asia/Shanghai, the business calendar's zone (triage.yaml). Returns
// INVALID_ARGUMENT naming the zone when $TZ names none that is installed.
absl::StatusOr<absl::TimeZone> DisplayZoneFor(bool utc, const char* tz_env);

// RFC 3339 in the display zone, no fraction: "2024-05-01T16:30:00+08:00",
// or "2024-05-01T08:30:00Z" in UTC; "-" when unset (zero).
std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp);

// Proto JSON of message on one line (lowerCamelCase names, enums as names).
// Returns "{}" if serialization fails, which only a broken message can cause.
std::string ToJson(const google::protobuf::Message& message);

}  // namespace sqms::tools
