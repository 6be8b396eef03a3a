#pragma once
// Shared fixtures for the complaint domain tests: a hand-built triage config
// (the YAML loader is tested in tests/unit/complaints/) and time helpers in
// Asia/Shanghai.

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/complaints/domain/triage.h"

namespace sqms::complaints::domain::test_support {

inline absl::TimeZone Shanghai() {
  absl::TimeZone zone;
  absl::LoadTimeZone("Asia/Shanghai", &zone);
  return zone;
}

// Local Shanghai time.
inline absl::Time At(int y, int mo, int d, int h, int mi = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), Shanghai());
}

// Mon-Fri 08:30-18:00, Sat 09:00-17:00, Sun closed; National Day 2026-10-01..07
// closed; Sat 2026-10-10 a make-up workday.
inline BusinessCalendarSpec TestCalendar() {
  BusinessCalendarSpec spec;
  spec.zone = Shanghai();
  WorkingHours weekday{absl::Hours(8) + absl::Minutes(30), absl::Hours(18)};
  spec.week = {weekday, weekday, weekday, weekday, weekday,
               WorkingHours{absl::Hours(9), absl::Hours(17)},
               WorkingHours{absl::ZeroDuration(), absl::ZeroDuration()}};
  for (int d = 1; d <= 7; ++d) spec.holidays.insert(absl::CivilDay(2026, 10, d));
  spec.extra_workdays.insert(absl::CivilDay(2026, 10, 10));
  return spec;
}

inline TriageConfig TestTriageConfig() {
  TriageConfig c;
  c.categories = {
      {Category::kSafety, {"冒烟", "smoke"}, {"安全", "fire"}, {}, /*decisive=*/true},
      {Category::kTicketing, {"退票"}, {"车票", "ticket", "refund"}, {"12306"}},
      {Category::kServiceAttitude, {}, {"态度", "rude"}, {}},
      {Category::kTimeliness, {}, {"晚点", "delay"}, {}},
      {Category::kHygiene, {"烟头"}, {"厕所", "dirty", "吸烟"}, {}},
      {Category::kBilling, {"话费"}, {"bill"}, {}},
  };
  c.negation.before = {"不是", "not"};
  c.negation.pseudo = {"不是第一次"};
  c.negation.contrast = {"但", "but"};
  c.signals = {{"urgent_wording", SignalRaises::kUrgency, {"紧急", "urgent"}},
               {"many_affected", SignalRaises::kImportance, {"整个小区", "everyone"}}};
  c.importance_by_category = {{Category::kSafety, Level::kHigh},
                              {Category::kTicketing, Level::kMedium},
                              {Category::kHygiene, Level::kLow}};
  c.departments = {
      {"safety-office", "安全办公室", {}},       {"ticketing-center", "票务中心", {}},
      {"north-ticketing", "华北票务", {}},       {"beijing-south-ticketing", "北京南站票务", {}},
      {"beijing-south-station", "北京南站", {}}, {"north-region", "华北区", {}},
      {"billing-center", "计费中心", {}},        {"customer-service", "客服中心", {}}};
  c.routing = {
      {Category::kSafety, "", "", "safety-office"},
      {Category::kTicketing, "", "", "ticketing-center"},
      {Category::kTicketing, "华北", "", "north-ticketing"},
      {Category::kTicketing, "", "北京南", "beijing-south-ticketing"},
      {Category::kUnspecified, "", "北京南", "beijing-south-station"},
      {Category::kUnspecified, "华北", "", "north-region"},
  };
  c.sla = {
      {Priority::kP1, {absl::Minutes(30), absl::Hours(4), absl::Hours(24), false}},
      {Priority::kP2, {absl::Hours(2), absl::Hours(9) + absl::Minutes(30), absl::Hours(19), true}},
      {Priority::kP3, {absl::Hours(4), absl::Hours(28) + absl::Minutes(30), absl::Hours(28), true}},
      {Priority::kP4, {absl::Hours(8), absl::Hours(40), absl::Hours(40), true}},
  };
  c.calendar = TestCalendar();
  return c;
}

}  // namespace sqms::complaints::domain::test_support
