#include "services/complaints/domain/business_calendar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/complaints/domain/test_config.h"

namespace sqms::complaints::domain {
namespace {

using test_support::At;
using test_support::TestCalendar;

// 2026-11-16 is a Monday, 2026-11-20 a Friday.
TEST(BusinessCalendarTest, AddWithinOneDay) {
  BusinessCalendar cal(TestCalendar());
  EXPECT_EQ(cal.Add(At(2026, 11, 16, 9), absl::Hours(2)), At(2026, 11, 16, 11));
}

TEST(BusinessCalendarTest, AddBeforeOpeningStartsAtOpening) {
  BusinessCalendar cal(TestCalendar());
  EXPECT_EQ(cal.Add(At(2026, 11, 16, 6), absl::Minutes(30)), At(2026, 11, 16, 9));
  EXPECT_EQ(cal.Add(At(2026, 11, 16, 6), absl::ZeroDuration()), At(2026, 11, 16, 8, 30));
}

TEST(BusinessCalendarTest, AddAcrossMidnightContinuesNextOpening) {
  BusinessCalendar cal(TestCalendar());
  // Friday 17:00 + 2h: 1h on Friday, then Saturday opens at 09:00.
  EXPECT_EQ(cal.Add(At(2026, 11, 20, 17), absl::Hours(2)), At(2026, 11, 21, 10));
  // Tuesday 17:30 + 1h: 30m Tuesday, 30m Wednesday from 08:30.
  EXPECT_EQ(cal.Add(At(2026, 11, 17, 17, 30), absl::Hours(1)), At(2026, 11, 18, 9));
}

TEST(BusinessCalendarTest, AddSkipsSunday) {
  BusinessCalendar cal(TestCalendar());
  // Saturday 16:00 + 2h: 1h Saturday, Sunday closed, Monday 08:30 + 1h.
  EXPECT_EQ(cal.Add(At(2026, 11, 21, 16), absl::Hours(2)), At(2026, 11, 23, 9, 30));
}

TEST(BusinessCalendarTest, AddSkipsHolidays) {
  BusinessCalendar cal(TestCalendar());
  // Wednesday 2026-09-30 17:00 + 2h: National Day Oct 1-7 closed.
  EXPECT_EQ(cal.Add(At(2026, 9, 30, 17), absl::Hours(2)), At(2026, 10, 8, 9, 30));
}

TEST(BusinessCalendarTest, ExtraWorkdayUsesMondayHours) {
  BusinessCalendar cal(TestCalendar());
  EXPECT_TRUE(cal.IsOpen(At(2026, 10, 10, 8, 45)));   // a Saturday, open like Monday
  EXPECT_FALSE(cal.IsOpen(At(2026, 11, 21, 8, 45)));  // an ordinary Saturday: 09:00
  EXPECT_TRUE(cal.IsOpen(At(2026, 10, 10, 17, 30)));
}

TEST(BusinessCalendarTest, IsOpen) {
  BusinessCalendar cal(TestCalendar());
  EXPECT_TRUE(cal.IsOpen(At(2026, 11, 16, 8, 30)));
  EXPECT_FALSE(cal.IsOpen(At(2026, 11, 16, 18)));      // end is exclusive
  EXPECT_FALSE(cal.IsOpen(At(2026, 11, 22, 12)));      // Sunday
  EXPECT_FALSE(cal.IsOpen(At(2026, 10, 1, 12)));       // holiday
}

TEST(BusinessCalendarTest, HoursAreLocalToTheTimeZone) {
  BusinessCalendar cal(TestCalendar());
  absl::TimeZone utc = absl::UTCTimeZone();
  // 08:31 in Shanghai is 00:31 UTC; 18:01 there is 10:01 UTC.
  EXPECT_TRUE(cal.IsOpen(absl::FromCivil(absl::CivilSecond(2026, 11, 16, 0, 31, 0), utc)));
  EXPECT_FALSE(cal.IsOpen(absl::FromCivil(absl::CivilSecond(2026, 11, 16, 10, 1, 0), utc)));
  // Sunday 23:00 UTC is Monday 07:00 in Shanghai: closed until 08:30.
  absl::Time sunday_night_utc = absl::FromCivil(absl::CivilSecond(2026, 11, 22, 23, 0, 0), utc);
  EXPECT_EQ(cal.Add(sunday_night_utc, absl::Hours(1)), At(2026, 11, 23, 9, 30));
}

TEST(BusinessCalendarTest, Between) {
  BusinessCalendar cal(TestCalendar());
  // Friday 17:00 → Monday 09:30: 1h + 8h (Saturday) + 1h.
  EXPECT_EQ(cal.Between(At(2026, 11, 20, 17), At(2026, 11, 23, 9, 30)), absl::Hours(10));
  EXPECT_EQ(cal.Between(At(2026, 11, 16, 12), At(2026, 11, 16, 11)), absl::ZeroDuration());
  EXPECT_EQ(cal.Between(At(2026, 11, 16, 19), At(2026, 11, 16, 23)), absl::ZeroDuration());
}

TEST(BusinessCalendarTest, BetweenInvertsAdd) {
  BusinessCalendar cal(TestCalendar());
  for (absl::Time from : {At(2026, 11, 16, 9), At(2026, 11, 20, 17, 45), At(2026, 9, 30, 10)}) {
    for (absl::Duration d : {absl::Minutes(1), absl::Hours(3), absl::Hours(30), absl::Hours(100)}) {
      EXPECT_EQ(cal.Between(from, cal.Add(from, d)), d) << from << " + " << d;
    }
  }
}

TEST(BusinessCalendarTest, AlwaysOpenIsWallClock) {
  BusinessCalendarSpec spec = TestCalendar();
  spec.always_open = true;
  BusinessCalendar cal(spec);
  EXPECT_EQ(cal.Add(At(2026, 10, 1, 23), absl::Hours(2)), At(2026, 10, 2, 1));
  EXPECT_EQ(cal.Between(At(2026, 10, 1, 23), At(2026, 10, 2, 1)), absl::Hours(2));
  EXPECT_TRUE(cal.IsOpen(At(2026, 11, 22, 3)));
}

TEST(BusinessCalendarTest, NeverOpenCalendarGivesInfiniteFuture) {
  BusinessCalendarSpec spec = TestCalendar();
  spec.week.assign(7, WorkingHours{absl::ZeroDuration(), absl::ZeroDuration()});
  BusinessCalendar cal(spec);
  EXPECT_EQ(cal.Add(At(2026, 11, 16, 9), absl::Hours(1)), absl::InfiniteFuture());
}

}  // namespace
}  // namespace sqms::complaints::domain

namespace sqms::complaints::domain {
namespace {

TEST(YearsWithoutHolidaysTest, NamesTheCurrentAndNextYearWhenMissing) {
  BusinessCalendarSpec spec;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &spec.zone));
  spec.holiday_years = {2026};
  const absl::Time december = absl::FromCivil(absl::CivilSecond(2026, 12, 2, 9, 0, 0), spec.zone);
  EXPECT_THAT(YearsWithoutHolidays(spec, december), ::testing::ElementsAre(2027));
  // 2026-12-31 16:30 UTC is already 2027 in Shanghai.
  const absl::Time new_year = absl::FromCivil(absl::CivilSecond(2026, 12, 31, 16, 30, 0),
                                              absl::UTCTimeZone());
  EXPECT_THAT(YearsWithoutHolidays(spec, new_year), ::testing::ElementsAre(2027, 2028));
  spec.holiday_years = {2026, 2027};
  EXPECT_TRUE(YearsWithoutHolidays(spec, december).empty());
}

}  // namespace
}  // namespace sqms::complaints::domain
