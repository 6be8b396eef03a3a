#include "services/complaints/app/holiday_coverage.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sqms/runtime/log.h"

namespace sqms::complaints::app {

HolidayCoverage::Configured HolidayCoverage::Check(const domain::BusinessCalendarSpec& calendar,
                                                   absl::Time now) {
  const std::vector<int> missing = domain::YearsWithoutHolidays(calendar, now);
  const int year = static_cast<int>(absl::ToCivilYear(now, calendar.zone).year());
  Configured out;
  absl::MutexLock lock(&mu_);
  for (int y : missing) {
    (y == year ? out.current_year : out.next_year) = false;
    if (!warned_.insert(y).second) continue;
    runtime::log::Warn(
        "no public holidays configured for a year: its holidays count as working days on "
        "business-hours SLA clocks; add holidays-<year>.yaml to calendar.holiday_files",
        {{"year", y}, {"from", absl::StrCat(y, "-01-01")}});
  }
  return out;
}

}  // namespace sqms::complaints::app
