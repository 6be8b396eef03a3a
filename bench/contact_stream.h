#pragma once
// The call-center stream of the metrics benchmarks: N contact events of one
// day, in event-time order, as a live stream arrives (a contact's events
// minutes apart, so none is late for its window). Shared by metrics_fill
// (into Kafka) and kpi_processor_bench (straight into the processor).
//
// The mix, per contact: 80 % calls (offered; 92 % answered, else
// abandoned; an answered call ends, and 35 % of the ended ones get a
// survey), 20 % consultations (created; 15 % dispatched as a work order).
// 10 departments (metrics.yaml's), 40 stations, 6 regions, 12 lines, 300
// agents, 8 categories, hotline or chat. Contacts start evenly over the
// day's first 23 hours.

#include <cstdint>
#include <vector>

#include "sqms/events/v1/contact_event.pb.h"

namespace sqms::bench {

// The CloudEvents type suffix of each kind, by Timed::kind.
extern const char* const kContactKinds[7];

// One event, its time and its kind's index in kContactKinds.
struct Timed {
  int64_t at = 0;  // unix seconds
  int kind = 0;
  ::sqms::events::v1::ContactEvent event;
};

// `count` events of the day starting at `day_start` (unix seconds), in
// event-time order; the same `seed` gives the same events but for their ids.
std::vector<Timed> GenerateContactStream(long count, int64_t day_start, uint32_t seed);

}  // namespace sqms::bench
