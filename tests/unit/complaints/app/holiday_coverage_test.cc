// HolidayCoverage: reports both years every time, warns once per missing year.
#include "services/complaints/app/holiday_coverage.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace sqms::complaints::app {
namespace {

TEST(HolidayCoverageTest, ReportsTheCurrentAndNextYearEveryCheck) {
  std::vector<std::pair<bool, bool>> reports;
  HolidayCoverage coverage;
  auto check = [&](const domain::BusinessCalendarSpec& s, absl::Time now) {
    const HolidayCoverage::Configured c = coverage.Check(s, now);
    reports.emplace_back(c.current_year, c.next_year);
  };
  domain::BusinessCalendarSpec spec;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &spec.zone));
  spec.holiday_years = {2026};
  const absl::Time december = absl::FromCivil(absl::CivilSecond(2026, 12, 2, 9, 0, 0), spec.zone);
  check(spec, december);
  check(spec, december);
  check(spec, december + absl::Hours(24 * 31));  // 2027-01-02: 2027 itself missing
  spec.holiday_years = {2026, 2027, 2028};
  check(spec, december + absl::Hours(24 * 31));
  ASSERT_EQ(reports.size(), 4u);
  EXPECT_EQ(reports[0], std::make_pair(true, false));
  EXPECT_EQ(reports[1], std::make_pair(true, false));
  EXPECT_EQ(reports[2], std::make_pair(false, false));
  EXPECT_EQ(reports[3], std::make_pair(true, true));
}

}  // namespace
}  // namespace sqms::complaints::app
