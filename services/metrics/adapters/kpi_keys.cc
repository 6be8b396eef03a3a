#include "services/metrics/adapters/kpi_keys.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace sqms::metrics::adapters {
namespace {

std::string SafeUnit(std::string_view unit) {
  std::string out(unit);
  std::replace(out.begin(), out.end(), '|', '/');
  return out;
}

}  // namespace

std::string WindowKey(const domain::Window& window, bool drill) {
  return absl::StrCat(std::string(kKeyPrefix), drill ? ":drill:w:" : ":w:",
                      std::string(domain::WindowSizeName(window.size)), ":",
                      absl::ToUnixSeconds(window.start));
}

std::string WatermarksKey() { return std::string(kKeyPrefix) + ":watermarks"; }
std::string IncidentMarksKey(std::string_view topic, int32_t partition) {
  return absl::StrCat(std::string(kKeyPrefix), ":incidents:", std::string(topic), ":", partition);
}
std::string AdmittedUnitsKey(std::string_view topic, int32_t partition) {
  return absl::StrCat(std::string(kKeyPrefix), ":units:", std::string(topic), ":", partition);
}
std::string TargetKey(std::string_view target_id) {
  return std::string(kKeyPrefix) + ":target:" + std::string(target_id);
}
std::string RecentEventsKey() { return std::string(kKeyPrefix) + ":kpi-events"; }
std::string OutboxKey() { return std::string(kKeyPrefix) + ":outbox"; }
std::string OutboxLeaseKey() { return std::string(kKeyPrefix) + ":outbox:lease"; }

std::string UnitFieldPrefix(domain::Dimension dimension, std::string_view unit) {
  return absl::StrCat(std::string(domain::DimensionName(dimension)), "|", SafeUnit(unit), "|");
}

std::string CounterField(domain::Dimension dimension, std::string_view unit,
                         domain::Counter counter) {
  return UnitFieldPrefix(dimension, unit) + std::string(domain::CounterName(counter));
}

std::string EventTypeField(domain::Dimension dimension, std::string_view unit,
                           std::string_view event_type) {
  return UnitFieldPrefix(dimension, unit) + "#" + std::string(event_type);
}

std::optional<ParsedField> ParseField(std::string_view field) {
  std::vector<std::string> parts = absl::StrSplit(std::string(field), '|');
  if (parts.size() != 3) return std::nullopt;
  ParsedField out{parts[0], parts[1], parts[2], false};
  if (!out.name.empty() && out.name[0] == '#') {
    out.name.erase(0, 1);
    out.event_type = true;
  }
  return out;
}

}  // namespace sqms::metrics::adapters
