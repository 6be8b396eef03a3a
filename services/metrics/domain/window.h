#pragma once
// Tumbling windows by event time on the calendar of a time zone: an
// Asia/Shanghai month is that month's days in Shanghai, not 30 UTC days;
// a day in Europe/Berlin may last 23 or 25 hours. Weeks start on Monday
// (ISO 8601), quarters on January, April, July and October 1.
//
// A window runs from the first instant the zone's clock reads its start to
// the first instant it reads the next window's start, so windows tile the
// time line and every label names one window. Where the clock springs
// forward, periods inside the gap have no window (Berlin 2026-03-29 has no
// hour "T02"). Where it falls back, the repeated time stays in the window
// that was open when the clock went back: the repeated hour "T02" of
// Berlin 2026-10-25 is one two-hour window, and in minutes the second pass
// through 02:00–02:59 belongs to "02:59", which ends when 03:00 is first read.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace sqms::metrics::domain {

enum class WindowSize { kMinute, kHour, kDay, kWeek, kMonth, kQuarter };

// All sizes, smallest first.
std::span<const WindowSize> AllWindowSizes();
// "minute", "hour", "day", "week", "month", "quarter".
std::string_view WindowSizeName(WindowSize size);
std::optional<WindowSize> ParseWindowSize(std::string_view name);

struct Window {
  WindowSize size = WindowSize::kDay;
  absl::Time start;  // inclusive
  absl::Time end;    // exclusive
  bool operator==(const Window&) const = default;
};

// The time KPIs cover: event times and windows lie in [kCoveredFrom,
// kCoveredUntil), 1970-01-01T00:00:00Z to 9000-01-01T00:00:00Z. That is
// well inside what the API's timestamps carry (google.protobuf.Timestamp:
// years 1 to 9999), so the windows next to a covered one — a comparison's
// previous period, the period after a range — can be encoded too. The
// event decoders refuse an event dated outside; queries refuse a period
// label outside.
inline constexpr absl::Time kCoveredFrom = absl::UnixEpoch();
inline constexpr absl::Time kCoveredUntil = absl::FromUnixSeconds(221845392000);  // 9000-01-01
// Whether `t`, or all of `w`, lies in the covered time.
bool Covered(absl::Time t);
bool Covered(const Window& w);

// The window of `size` that contains `t` in `zone` (start <= t < end).
Window WindowOf(absl::Time t, WindowSize size, const absl::TimeZone& zone);
// The window right after / before `w`.
Window NextWindow(const Window& w, const absl::TimeZone& zone);
Window PreviousWindow(const Window& w, const absl::TimeZone& zone);

// The window's name in `zone`: "2026-12-02T10:05" (minute), "2026-12-02T10"
// (hour), "2026-12-02" (day), "2026-W49" (ISO week), "2026-12" (month),
// "2026-Q4" (quarter).
std::string WindowLabel(const Window& w, const absl::TimeZone& zone);
// The inverse of WindowLabel; nullopt when `label` is not the exact label
// of a window of `size` in `zone` (wrong form, no such date, ISO week 53 of
// a 52-week year, an hour skipped by a clock change).
std::optional<Window> ParseWindowLabel(std::string_view label, WindowSize size,
                                       const absl::TimeZone& zone);
// Whether `label` is the label of the window right after `w` (NextWindow).
bool NamesNextWindow(std::string_view label, const Window& w, const absl::TimeZone& zone);

// A time-of-day band (e.g. "night" 22:00–06:00), in the zone's local time;
// `from` may be later than `to` (the band crosses midnight); `from` equal
// to `to` is an empty band.
struct DayBand {
  std::string name;
  int from_minute = 0;  // minutes after local midnight, 0..1439
  int to_minute = 0;    // exclusive
};
// The name of the first band containing `t`'s local time (a view into
// `bands`), or "other".
std::string_view BandOf(absl::Time t, std::span<const DayBand> bands, const absl::TimeZone& zone);

}  // namespace sqms::metrics::domain
