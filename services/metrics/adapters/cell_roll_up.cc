#include "services/metrics/adapters/cell_roll_up.h"

#include <map>
#include <string>
#include <string_view>
#include <tuple>

#include "services/metrics/adapters/kpi_keys.h"

namespace sqms::metrics::adapters {

using domain::Dimension;
using domain::Window;
using domain::WindowSize;

namespace {

int SizeIndex(WindowSize size) { return static_cast<int>(size); }

// A cell's sums, in its stored vector's slot order (kpi_keys.h).
using CellSums = std::array<int64_t, kCellSlotCount>;

// One cell: a window of one size, drill or not, a dimension and its unit
// (an index into the roll-up's UnitNames, so the key is hashed and compared
// without touching a string).
struct CellKey {
  int64_t start = 0;  // the window's start, unix seconds
  bool drill = false;
  int dimension = 0;
  uint32_t unit = 0;
  bool operator==(const CellKey&) const = default;
  template <typename H>
  friend H AbslHashValue(H h, const CellKey& k) {
    return H::combine(std::move(h), k.start, k.drill, k.dimension, k.unit);
  }
};

// The cells of one window size, and its windows by start.
struct SizeCells {
  absl::flat_hash_map<CellKey, CellSums> cells;
  absl::flat_hash_map<int64_t, Window> windows;
};

// The distinct unit values of one roll-up, each held once, as views: into
// the grains' dimensions, the options' bands or a literal, all of which
// outlive the roll-up.
class UnitNames {
 public:
  uint32_t Id(std::string_view value) {
    auto [it, added] = ids_.try_emplace(value, static_cast<uint32_t>(names_.size()));
    if (added) names_.push_back(value);
    return it->second;
  }
  std::string_view Name(uint32_t id) const { return names_[id]; }

