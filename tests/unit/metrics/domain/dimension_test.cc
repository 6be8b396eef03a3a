#include "services/metrics/domain/dimension.h"

#include <set>
#include <tuple>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/civil_time.h"
#include "tests/unit/metrics/shanghai.h"

namespace sqms::metrics::domain {
namespace {

using ::testing::ElementsAre;

using testing::Shanghai;

const DayBand kBands[] = {{"day", 8 * 60, 22 * 60}, {"night", 22 * 60, 8 * 60}};

// A complaint at 23:10 Shanghai time, by the web, with no station.
Event NightComplaint() {
  Event e;
  e.id = "c-1";
  e.occurred_at = absl::FromCivil(absl::CivilSecond(2026, 12, 2, 23, 10, 0), Shanghai());
  e.dimensions.department = "d-07";
  e.dimensions.channel = "web";
  e.dimensions.category = "delivery";
  e.dimensions.region = "east";
  e.dimensions.agent = "a-42";
  e.body = ComplaintSubmitted{};
  return e;
}

TEST(DimensionTest, NamesRoundTripInTheirFixedOrder) {
  std::vector<std::string_view> names;
  for (Dimension d : AllDimensions()) {
    names.push_back(DimensionName(d));
    EXPECT_EQ(ParseDimension(DimensionName(d)), d);
  }
  EXPECT_THAT(names, ElementsAre("total", "department", "channel", "category", "region",
                                 "station", "band", "agent", "plan", "level"));
  EXPECT_EQ(ParseDimension("line"), std::nullopt);
  EXPECT_EQ(ParseDimension("Total"), std::nullopt);
}

TEST(DimensionValueTest, TheEventsUnitsUnknownWhenNotSaidAndAllForTheTotal) {
  const Event e = NightComplaint();
  const absl::TimeZone zone = Shanghai();
  EXPECT_EQ(DimensionValue(e, Dimension::kTotal, kBands, zone), "all");
  EXPECT_EQ(DimensionValue(e, Dimension::kDepartment, kBands, zone), "d-07");
  EXPECT_EQ(DimensionValue(e, Dimension::kChannel, kBands, zone), "web");
  EXPECT_EQ(DimensionValue(e, Dimension::kCategory, kBands, zone), "delivery");
  EXPECT_EQ(DimensionValue(e, Dimension::kRegion, kBands, zone), "east");
  EXPECT_EQ(DimensionValue(e, Dimension::kStation, kBands, zone), "unknown");
  EXPECT_EQ(DimensionValue(e, Dimension::kBand, kBands, zone), "night");
  EXPECT_EQ(DimensionValue(e, Dimension::kAgent, kBands, zone), "a-42");
  EXPECT_EQ(DimensionValue(e, Dimension::kBand, {}, zone), "other");
  // Not an incident: not in the plan and level dimensions at all.
  EXPECT_EQ(DimensionValue(e, Dimension::kPlan, kBands, zone), "");
  EXPECT_EQ(DimensionValue(e, Dimension::kLevel, kBands, zone), "");
}

TEST(DimensionValueTest, AnIncidentEventHasItsPlanAndLevel) {
  Event e = NightComplaint();
  const absl::TimeZone zone = Shanghai();
  e.dimensions.plan = "platform-outage";
  EXPECT_EQ(DimensionValue(e, Dimension::kPlan, kBands, zone), "platform-outage");
  EXPECT_EQ(DimensionValue(e, Dimension::kLevel, kBands, zone), "unknown");
  e.dimensions.level = "I";
  EXPECT_EQ(DimensionValue(e, Dimension::kLevel, kBands, zone), "I");
  const WindowSize day[] = {WindowSize::kDay};
  EXPECT_EQ(CellsOf(e, day, kBands, zone).size(), AllDimensions().size());
}

// The dimensions a non-incident event counts in: all but plan and level.
constexpr size_t kEventDimensions = kDimensionCount - 2;

TEST(CellsOfTest, EverySizeTimesEveryDimensionInAFixedOrder) {
  const Event e = NightComplaint();
  const absl::TimeZone zone = Shanghai();
  const WindowSize sizes[] = {WindowSize::kHour, WindowSize::kMonth};
  const std::vector<Cell> cells = CellsOf(e, sizes, kBands, zone);
  ASSERT_EQ(cells.size(), 2u * kEventDimensions);
  // Sizes outer, dimensions inner, both in the order given.
  for (size_t s = 0; s < 2; ++s) {
    for (size_t d = 0; d < kEventDimensions; ++d) {
      const Cell& cell = cells[s * kEventDimensions + d];
      EXPECT_EQ(cell.window, WindowOf(e.occurred_at, sizes[s], zone));
      EXPECT_EQ(cell.dimension, AllDimensions()[d]);
      EXPECT_EQ(cell.value, DimensionValue(e, cell.dimension, kBands, zone));
    }
  }
  EXPECT_EQ(WindowLabel(cells.front().window, zone), "2026-12-02T23");
  EXPECT_EQ(WindowLabel(cells.back().window, zone), "2026-12");
  EXPECT_EQ(cells.front().value, "all");
  EXPECT_EQ(cells.back().value, "a-42");
}

TEST(CellsOfTest, AllSizesGiveDistinctCells) {
  const Event e = NightComplaint();
  const std::vector<Cell> cells = CellsOf(e, AllWindowSizes(), kBands, Shanghai());
  EXPECT_EQ(cells.size(), AllWindowSizes().size() * kEventDimensions);
  std::set<std::tuple<absl::Time, int, std::string>> distinct;
  for (const Cell& c : cells) {
    distinct.emplace(c.window.start, static_cast<int>(c.dimension) * 10 +
                                         static_cast<int>(c.window.size), c.value);
  }
  EXPECT_EQ(distinct.size(), cells.size());
  EXPECT_TRUE(CellsOf(e, {}, kBands, Shanghai()).empty());
}

}  // namespace
}  // namespace sqms::metrics::domain
