#pragma once
// Watches that the business calendar knows this year's and next year's
// public holidays (issue: holidays were configured for 2026 only, and from
// 2027-01-01 every holiday would have counted as a working day, silently).
// Check() reports both to `report` (true = configured) every time and logs
// a warning the first time a year is found missing; call it at start-up,
// after each reload and periodically (the year turns while running).
//
// Thread-compatible: calls must be serialised (start-up, then the triage
// reloader's thread).

#include <functional>
#include <set>

#include "absl/time/time.h"
#include "services/complaints/domain/business_calendar.h"

namespace sqms::complaints::app {

class HolidayCoverage {
 public:
  using Report = std::function<void(bool current_year, bool next_year)>;
  explicit HolidayCoverage(Report report) : report_(std::move(report)) {}

  void Check(const domain::BusinessCalendarSpec& calendar, absl::Time now);

 private:
  Report report_;
  std::set<int> warned_;  // years already warned about
};

}  // namespace sqms::complaints::app
