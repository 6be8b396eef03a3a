#pragma once
// The roll-up of one checkpoint (KpiProcessor::TakeDelta): the sums of the
// finest grain — a minute of event time, a full set of dimensions, drill,
// lateness — into the cells each window size keeps (window, dimension,
// unit), as the state delta that adds them to the window hashes
// (kpi_keys.h: one HADDVECTOR per window, a vector per cell), with each
// window's late records, revision and expiry.
//
// Cost. A grain is summed into its minute cells (the dimensions minute
// windows keep) and its hour cells (every dimension); then each hour cell
// into its day cell, each day cell into its week's and its month's, each
// month cell into its quarter's. So a grain costs about one cell update per
// dimension, not one per window size and dimension, and a larger size
// costs one update per cell of the size below it.
//
// Exact because windows nest (domain/window.h): every boundary of a size
// is a boundary of the smaller sizes, so the window of a larger size that
// holds a smaller window is the one holding its start (and a unix minute
// lies in one window of every size). domain/window_test checks the nesting
// in zones with clock changes; kpi_processor_test checks every cell a
// batch writes against domain::CellsOf of its events, window by window.
//
// Not thread-safe; used on the consumer's loop thread.

#include <array>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "services/metrics/domain/counters.h"
#include "services/metrics/domain/dimension.h"
#include "services/metrics/domain/event.h"
#include "services/metrics/domain/window.h"
#include "services/metrics/domain/window_dimensions.h"
#include "sqms/runtime/checkpoint_store.h"

namespace sqms::metrics::adapters {

// The finest grain records are summed at.
struct Grain {
  int64_t minute = 0;  // unix minute of the event time
  domain::Dimensions dimensions;
  bool drill = false;
  uint32_t late_sizes = 0;  // bit per WindowSize the record was late for
  bool operator==(const Grain&) const = default;
  template <typename H>
  friend H AbslHashValue(H h, const Grain& g) {
    const domain::Dimensions& d = g.dimensions;
    return H::combine(std::move(h), g.minute, d.department, d.channel, d.category, d.region,
                      d.station, d.line, d.agent, d.plan, d.level, g.drill, g.late_sizes);
  }
};

struct GrainSums {
  domain::CounterValues counters{};
  std::array<int64_t, domain::kEventTypeCount> events{};  // by the body's index
  int64_t records = 0;
};

using Grains = absl::flat_hash_map<Grain, GrainSums>;

class CellRollUp {
 public:
  // Borrows every argument; each must outlive this. `retention` is indexed
  // by WindowSize (zero or less: kept forever).
  CellRollUp(const absl::TimeZone& zone, std::span<const domain::DayBand> bands,
             const domain::WindowDimensions& window_dimensions,
             std::span<const absl::Duration, 6> retention);

  // The writes that add `grains` to the window hashes: per window touched,
  // one HADDVECTOR of the cells its size keeps (none when it keeps none of
  // the grains' dimensions), an HINCRBY of `_late` and `_rev` when a grain
  // was late for it, and its EXPIREAT when its size is not kept forever.
  runtime::StateDelta RollUp(const Grains& grains);

 private:
  struct Batch;
  // Each grain into its minute cells (the dimensions minutes keep) and its
  // hour cells (every dimension), and the windows it touched.
  void SumGrains(const Grains& grains, Batch& batch) const;
  // The writes of the batch's cells (those their size keeps) and windows.
  runtime::StateDelta Writes(const Batch& batch) const;

  const absl::TimeZone& zone_;
  std::span<const domain::DayBand> bands_;
  const domain::WindowDimensions& window_dimensions_;
  std::span<const absl::Duration, 6> retention_;
  // The cells of the last roll-up: the next one's capacity (a hint only).
  size_t minute_cells_hint_ = 0;
  size_t hour_cells_hint_ = 0;
};

}  // namespace sqms::metrics::adapters
