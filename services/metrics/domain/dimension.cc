#include "services/metrics/domain/dimension.h"

#include <array>

#include "services/metrics/domain/counted_at.h"

namespace sqms::metrics::domain {
namespace {

constexpr std::array<Dimension, kDimensionCount> kDimensions = {
    Dimension::kTotal,  Dimension::kDepartment, Dimension::kChannel, Dimension::kCategory,
    Dimension::kRegion, Dimension::kStation,    Dimension::kBand,    Dimension::kAgent,
    Dimension::kPlan,   Dimension::kLevel};
constexpr std::array<std::string_view, kDimensionCount> kDimensionNames = {
    "total", "department", "channel", "category", "region",
    "station", "band", "agent", "plan", "level"};

std::string_view OrUnknown(const std::string& value) {
  return value.empty() ? kUnknownUnit : std::string_view(value);
}

// Plan and level exist for incident events only (see the header).
std::string_view IncidentOnly(const Dimensions& dims, const std::string& value) {
  if (dims.plan.empty() && dims.level.empty()) return "";
  return OrUnknown(value);
}

}  // namespace

std::span<const Dimension> AllDimensions() { return kDimensions; }

std::string_view DimensionName(Dimension d) { return kDimensionNames[static_cast<size_t>(d)]; }

std::optional<Dimension> ParseDimension(std::string_view name) {
  for (size_t i = 0; i < kDimensions.size(); ++i) {
    if (kDimensionNames[i] == name) return kDimensions[i];
  }
  return std::nullopt;
}

std::string DimensionValue(const Event& event, Dimension d, std::span<const DayBand> bands,
                           const absl::TimeZone& zone) {
  const std::string_view band = d == Dimension::kBand ? BandOf(CountedAt(event), bands, zone) : "";
  return std::string(DimensionValueOf(event.dimensions, d, band));
}

std::string_view DimensionValueOf(const Dimensions& dims, Dimension d, std::string_view band) {
  switch (d) {
    case Dimension::kTotal:
      return "all";
    case Dimension::kDepartment:
      return OrUnknown(dims.department);
    case Dimension::kChannel:
      return OrUnknown(dims.channel);
    case Dimension::kCategory:
      return OrUnknown(dims.category);
    case Dimension::kRegion:
      return OrUnknown(dims.region);
    case Dimension::kStation:
      return OrUnknown(dims.station);
    case Dimension::kBand:
      return band;
    case Dimension::kAgent:
      return OrUnknown(dims.agent);
    case Dimension::kPlan:
      return IncidentOnly(dims, dims.plan);
    case Dimension::kLevel:
      return IncidentOnly(dims, dims.level);
  }
  return kUnknownUnit;
}

std::vector<Cell> CellsOf(const Event& event, std::span<const WindowSize> sizes,
                          std::span<const DayBand> bands, const absl::TimeZone& zone) {
  // The values do not depend on the window size: compute them once.
  std::array<std::string, kDimensions.size()> values;
  for (size_t i = 0; i < kDimensions.size(); ++i) {
    values[i] = DimensionValue(event, kDimensions[i], bands, zone);
  }
  std::vector<Cell> cells;
  cells.reserve(sizes.size() * kDimensions.size());
  const absl::Time at = CountedAt(event);
  for (WindowSize size : sizes) {
    const Window window = WindowOf(at, size, zone);
    for (size_t i = 0; i < kDimensions.size(); ++i) {
      if (!values[i].empty()) cells.push_back(Cell{window, kDimensions[i], values[i]});
    }
  }
  return cells;
}

}  // namespace sqms::metrics::domain
