// The configured bases of a window (app::BasesFor): per calendar day of the
// zone, so a day when the clocks change is one day's volume and one day's
// working hours, while around-the-clock platforms are scheduled every
// second the day really has.

#include <gtest/gtest.h>

#include "services/metrics/app/kpi_queries.h"

namespace sqms::metrics::app {
namespace {

using domain::Dimension;
using domain::WindowSize;

class BasesTest : public ::testing::Test {
 protected:
  BasesTest() {
    absl::LoadTimeZone("Europe/Berlin", &config_.zone);
    config_.bases.platforms = 4;
    config_.bases.volumes.push_back(
        {.dimension = Dimension::kTotal, .unit = "all", .per_day = 24'000});
  }
  domain::Window Day(int year, int month, int day) const {
    return domain::WindowOf(
        absl::FromCivil(absl::CivilSecond(year, month, day, 12, 0, 0), config_.zone),
        WindowSize::kDay, config_.zone);
  }
  domain::Bases Of(const domain::Window& w, absl::Time now) const {
    return BasesFor(config_, w, now, Dimension::kTotal, "all");
  }

  QueryConfig config_;
};

TEST_F(BasesTest, ADayWhenTheClocksGoForwardIsOneDaysVolumeAndItsRealSeconds) {
  const domain::Window spring = Day(2026, 3, 29);  // 23 hours in Berlin
  ASSERT_EQ(spring.end - spring.start, absl::Hours(23));
  const domain::Bases closed = Of(spring, spring.end + absl::Hours(1));
  EXPECT_EQ(closed.volume, 24'000) << "not 23/24 of it";
  EXPECT_EQ(closed.scheduled_seconds, 4 * 23 * 3600) << "around the clock: the seconds it has";

  config_.bases.hours_per_day = 12;
  EXPECT_EQ(Of(spring, spring.end).scheduled_seconds, 4 * 12 * 3600) << "a working day";
  EXPECT_EQ(Of(Day(2026, 10, 25), absl::InfiniteFuture()).scheduled_seconds, 4 * 12 * 3600)
      << "25 hours, still one working day";
}

TEST_F(BasesTest, TheOpenWindowHasTheShareOfItsDaysElapsed) {
  const domain::Window day = Day(2026, 12, 2);
  const domain::Bases half = Of(day, day.start + absl::Hours(12));
  EXPECT_EQ(half.volume, 12'000);
  EXPECT_EQ(half.scheduled_seconds, 4 * 12 * 3600);
  EXPECT_EQ(Of(day, day.start - absl::Hours(1)).volume, 0) << "not begun";

  const domain::Window month =
      domain::WindowOf(day.start, WindowSize::kMonth, config_.zone);  // December: 31 days
  EXPECT_EQ(Of(month, month.end).volume, 31 * 24'000);
  EXPECT_EQ(Of(month, day.start).volume, 24'000) << "1 December, whole";
}

}  // namespace
}  // namespace sqms::metrics::app
