// The window hashes' cell vectors are stored data: the slot of every
// counter and event type (kpi_keys.h) may only be appended to, never moved.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

#include "services/metrics/adapters/kpi_keys.h"
#include "services/metrics/domain/counters.h"
#include "services/metrics/domain/event.h"

namespace sqms::metrics::adapters {
namespace {

// The layout as first stored (2026-12-04). Slots may be added after these;
// these must never change.
constexpr std::string_view kStoredLayout[] = {
    "#call_offered", "#call_answered", "#call_abandoned", "#call_ended", "#consultation_created",
    "#consultation_dispatched", "#survey_answered", "#outage_ended", "#complaint_submitted",
    "#complaint_first_response", "#complaint_resolved", "#complaint_replied",
    "#complaint_followed_up", "#complaint_reopened", "#complaint_sla_breached",
    "#incident_acknowledged", "#incident_resolved", "#incident_outage",
    "#complaint_resolution_revoked", "calls_offered", "calls_answered", "calls_answered_in_time",
    "calls_abandoned", "calls_abandoned_short", "service_level_calls", "answer_wait_seconds",
    "calls_ended", "handle_seconds", "consultations", "consultations_dispatched", "ratings",
    "ratings_unsatisfied", "csat_responses", "csat_satisfied", "nps_responses", "nps_promoters",
    "nps_detractors", "csi_weighted_score", "csi_weight", "outage_seconds", "complaints",
    "complaints_duplicate", "first_responses", "first_responses_on_time",
    "first_response_seconds", "resolutions", "resolutions_on_time", "resolution_seconds",
    "replies", "follow_ups", "follow_ups_satisfied", "reopens", "sla_breaches",
    "incidents_acknowledged", "acknowledge_seconds", "incidents_resolved", "restore_seconds",
    "first_resolutions", "first_resolutions_revoked", "first_response_bucket_300",
    "first_response_bucket_900", "first_response_bucket_1800", "first_response_bucket_3600",
    "first_response_bucket_7200", "first_response_bucket_14400", "first_response_bucket_28800",
    "first_response_bucket_86400", "first_response_bucket_172800",
    "first_response_bucket_259200", "first_response_bucket_432000",
    "first_response_bucket_604800", "first_response_bucket_1209600",
    "first_response_bucket_2592000", "first_response_bucket_inf", "resolution_bucket_300",
    "resolution_bucket_900", "resolution_bucket_1800", "resolution_bucket_3600",
    "resolution_bucket_7200", "resolution_bucket_14400", "resolution_bucket_28800",
    "resolution_bucket_86400", "resolution_bucket_172800", "resolution_bucket_259200",
    "resolution_bucket_432000", "resolution_bucket_604800", "resolution_bucket_1209600",
    "resolution_bucket_2592000", "resolution_bucket_inf", "first_response_deadlines",
    "resolution_deadlines", "first_response_deadlines_met", "resolution_deadlines_met",
    "#complaint_handled", "complaints_original", "complaints_handled",
};

TEST(KpiKeysTest, TheCellLayoutKeepsEverySlotItHasStored) {
  for (size_t slot = 0; slot < std::size(kStoredLayout); ++slot) {
    EXPECT_EQ(CellSlotName(slot), kStoredLayout[slot]) << "slot " << slot;
  }
}

TEST(KpiKeysTest, EveryCounterAndEventTypeHasASlotOfItsOwn) {
  std::set<int> used;
  for (int c = 0; c < domain::kCounterCount; ++c) {
    const auto counter = static_cast<domain::Counter>(c);
    const int slot = CounterSlot(counter);
    EXPECT_EQ(CellSlotName(slot), domain::CounterName(counter));
    EXPECT_EQ(CellSlotAt(slot).counter, counter);
    EXPECT_TRUE(used.insert(slot).second) << slot;
  }
  for (size_t e = 0; e < domain::kEventTypeCount; ++e) {
    const int slot = EventTypeSlot(e);
    EXPECT_EQ(CellSlotName(slot), "#" + std::string(domain::EventTypeNameAt(e)));
    EXPECT_EQ(CellSlotAt(slot).event_type, e);
    EXPECT_EQ(CellSlotAt(slot).counter, std::nullopt);
    EXPECT_TRUE(used.insert(slot).second) << slot;
  }
  EXPECT_EQ(used.size(), kCellSlotCount);
  EXPECT_EQ(CellSlotName(kCellSlotCount), "");
  EXPECT_FALSE(CellSlotAt(kCellSlotCount).counter || CellSlotAt(kCellSlotCount).event_type);
}

TEST(KpiKeysTest, ACellFieldParsesAsACellAndTheOlderFieldsStillParse) {
  EXPECT_EQ(CellField(domain::Dimension::kStation, "a|b"), "station|a/b");
  auto cell = ParseField("station|a/b");
  ASSERT_TRUE(cell.has_value());
  EXPECT_TRUE(cell->cell);
  EXPECT_EQ(cell->dimension, "station");
  EXPECT_EQ(cell->unit, "a/b");
  auto counter = ParseField("total|all|calls_offered");
  ASSERT_TRUE(counter.has_value());
  EXPECT_FALSE(counter->cell);
  EXPECT_EQ(counter->name, "calls_offered");
  auto type = ParseField("total|all|#call_offered");
  ASSERT_TRUE(type.has_value());
  EXPECT_TRUE(type->event_type);
  EXPECT_EQ(type->name, "call_offered");
  EXPECT_FALSE(ParseField("_late").has_value());
}

}  // namespace
}  // namespace sqms::metrics::adapters
