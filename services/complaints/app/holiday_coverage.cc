#include "services/complaints/app/holiday_coverage.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sqms/runtime/log.h"

namespace sqms::complaints::app {

void HolidayCoverage::Check(const domain::BusinessCalendarSpec& calendar, absl::Time now) {
  const std::vector<int> missing = domain::YearsWithoutHolidays(calendar, now);
  const int year = static_cast<int>(absl::ToCivilYear(now, calendar.zone).year());
  bool current = true, next = true;
  for (int y : missing) {
    (y == year ? current : next) = false;
    if (!warned_.insert(y).second) continue;
    runtime::log::Warn(
        "no public holidays configured for a year: its holidays count as working days on "
        "business-hours SLA clocks; add holidays-<year>.yaml to calendar.holiday_files",
        {{"year", y}, {"from", absl::StrCat(y, "-01-01")}});
  }
  if (report_) report_(current, next);
}

}  // namespace sqms::complaints::app
