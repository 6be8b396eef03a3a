#pragma once
// Watches that the business calendar knows this year's and next year's
// public holidays (issue: holidays were configured for 2026 only, and from
// 2027-01-01 every holiday would have counted as a working day, silently).
// Check() says which of the two years are configured and logs a warning the
// first time a year is found missing. The service calls it at start-up and
// at every metrics scrape (the gauge sqms_complaints_calendar_holidays_
// configured is computed then), so it follows the clock — the year turns
// while running — and the config in force, with nothing ticking.
//
// Thread-safe.

#include <set>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/complaints/domain/business_calendar.h"

namespace sqms::complaints::app {

class HolidayCoverage {
 public:
  struct Configured {
    bool current_year = true;
    bool next_year = true;
  };
  Configured Check(const domain::BusinessCalendarSpec& calendar, absl::Time now);

 private:
  absl::Mutex mu_;
  std::set<int> warned_ ABSL_GUARDED_BY(mu_);  // years already warned about
};

}  // namespace sqms::complaints::app
