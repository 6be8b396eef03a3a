#include "services/complaints/domain/business_calendar.h"

#include <algorithm>
#include <utility>

namespace sqms::complaints::domain {
namespace {

// A calendar that is never open would make Add loop forever; after this many
// closed days in a row it gives up and returns InfiniteFuture.
constexpr int kMaxClosedDays = 3 * 366;

int WeekdayIndex(absl::CivilDay day) {
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::monday: return 0;
    case absl::Weekday::tuesday: return 1;
    case absl::Weekday::wednesday: return 2;
    case absl::Weekday::thursday: return 3;
    case absl::Weekday::friday: return 4;
    case absl::Weekday::saturday: return 5;
    case absl::Weekday::sunday: return 6;
  }
  return 0;
}

// Open interval of one local day as instants; empty (end <= start) if closed.
struct Interval {
  absl::Time start;
  absl::Time end;
  bool empty() const { return end <= start; }
};

absl::Time LocalAt(absl::CivilDay day, absl::Duration offset, absl::TimeZone zone) {
  absl::CivilSecond at = absl::CivilSecond(day) + absl::ToInt64Seconds(offset);
  return absl::FromCivil(at, zone);
}

Interval OpenInterval(const BusinessCalendarSpec& spec, absl::CivilDay day) {
  if (spec.always_open) {
    return {LocalAt(day, absl::ZeroDuration(), spec.zone),
            LocalAt(day + 1, absl::ZeroDuration(), spec.zone)};
  }
  WorkingHours hours;
  if (spec.extra_workdays.contains(day)) {
    hours = spec.week.empty() ? WorkingHours{} : spec.week[0];
  } else if (spec.holidays.contains(day)) {
    return {};
  } else {
    size_t index = static_cast<size_t>(WeekdayIndex(day));
    if (index >= spec.week.size()) return {};
    hours = spec.week[index];
  }
  absl::Duration start = std::clamp(hours.start, absl::ZeroDuration(), absl::Hours(24));
  absl::Duration end = std::clamp(hours.end, absl::ZeroDuration(), absl::Hours(24));
  if (end <= start) return {};
  return {LocalAt(day, start, spec.zone), LocalAt(day, end, spec.zone)};
}

}  // namespace

BusinessCalendar::BusinessCalendar(BusinessCalendarSpec spec) : spec_(std::move(spec)) {}

absl::Time BusinessCalendar::Add(absl::Time from, absl::Duration business) const {
  if (business < absl::ZeroDuration()) business = absl::ZeroDuration();
  if (spec_.always_open) return from + business;
  if (from == absl::InfinitePast() || from == absl::InfiniteFuture()) return from;
  absl::Duration remaining = business;
  absl::CivilDay day = absl::ToCivilDay(from, spec_.zone);
  int closed_days = 0;
  // The previous local day is checked too: its hours cannot reach past
  // midnight today, but starting a day early keeps the loop simple and safe.
  for (day -= 1; closed_days < kMaxClosedDays; ++day) {
    Interval open = OpenInterval(spec_, day);
    absl::Time start = std::max(open.start, from);
    if (open.empty() || open.end <= start) {
      ++closed_days;
      continue;
    }
    closed_days = 0;
    absl::Duration available = open.end - start;
    if (remaining <= available) return start + remaining;
    remaining -= available;
  }
  return absl::InfiniteFuture();
}

absl::Duration BusinessCalendar::Between(absl::Time from, absl::Time to) const {
  if (to <= from) return absl::ZeroDuration();
  if (spec_.always_open) return to - from;
  if (from == absl::InfinitePast() || to == absl::InfiniteFuture()) {
    return absl::InfiniteDuration();
  }
  absl::Duration total = absl::ZeroDuration();
  absl::CivilDay last = absl::ToCivilDay(to, spec_.zone);
  for (absl::CivilDay day = absl::ToCivilDay(from, spec_.zone) - 1; day <= last; ++day) {
    Interval open = OpenInterval(spec_, day);
    absl::Time start = std::max(open.start, from);
    absl::Time end = std::min(open.end, to);
    if (!open.empty() && end > start) total += end - start;
  }
  return total;
}

bool BusinessCalendar::IsOpen(absl::Time t) const {
  if (spec_.always_open) return true;
  absl::CivilDay day = absl::ToCivilDay(t, spec_.zone);
  Interval open = OpenInterval(spec_, day);
  return !open.empty() && open.start <= t && t < open.end;
}

std::vector<int> YearsWithoutHolidays(const BusinessCalendarSpec& spec, absl::Time now) {
  std::vector<int> missing;
  if (spec.always_open) return missing;
  const int year = static_cast<int>(absl::ToCivilYear(now, spec.zone).year());
  for (int y : {year, year + 1}) {
    if (!spec.holiday_years.contains(y)) missing.push_back(y);
  }
  return missing;
}

}  // namespace sqms::complaints::domain
