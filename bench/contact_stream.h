#pragma once
// The call-center stream of the metrics benchmarks: N contact events of one
// day, in event-time order, as the simulation's contacts produce them (see
// metrics_fill.cc for the mix). Shared by metrics_fill (into Kafka) and
// kpi_processor_bench (straight into the metrics service's processor).

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
