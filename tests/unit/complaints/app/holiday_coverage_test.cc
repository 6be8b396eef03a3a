// HolidayCoverage: reports both years every time, warns once per missing year.
#include "services/complaints/app/holiday_coverage.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace sqms::complaints::app {
namespace {

TEST(HolidayCoverageTest, ReportsTheCurrentAndNextYearEveryCheck) {
  std::vector<std::pair<bool, bool>> reports;
  HolidayCoverage coverage([&](bool current, bool next) { reports.emplace_back(current, next); });
  domain::BusinessCalendarSpec spec;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &spec.zone));
  spec.holiday_years = {2026};
  const absl::Time december = absl::FromCivil(absl::CivilSecond(2026, 12, 2, 9, 0, 0), spec.zone);
  coverage.Check(spec, december);
  coverage.Check(spec, december);
  coverage.Check(spec, december + absl::Hours(24 * 31));  // 2027-01-02: 2027 itself missing
  spec.holiday_years = {2026, 2027, 2028};
  coverage.Check(spec, december + absl::Hours(24 * 31));
  ASSERT_EQ(reports.size(), 4u);
  EXPECT_EQ(reports[0], std::make_pair(true, false));
  EXPECT_EQ(reports[1], std::make_pair(true, false));
  EXPECT_EQ(reports[2], std::make_pair(false, false));
  EXPECT_EQ(reports[3], std::make_pair(true, true));
}

}  // namespace
}  // namespace sqms::complaints::app
