#pragma once
// ports::KpiReader over counters a test sets, by window start and unit; for
// the monitors' unit tests. Every dimension reads the same figures.

#include <map>
#include <string>
#include <vector>

#include "services/metrics/ports/kpi_reader.h"

namespace sqms::metrics::testing {

class StubKpiReader final : public ports::KpiReader {
 public:
  absl::StatusOr<std::vector<ports::WindowAggregate>> Read(
      const std::vector<domain::Window>& windows, domain::Dimension, bool) override {
    std::vector<ports::WindowAggregate> out;
    for (const domain::Window& w : windows) out.push_back(windows_[w.start]);
    return out;
  }
  // Sets `counter` of `unit` in `w` (the unit then exists in that window).
  void Set(const domain::Window& w, const std::string& unit, domain::Counter counter,
           int64_t value) {
    windows_[w.start].units[unit].counters[static_cast<int>(counter)] = value;
  }

 private:
  std::map<absl::Time, ports::WindowAggregate> windows_;
};

}  // namespace sqms::metrics::testing
