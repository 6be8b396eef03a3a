#pragma once
// The dimensions a KPI is broken down by, and the cells one event counts
// in: every window size × every dimension (the total included).

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "services/metrics/domain/event.h"
#include "services/metrics/domain/window.h"

namespace sqms::metrics::domain {

enum class Dimension {
  kTotal, kDepartment, kChannel, kCategory, kRegion, kStation, kBand, kAgent, kPlan, kLevel
};
inline constexpr size_t kDimensionCount = 10;

std::span<const Dimension> AllDimensions();
// "total", "department", "channel", "category", "region", "station",
// "band" (time of day), "agent", "plan" (emergency plan id), "level"
// (response level I–IV).
std::string_view DimensionName(Dimension d);
std::optional<Dimension> ParseDimension(std::string_view name);

// The unit of an event that does not say its value in a dimension.
inline constexpr std::string_view kUnknownUnit = "unknown";

// The value an event has in `d`: "all" for the total, "unknown" when the
// event does not say, for kBand the name of the band of the time it counts
// at (CountedAt, counted_at.h). Plan and level are the incident events'
// own dimensions: "" (the event is not counted in `d` at all) when the
// event carries neither a plan nor a level, so complaints and calls do not
// fill a "plan|unknown" unit; "unknown" for the one missing when the other
// is given.
std::string DimensionValue(const Event& event, Dimension d, std::span<const DayBand> bands,
                           const absl::TimeZone& zone);
// The same for an event with these dimensions in time-of-day band `band`
// (BandOf), without a copy: a view into `dims`, into `band` or of a literal.
std::string_view DimensionValueOf(const Dimensions& dims, Dimension d, std::string_view band);

// One aggregation cell: a window and a unit of one dimension.
struct Cell {
  Window window;
  Dimension dimension = Dimension::kTotal;
  std::string value;
  bool operator==(const Cell&) const = default;
};

// Every cell `event` counts in: for each window size in `sizes`, the
// window containing the time it counts at (CountedAt, counted_at.h: its
// occurred_at; a call's answer or abandonment, the call's offer), and for
// each dimension its value (those whose value is "" left out). Sizes in
// the order given, within each the dimensions in AllDimensions() order.
std::vector<Cell> CellsOf(const Event& event, std::span<const WindowSize> sizes,
                          std::span<const DayBand> bands, const absl::TimeZone& zone);

}  // namespace sqms::metrics::domain
