#include "services/metrics/domain/kpi_breakdown.h"

#include <array>

#include "absl/strings/str_cat.h"

namespace sqms::metrics::domain {
namespace {

// Event types that happen before, or without, an agent.
constexpr std::array<std::string_view, 4> kWithoutAgent = {"call_offered", "call_abandoned",
                                                           "complaint_submitted", "outage_ended"};

bool IsIncident(std::string_view event_type) {
  return event_type.substr(0, 9) == std::string_view("incident_");
}

}  // namespace

bool CanNameUnit(std::string_view event_type, Dimension d) {
  switch (d) {
    case Dimension::kPlan:
    case Dimension::kLevel:
      return IsIncident(event_type);
    case Dimension::kAgent:
      for (std::string_view without : kWithoutAgent) {
        if (event_type == without) return false;
      }
      return !IsIncident(event_type);
    default:
      return true;
  }
}

bool BreaksDownBy(const KpiDefinition& kpi, Dimension d) {
  return WhyNotBrokenDownBy(kpi, d).empty();
}

std::string WhyNotBrokenDownBy(const KpiDefinition& kpi, Dimension d) {
  if (kpi.form == Form::kScheduleShare && d == Dimension::kBand) {
    return absl::StrCat(std::string(kpi.name),
                        " is not broken down by band: its base, the scheduled working time, is "
                        "the whole window's, and a band's outage time over it reads too high");
  }
  for (std::string_view source : kpi.sources) {
    if (CanNameUnit(source, d)) continue;
    const std::string dimension(DimensionName(d));
    return absl::StrCat(std::string(kpi.name), " is not broken down by ", dimension, ": ",
                        std::string(source), " events carry no ", dimension);
  }
  return "";
}

}  // namespace sqms::metrics::domain
