#include "services/metrics/domain/window.h"

#include <array>
#include <cstdint>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

namespace sqms::metrics::domain {
namespace {

constexpr std::array<WindowSize, 6> kSizes = {WindowSize::kMinute, WindowSize::kHour,
                                              WindowSize::kDay,    WindowSize::kWeek,
                                              WindowSize::kMonth,  WindowSize::kQuarter};
constexpr std::array<std::string_view, 6> kSizeNames = {"minute", "hour",  "day",
                                                        "week",   "month", "quarter"};

// The local civil second at which the period of `size` containing `cs` begins.
absl::CivilSecond PeriodStart(absl::CivilSecond cs, WindowSize size) {
  switch (size) {
    case WindowSize::kMinute:
      return absl::CivilMinute(cs);
    case WindowSize::kHour:
      return absl::CivilHour(cs);
    case WindowSize::kDay:
      return absl::CivilDay(cs);
    case WindowSize::kWeek: {
      absl::CivilDay day(cs);
      while (absl::GetWeekday(day) != absl::Weekday::monday) --day;
      return day;
    }
    case WindowSize::kMonth:
      return absl::CivilMonth(cs);
    case WindowSize::kQuarter: {
      const absl::CivilMonth month(cs);
      return absl::CivilMonth(month.year(), (month.month() - 1) / 3 * 3 + 1);
    }
  }
  return cs;
}

absl::CivilSecond NextPeriod(absl::CivilSecond start, WindowSize size) {
  switch (size) {
    case WindowSize::kMinute:
      return absl::CivilMinute(start) + 1;
    case WindowSize::kHour:
      return absl::CivilHour(start) + 1;
    case WindowSize::kDay:
      return absl::CivilDay(start) + 1;
    case WindowSize::kWeek:
      return absl::CivilDay(start) + 7;
    case WindowSize::kMonth:
      return absl::CivilMonth(start) + 1;
    case WindowSize::kQuarter:
      return absl::CivilMonth(start) + 3;
  }
  return start;
}

// The first instant at which the zone's clock reads `cs` or later: in a
// skipped range the transition, in a repeated range its first occurrence.
// Monotonic in `cs`, so consecutive periods tile the time line; a period
// that lies wholly in a gap is empty, and the period before the end of a
// repeated range runs until the clock first reads the next period.
absl::Time FirstInstant(absl::CivilSecond cs, const absl::TimeZone& zone) {
  const absl::TimeZone::TimeInfo info = zone.At(cs);
  return info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
}

Window PeriodWindow(absl::CivilSecond start, WindowSize size, const absl::TimeZone& zone) {
  return Window{size, FirstInstant(start, zone), FirstInstant(NextPeriod(start, size), zone)};
}

// The ISO 8601 week-numbering year and week of the week starting `monday`.
std::pair<int64_t, int> IsoWeek(absl::CivilDay monday) {
  const absl::CivilDay thursday = monday + 3;  // a week belongs to its Thursday's year
  return {thursday.year(), (absl::GetYearDay(thursday) - 1) / 7 + 1};
}

// The Monday of ISO week 1 of `year`: the week that contains January 4.
absl::CivilDay IsoWeekOne(int64_t year) {
  return absl::CivilDay(PeriodStart(absl::CivilDay(year, 1, 4), WindowSize::kWeek));
}

std::string CivilLabel(absl::CivilSecond start, WindowSize size) {
  switch (size) {
    case WindowSize::kMinute:
      return absl::StrFormat("%04d-%02d-%02dT%02d:%02d", start.year(), start.month(), start.day(),
                             start.hour(), start.minute());
    case WindowSize::kHour:
      return absl::StrFormat("%04d-%02d-%02dT%02d", start.year(), start.month(), start.day(),
                             start.hour());
    case WindowSize::kDay:
      return absl::StrFormat("%04d-%02d-%02d", start.year(), start.month(), start.day());
    case WindowSize::kWeek: {
      const auto [year, week] = IsoWeek(absl::CivilDay(start));
      return absl::StrFormat("%04d-W%02d", year, week);
    }
    case WindowSize::kMonth:
      return absl::StrFormat("%04d-%02d", start.year(), start.month());
    case WindowSize::kQuarter:
      return absl::StrFormat("%04d-Q%d", start.year(), (start.month() - 1) / 3 + 1);
  }
  return "";
}

// The digits at [pos, pos + len) of `s`, or -1 when they are not all digits.
int Digits(std::string_view s, size_t pos, size_t len) {
  if (pos + len > s.size()) return -1;
  int value = 0;
  for (char ch : s.substr(pos, len)) {
    if (ch < '0' || ch > '9') return -1;
    value = value * 10 + (ch - '0');
  }
  return value;
}

// The civil start a label names, not yet checked for being canonical.
std::optional<absl::CivilSecond> ParseCivil(std::string_view label, WindowSize size) {
  const int year = Digits(label, 0, 4);
  if (year < 0 || label.size() < 7 || label[4] != '-') return std::nullopt;
  switch (size) {
    case WindowSize::kWeek: {
      const int week = label[5] == 'W' ? Digits(label, 6, 2) : -1;
      if (week < 1) return std::nullopt;
      return IsoWeekOne(year) + 7 * (week - 1);
    }
    case WindowSize::kQuarter: {
      const int quarter = label[5] == 'Q' ? Digits(label, 6, 1) : -1;
      if (quarter < 1 || quarter > 4) return std::nullopt;
      return absl::CivilMonth(year, 3 * (quarter - 1) + 1);
    }
    default:
      break;
  }
  const int month = Digits(label, 5, 2);
  const int day = label.size() >= 10 ? Digits(label, 8, 2) : 1;
  const int hour = label.size() >= 13 ? Digits(label, 11, 2) : 0;
  const int minute = label.size() >= 16 ? Digits(label, 14, 2) : 0;
  if (month < 0 || day < 0 || hour < 0 || minute < 0) return std::nullopt;
  return PeriodStart(absl::CivilSecond(year, month, day, hour, minute, 0), size);
}

}  // namespace

std::span<const WindowSize> AllWindowSizes() { return kSizes; }

std::string_view WindowSizeName(WindowSize size) {
  return kSizeNames[static_cast<size_t>(size)];
}

std::optional<WindowSize> ParseWindowSize(std::string_view name) {
  for (size_t i = 0; i < kSizes.size(); ++i) {
    if (kSizeNames[i] == name) return kSizes[i];
  }
  return std::nullopt;
}

Window WindowOf(absl::Time t, WindowSize size, const absl::TimeZone& zone) {
  absl::CivilSecond start = PeriodStart(absl::ToCivilSecond(t, zone), size);
  // After a clock is set back, `t` may read a period whose window already
  // ended (its first occurrence); it belongs to the window still open then.
  while (FirstInstant(NextPeriod(start, size), zone) <= t) start = NextPeriod(start, size);
  return PeriodWindow(start, size, zone);
}

Window NextWindow(const Window& w, const absl::TimeZone& zone) {
  return WindowOf(w.end, w.size, zone);
}

Window PreviousWindow(const Window& w, const absl::TimeZone& zone) {
  // Windows start on whole seconds, so this instant is in the one before.
  return WindowOf(w.start - absl::Nanoseconds(1), w.size, zone);
}

std::string WindowLabel(const Window& w, const absl::TimeZone& zone) {
  return CivilLabel(PeriodStart(absl::ToCivilSecond(w.start, zone), w.size), w.size);
}

std::optional<Window> ParseWindowLabel(std::string_view label, WindowSize size,
                                       const absl::TimeZone& zone) {
  const std::optional<absl::CivilSecond> start = ParseCivil(label, size);
  if (!start.has_value()) return std::nullopt;
  const Window w = PeriodWindow(*start, size, zone);
  // Only the canonical spelling of a period that exists in `zone` is a label:
  // this rejects "2026-02-30", "2026-W53" of a 52-week year, and an hour
  // skipped by a clock change.
  if (w.end <= w.start || WindowLabel(w, zone) != label) return std::nullopt;
  return w;
}

bool Covered(absl::Time t) { return t >= kCoveredFrom && t < kCoveredUntil; }

bool Covered(const Window& w) { return w.start >= kCoveredFrom && w.end <= kCoveredUntil; }

std::string_view BandOf(absl::Time t, std::span<const DayBand> bands,
                        const absl::TimeZone& zone) {
  const absl::CivilSecond local = absl::ToCivilSecond(t, zone);
  const int minute = local.hour() * 60 + local.minute();
  for (const DayBand& band : bands) {
    const bool inside = band.from_minute <= band.to_minute
                            ? minute >= band.from_minute && minute < band.to_minute
                            : minute >= band.from_minute || minute < band.to_minute;
    if (inside) return band.name;
  }
  return "other";
}

bool NamesNextWindow(std::string_view label, const Window& w, const absl::TimeZone& zone) {
  return !label.empty() && label == WindowLabel(NextWindow(w, zone), zone);
}

}  // namespace sqms::metrics::domain
