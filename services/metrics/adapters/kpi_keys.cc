#include "services/metrics/adapters/kpi_keys.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <iterator>
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

// A cell vector's slots, in stored order: the event types, then the
// counters. Append new ones at the end; see kpi_keys.h.
constexpr std::string_view kCellSlots[] = {
    "#call_offered", "#call_answered", "#call_abandoned", "#call_ended",
    "#consultation_created", "#consultation_dispatched", "#survey_answered", "#outage_ended",
    "#complaint_submitted", "#complaint_first_response", "#complaint_resolved",
    "#complaint_replied", "#complaint_followed_up", "#complaint_reopened",
    "#complaint_sla_breached", "#incident_acknowledged", "#incident_resolved",
    "#incident_outage", "#complaint_resolution_revoked",
    "calls_offered", "calls_answered", "calls_answered_in_time", "calls_abandoned",
    "calls_abandoned_short", "service_level_calls", "answer_wait_seconds", "calls_ended",
    "handle_seconds", "consultations", "consultations_dispatched", "ratings",
    "ratings_unsatisfied", "csat_responses", "csat_satisfied", "nps_responses", "nps_promoters",
    "nps_detractors", "csi_weighted_score", "csi_weight", "outage_seconds", "complaints",
    "complaints_duplicate", "first_responses", "first_responses_on_time",
    "first_response_seconds", "resolutions", "resolutions_on_time", "resolution_seconds",
    "replies", "follow_ups", "follow_ups_satisfied", "reopens", "sla_breaches",
    "incidents_acknowledged", "acknowledge_seconds", "incidents_resolved", "restore_seconds",
    "first_resolutions", "first_resolutions_revoked",
    "first_response_bucket_300", "first_response_bucket_900", "first_response_bucket_1800",
    "first_response_bucket_3600", "first_response_bucket_7200", "first_response_bucket_14400",
    "first_response_bucket_28800", "first_response_bucket_86400",
    "first_response_bucket_172800", "first_response_bucket_259200",
    "first_response_bucket_432000", "first_response_bucket_604800",
    "first_response_bucket_1209600", "first_response_bucket_2592000",
    "first_response_bucket_inf",
    "resolution_bucket_300", "resolution_bucket_900", "resolution_bucket_1800",
    "resolution_bucket_3600", "resolution_bucket_7200", "resolution_bucket_14400",
    "resolution_bucket_28800", "resolution_bucket_86400", "resolution_bucket_172800",
    "resolution_bucket_259200", "resolution_bucket_432000", "resolution_bucket_604800",
    "resolution_bucket_1209600", "resolution_bucket_2592000", "resolution_bucket_inf",
    "first_response_deadlines", "resolution_deadlines", "first_response_deadlines_met",
    "resolution_deadlines_met",
    "#complaint_handled", "complaints_original", "complaints_handled",
};
static_assert(std::size(kCellSlots) == kCellSlotCount,
              "every counter and event type needs its slot: append it to kCellSlots");

int SlotOf(std::string_view name) {
  for (size_t i = 0; i < std::size(kCellSlots); ++i) {
    if (kCellSlots[i] == name) return static_cast<int>(i);
  }
  std::fprintf(stderr, "kpi_keys.cc: no cell slot for '%.*s'\n", static_cast<int>(name.size()),
               name.data());
  std::abort();  // a missing slot would lose counts; kpi_keys_test catches it first
}

// The layout both ways: each counter's and event type's slot, and each
// slot's content.
struct Slots {
  std::array<int, domain::kCounterCount> counters{};
  std::array<int, domain::kEventTypeCount> event_types{};
  std::array<CellSlot, kCellSlotCount> content{};
  Slots() {
    for (int c = 0; c < domain::kCounterCount; ++c) {
      const auto counter = static_cast<domain::Counter>(c);
      counters[c] = SlotOf(domain::CounterName(counter));
      content[counters[c]].counter = counter;
    }
    for (size_t e = 0; e < domain::kEventTypeCount; ++e) {
      event_types[e] = SlotOf(absl::StrCat("#", std::string(domain::EventTypeNameAt(e))));
      content[event_types[e]].event_type = e;
    }
  }
};

const Slots& SlotTable() {
  static const Slots* slots = new Slots();
  return *slots;
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

std::string CellField(domain::Dimension dimension, std::string_view unit) {
  return absl::StrCat(std::string(domain::DimensionName(dimension)), "|", SafeUnit(unit));
}

int CounterSlot(domain::Counter counter) {
  return SlotTable().counters[static_cast<int>(counter)];
}

int EventTypeSlot(size_t event_type_index) { return SlotTable().event_types[event_type_index]; }

CellSlot CellSlotAt(size_t slot) {
  return slot < kCellSlotCount ? SlotTable().content[slot] : CellSlot{};
}

std::string_view CellSlotName(size_t slot) {
  return slot < std::size(kCellSlots) ? kCellSlots[slot] : std::string_view();
}

std::optional<ParsedField> ParseField(std::string_view field) {
  std::vector<std::string> parts = absl::StrSplit(std::string(field), '|');
  if (parts.size() == 2) return ParsedField{parts[0], parts[1], "", false, true};
  if (parts.size() != 3) return std::nullopt;
  ParsedField out{parts[0], parts[1], parts[2], false, false};
  if (!out.name.empty() && out.name[0] == '#') {
    out.name.erase(0, 1);
    out.event_type = true;
  }
  return out;
}

}  // namespace sqms::metrics::adapters
