#pragma once
// What the queries need of the stored aggregates: the counters of every
// unit of one dimension in a window. Implemented over Redis
// (adapters/redis_kpi_reader.h) and in memory for the app's unit tests.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/metrics/domain/counters.h"
#include "services/metrics/domain/dimension.h"
#include "services/metrics/domain/window.h"

namespace sqms::metrics::ports {

struct UnitAggregate {
  domain::CounterValues counters{};
  std::map<std::string, int64_t> events_by_type;  // contributing events
};

struct WindowAggregate {
  std::map<std::string, UnitAggregate> units;  // by unit; absent: nothing counted
  int64_t late_events = 0;
  int64_t revision = 0;
};

class KpiReader {
 public:
  virtual ~KpiReader() = default;
  // One aggregate per window, same order. UNAVAILABLE / DEADLINE_EXCEEDED
  // when the store cannot be reached. Thread-safe.
  virtual absl::StatusOr<std::vector<WindowAggregate>> Read(
      const std::vector<domain::Window>& windows, domain::Dimension dimension, bool drill) = 0;
};

}  // namespace sqms::metrics::ports
