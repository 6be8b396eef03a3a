#pragma once
// The metrics service's whole Redis key schema. Every key carries the hash
// tag of the checkpoint store's prefix, so the exactly-once checkpoint (one
// Lua script: state delta + offsets) touches a single Redis Cluster slot.
//
//   {sqms:metrics}:checkpoints, :ids:*     the runtime's checkpoint store
//   {sqms:metrics}:w:<size>:<start>        hash: one window's aggregates
//   {sqms:metrics}:drill:w:<size>:<start>  hash: the same for drills
//       <dimension>|<unit>                 the cell's vector (runtime HADDVECTOR:
//                                          little-endian int64s): at each slot
//                                          of CellSlotName a counter's sum
//                                          (counters.h) or, "#<event type>",
//                                          the events of that type that
//                                          contributed
//       <dimension>|<unit>|<counter>       \ the same, one field each, as
//       <dimension>|<unit>|#<event type>   / written before the vectors (read
//                                          still, and added to them)
//       _late                              events counted after the window closed
//       _rev                               checkpoints that corrected it since
//   {sqms:metrics}:watermarks              hash: <topic>:<partition> → the
//                                          latest event time seen (unix s)
//   {sqms:metrics}:incidents:<topic>:<partition>  hash: <incident id> → the
//                                          milestones already counted ("a":
//                                          MTTA, "r": MTTR and downtime;
//                                          kpi_processor.h), written with the
//                                          counts; one field per incident, kept
//   {sqms:metrics}:units:<topic>:<partition>  hash: <dimension>|<value> → "1":
//                                          the values the partition admitted
//                                          under the cardinality limit
//                                          (domain/cardinality.h), written
//                                          with the counts; kept. Drill
//                                          events' sets: topic "<topic>#drill"
//   {sqms:metrics}:target:<target id>      hash: <unit> → the target's status
//                                          there (redis_target_store.cc)
//   {sqms:metrics}:kpi-events             list: the last 1,000 sqms.kpi.v1
//                                          payloads, newest first
//   {sqms:metrics}:outbox, :outbox:lease   the sqms.kpi.v1 outbox stream and
//                                          its relay's lease (runtime)
// <start> is the window's start in unix seconds; a unit's '|' is stored as
// '/'. Window hashes expire at their window's end plus the size's retention.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "services/metrics/domain/counters.h"
#include "services/metrics/domain/dimension.h"
#include "services/metrics/domain/event.h"
#include "services/metrics/domain/window.h"

namespace sqms::metrics::adapters {

inline constexpr std::string_view kKeyPrefix = "{sqms:metrics}";
inline constexpr std::string_view kLateField = "_late";
inline constexpr std::string_view kRevisionField = "_rev";

std::string WindowKey(const domain::Window& window, bool drill);
std::string WatermarksKey();
std::string IncidentMarksKey(std::string_view topic, int32_t partition);
std::string AdmittedUnitsKey(std::string_view topic, int32_t partition);
std::string TargetKey(std::string_view target_id);
std::string RecentEventsKey();
std::string OutboxKey();
std::string OutboxLeaseKey();

// "<dimension>|<unit>|" — the prefix of every field of one unit.
std::string UnitFieldPrefix(domain::Dimension dimension, std::string_view unit);
std::string CounterField(domain::Dimension dimension, std::string_view unit,
                         domain::Counter counter);
std::string EventTypeField(domain::Dimension dimension, std::string_view unit,
                           std::string_view event_type);

// A cell's field: "<dimension>|<unit>".
std::string CellField(domain::Dimension dimension, std::string_view unit);

// The slots of a cell's vector. The layout is stored data: append only —
// never reorder, rename or reuse a slot (kpi_keys_test pins it).
int CounterSlot(domain::Counter counter);
int EventTypeSlot(size_t event_type_index);  // domain::EventTypeNameAt's index
// What slot `slot` holds: a counter's name, or "#" and an event type; ""
// beyond the layout.
std::string_view CellSlotName(size_t slot);
inline constexpr size_t kCellSlotCount = domain::kCounterCount + domain::kEventTypeCount;
// What slot `slot` holds, for readers: a counter or an event type (its
// domain::EventTypeNameAt index); neither beyond the layout.
struct CellSlot {
  std::optional<domain::Counter> counter;
  std::optional<size_t> event_type;
};
CellSlot CellSlotAt(size_t slot);

// A window hash's field, split. nullopt for the window-level fields.
struct ParsedField {
  std::string dimension;
  std::string unit;
  std::string name;        // a counter's name, or an event type; "" for a cell
  bool event_type = false;
  bool cell = false;       // "<dimension>|<unit>": the value is the cell's vector
};
std::optional<ParsedField> ParseField(std::string_view field);

}  // namespace sqms::metrics::adapters
