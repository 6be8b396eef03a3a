#pragma once
// Working hours, time zone and holidays; arithmetic in business time.
// Pure and immutable: safe to share across threads.

#include <set>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace sqms::complaints::domain {

struct WorkingHours {
  absl::Duration start = absl::Hours(8);  // offset from local midnight
  absl::Duration end = absl::Hours(18);   // end > start
};

struct BusinessCalendarSpec {
  absl::TimeZone zone;                           // e.g. Asia/Shanghai
  // Index 0 = Monday .. 6 = Sunday; nullopt-like: start == end means closed.
  std::vector<WorkingHours> week = std::vector<WorkingHours>(7);
  std::set<absl::CivilDay> holidays;             // closed all day
  std::set<absl::CivilDay> extra_workdays;       // open with Monday's hours (调休)
  // Years whose official holidays were configured (a holiday file each, or
  // inline holidays in that year). A year missing here has no holidays at
  // all: every public holiday would count as a working day.
  std::set<int> holiday_years;
  bool always_open = false;                      // 24x7 (e.g. P1 safety)
};

// Of the year `now` falls in (in the calendar's zone) and the next one, those
// without configured holidays, in order: what an operator must add before
// the SLA clocks count holidays as working days. Empty for a 24x7 calendar.
std::vector<int> YearsWithoutHolidays(const BusinessCalendarSpec& spec, absl::Time now);

class BusinessCalendar {
 public:
  explicit BusinessCalendar(BusinessCalendarSpec spec);

  // The instant `business` of open time after `from` (from itself may be
  // outside hours: the clock starts at the next opening).
  absl::Time Add(absl::Time from, absl::Duration business) const;
  // Open time in [from, to); zero when to <= from.
  absl::Duration Between(absl::Time from, absl::Time to) const;
  bool IsOpen(absl::Time t) const;
  bool always_open() const { return spec_.always_open; }

 private:
  BusinessCalendarSpec spec_;
};

}  // namespace sqms::complaints::domain
