#include "services/alerts/domain/rotation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sqms::alerts::domain {
namespace {

using ::testing::ElementsAre;

absl::TimeZone Zone(const char* name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
  return zone;
}

absl::Time Local(absl::TimeZone zone, int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), zone);
}

// Daily shifts handed over at 09:00 New York time: li from 2026-03-06,
// wang on the 7th, chen on the 8th (the day clocks go forward), li again.
Rotation Daily() {
  return Rotation{"noc", {"li", "wang", "chen"}, absl::CivilDay(2026, 3, 6), 9 * 60, 1};
}

TEST(OnCallTest, HandsOverAtTheLocalTimeOfDay) {
  const auto ny = Zone("America/New_York");
  const Rotation r = Daily();
  EXPECT_EQ(OnCall(r, Local(ny, 2026, 3, 6, 9, 0), ny), "li");
  EXPECT_EQ(OnCall(r, Local(ny, 2026, 3, 7, 8, 59), ny), "li");
  EXPECT_EQ(OnCall(r, Local(ny, 2026, 3, 7, 9, 0), ny), "wang");
  EXPECT_EQ(OnCall(r, Local(ny, 2026, 3, 9, 9, 0), ny), "li");  // wraps round
}

TEST(OnCallTest, HandsOverAtNineLocalOnTheDayClocksGoForward) {
  const auto ny = Zone("America/New_York");
  const Rotation r = Daily();
  // 09:00 EDT is 13:00 UTC; 24-hour shifts counted from 09:00 EST (14:00
  // UTC) would hand over an hour late.
  EXPECT_EQ(
      OnCall(r, absl::FromCivil(absl::CivilMinute(2026, 3, 8, 12, 59), absl::UTCTimeZone()), ny),
      "wang");
  EXPECT_EQ(
      OnCall(r, absl::FromCivil(absl::CivilMinute(2026, 3, 8, 13, 0), absl::UTCTimeZone()), ny),
      "chen");
  EXPECT_EQ(OnCall(r, Local(ny, 2026, 3, 8, 9, 30), ny), "chen");
}

TEST(OnCallTest, HandsOverAtNineLocalOnTheDayClocksGoBack) {
  const auto ny = Zone("America/New_York");
  Rotation r = Daily();
  r.start_day = absl::CivilDay(2026, 10, 30);  // li, wang on 31st, chen on 1 Nov
  EXPECT_EQ(OnCall(r, Local(ny, 2026, 11, 1, 8, 59), ny), "wang");
  EXPECT_EQ(OnCall(r, Local(ny, 2026, 11, 1, 9, 0), ny), "chen");  // 14:00 UTC
}

TEST(OnCallTest, BeforeTheFirstHandoverTheFirstMemberIsOnCall) {
  const auto ny = Zone("America/New_York");
  const Rotation r = Daily();
  EXPECT_EQ(OnCall(r, Local(ny, 2026, 3, 6, 8, 59), ny), "li");
  EXPECT_EQ(OnCall(r, Local(ny, 2025, 12, 25, 12, 0), ny), "li");
}

TEST(OnCallTest, WeeklyShifts) {
  const auto sh = Zone("Asia/Shanghai");
  const Rotation r{"noc", {"li", "wang"}, absl::CivilDay(2026, 1, 5), 9 * 60, 7};
  EXPECT_EQ(OnCall(r, Local(sh, 2026, 1, 11, 23, 0), sh), "li");
  EXPECT_EQ(OnCall(r, Local(sh, 2026, 1, 12, 8, 59), sh), "li");
  EXPECT_EQ(OnCall(r, Local(sh, 2026, 1, 12, 9, 0), sh), "wang");
  EXPECT_EQ(OnCall(r, Local(sh, 2026, 1, 19, 9, 0), sh), "li");
}

TEST(RecipientsTest, ExpandsUsersAndRotationsKeepsRolesAndUnknowns) {
  const auto sh = Zone("Asia/Shanghai");
  const std::vector<Rotation> rotations = {
      Rotation{"noc", {"li", "wang"}, absl::CivilDay(2026, 1, 5), 9 * 60, 7}};
  const absl::Time t = Local(sh, 2026, 1, 13, 12, 0);  // wang's week
  EXPECT_THAT(
      Recipients({"user:zhang", "rotation:noc", "role:duty-manager", "rotation:gone", "user:wang"},
                 rotations, t, sh),
      ElementsAre("zhang", "wang", "role:duty-manager", "rotation:gone"));
}

}  // namespace
}  // namespace sqms::alerts::domain