 private:
  std::vector<std::string_view> names_;
  absl::flat_hash_map<std::string_view, uint32_t> ids_;
};

// A grain's non-zero sums with their slots, found once per grain.
struct SparseSums {
  std::array<std::pair<int, int64_t>, kCellSlotCount> entries;
  size_t size = 0;
};

SparseSums NonZeroSlots(const GrainSums& sums) {
  SparseSums out;
  for (size_t c = 0; c < sums.counters.size(); ++c) {
    if (sums.counters[c] != 0) {
      out.entries[out.size++] = {CounterSlot(static_cast<domain::Counter>(c)), sums.counters[c]};
    }
  }
  for (size_t e = 0; e < sums.events.size(); ++e) {
    if (sums.events[e] != 0) out.entries[out.size++] = {EventTypeSlot(e), sums.events[e]};
  }
  return out;
}

void AddSparse(CellSums& cell, const SparseSums& sums) {
  for (size_t i = 0; i < sums.size; ++i) cell[sums.entries[i].first] += sums.entries[i].second;
}

// Every cell of `from` added into its window of `to`'s size (the one
// holding the cell's window's start: windows nest, see the header).
void RollInto(const SizeCells& from, WindowSize to_size, const absl::TimeZone& zone,
              SizeCells& to) {
  absl::flat_hash_map<int64_t, int64_t> parent_of;  // a window's start → its parent's
  for (const auto& [start, window] : from.windows) {
    const Window parent = domain::WindowOf(window.start, to_size, zone);
    const int64_t parent_start = absl::ToUnixSeconds(parent.start);
    parent_of[start] = parent_start;
    to.windows.try_emplace(parent_start, parent);
  }
  for (const auto& [key, sums] : from.cells) {
    CellSums& cell = to.cells[CellKey{parent_of.at(key.start), key.drill, key.dimension, key.unit}];
    for (size_t i = 0; i < kCellSlotCount; ++i) cell[i] += sums[i];
  }
}

// A window's writes: its key, expiry, late records and the vectors of its
// kept cells.
struct WindowFields {
  std::string key;
  int64_t expire_at = 0;  // 0: kept
  int64_t late = 0;
  runtime::RedisWrite cells;
};

}  // namespace

CellRollUp::CellRollUp(const absl::TimeZone& zone, std::span<const domain::DayBand> bands,
                       const domain::WindowDimensions& window_dimensions,
                       std::span<const absl::Duration, 6> retention)
    : zone_(zone), bands_(bands), window_dimensions_(window_dimensions), retention_(retention) {}

// One roll-up's working state.
struct CellRollUp::Batch {
  std::array<SizeCells, 6> sizes;  // by WindowSize
  // The windows the grains touched directly (their minute windows; the
  // larger ones are reached through the cells) and the ones they were late
  // for: (size, start, drill) → late records.
  std::map<std::tuple<int, int64_t, bool>, int64_t> touched;
  UnitNames units;
};

runtime::StateDelta CellRollUp::RollUp(const Grains& grains) {
  Batch batch;
  batch.sizes[SizeIndex(WindowSize::kMinute)].cells.reserve(minute_cells_hint_);
  batch.sizes[SizeIndex(WindowSize::kHour)].cells.reserve(hour_cells_hint_);
  SumGrains(grains, batch);
  minute_cells_hint_ = batch.sizes[SizeIndex(WindowSize::kMinute)].cells.size();
  hour_cells_hint_ = batch.sizes[SizeIndex(WindowSize::kHour)].cells.size();
  auto& sizes = batch.sizes;
  RollInto(sizes[SizeIndex(WindowSize::kHour)], WindowSize::kDay, zone_,
           sizes[SizeIndex(WindowSize::kDay)]);
  RollInto(sizes[SizeIndex(WindowSize::kDay)], WindowSize::kWeek, zone_,
           sizes[SizeIndex(WindowSize::kWeek)]);
  RollInto(sizes[SizeIndex(WindowSize::kDay)], WindowSize::kMonth, zone_,
           sizes[SizeIndex(WindowSize::kMonth)]);
  RollInto(sizes[SizeIndex(WindowSize::kMonth)], WindowSize::kQuarter, zone_,
           sizes[SizeIndex(WindowSize::kQuarter)]);
  return Writes(batch);
}

void CellRollUp::SumGrains(const Grains& grains, Batch& batch) const {
  SizeCells& minutes = batch.sizes[SizeIndex(WindowSize::kMinute)];
  SizeCells& hours = batch.sizes[SizeIndex(WindowSize::kHour)];
  // Civil-time work once per distinct minute: its windows and its band;
  // and whether its minute window was touched, by drill.
  struct Minute {
    std::array<Window, 6> windows;
    std::string_view band;
    std::array<bool, 2> touched = {false, false};
  };
  absl::flat_hash_map<int64_t, Minute> by_minute;
  for (const auto& [grain, sums] : grains) {
    auto [m, fresh] = by_minute.try_emplace(grain.minute);
    Minute& minute = m->second;
    if (fresh) {
      const absl::Time at = absl::FromUnixSeconds(grain.minute * 60);
      for (WindowSize size : domain::AllWindowSizes()) {
        minute.windows[SizeIndex(size)] = domain::WindowOf(at, size, zone_);
      }
      minute.band = domain::BandOf(at, bands_, zone_);
      for (WindowSize size : {WindowSize::kMinute, WindowSize::kHour}) {
        const Window& window = minute.windows[SizeIndex(size)];
        batch.sizes[SizeIndex(size)].windows.try_emplace(absl::ToUnixSeconds(window.start), window);
      }
    }
    const auto start_of = [&](WindowSize size) {
      return absl::ToUnixSeconds(minute.windows[SizeIndex(size)].start);
    };
    const int64_t minute_start = start_of(WindowSize::kMinute);
    const int64_t hour_start = start_of(WindowSize::kHour);
    if (!minute.touched[grain.drill]) {  // expires even when it keeps none of the grain's units
      minute.touched[grain.drill] = true;
      batch.touched[{SizeIndex(WindowSize::kMinute), minute_start, grain.drill}] += 0;
    }
    for (WindowSize size : domain::AllWindowSizes()) {
      if ((grain.late_sizes & (1u << SizeIndex(size))) == 0) continue;
      batch.touched[{SizeIndex(size), start_of(size), grain.drill}] += sums.records;
    }
    const SparseSums slots = NonZeroSlots(sums);
    for (Dimension d : domain::AllDimensions()) {
      const std::string_view value = domain::DimensionValueOf(grain.dimensions, d, minute.band);
      if (value.empty()) continue;  // not counted in d (dimension.h)
      const uint32_t unit = batch.units.Id(value);
      const int dimension = static_cast<int>(d);
      if (window_dimensions_.Keeps(WindowSize::kMinute, d)) {
        AddSparse(minutes.cells[CellKey{minute_start, grain.drill, dimension, unit}], slots);
      }
      AddSparse(hours.cells[CellKey{hour_start, grain.drill, dimension, unit}], slots);
    }
  }
}

runtime::StateDelta CellRollUp::Writes(const Batch& batch) const {
  std::map<std::tuple<int, int64_t, bool>, WindowFields> windows;
  auto fields_of = [&](WindowSize size, const Window& window, bool drill) -> WindowFields& {
    const int s = SizeIndex(size);
    auto [w, added] = windows.try_emplace({s, absl::ToUnixSeconds(window.start), drill});
    if (added) {
      w->second.key = WindowKey(window, drill);
      w->second.cells = runtime::RedisWrite::HAddVector(w->second.key);
      const absl::Duration keep = retention_[s];
      if (keep > absl::ZeroDuration()) w->second.expire_at = absl::ToUnixSeconds(window.end + keep);
    }
    return w->second;
  };
  for (WindowSize size : domain::AllWindowSizes()) {
    const SizeCells& of_size = batch.sizes[SizeIndex(size)];
    for (const auto& [key, cell] : of_size.cells) {
      WindowFields& fields = fields_of(size, of_size.windows.at(key.start), key.drill);
      const auto dimension = static_cast<Dimension>(key.dimension);
      if (!window_dimensions_.Keeps(size, dimension)) continue;
      fields.cells.AddVector(CellField(dimension, batch.units.Name(key.unit)), cell);
    }
  }
  for (const auto& [window, records] : batch.touched) {
    const auto& [s, start, drill] = window;
    fields_of(static_cast<WindowSize>(s), batch.sizes[s].windows.at(start), drill).late += records;
  }

  // Per window: one HADDVECTOR of its kept cells, a vector each
  // (checkpoint_store.h), its late records and revision, its expiry.
  runtime::StateDelta delta;
  for (auto& [_, w] : windows) {
    if (!w.cells.args.empty()) delta.push_back(std::move(w.cells));
    if (w.late > 0) {
      runtime::RedisWrite late_write = runtime::RedisWrite::HIncrBy(w.key);
      late_write.Increment(std::string(kLateField), w.late);
      // One revision per checkpoint that corrected a closed window.
      late_write.Increment(std::string(kRevisionField), 1);
      delta.push_back(std::move(late_write));
    }
    if (w.expire_at > 0) delta.push_back(runtime::RedisWrite::ExpireAt(w.key, w.expire_at));
  }
  return delta;
}

}  // namespace sqms::metrics::adapters
