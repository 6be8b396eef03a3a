#pragma once
// Which dimensions each window size is kept by (metrics.yaml
// `window_dimensions`). Fine windows by fine dimensions are most of what a
// checkpoint writes and Redis holds: minute windows by agent, station and
// category were 88 % of the fields in the benchmark (docs/metrics.md,
// "Dimensions per window size"). A size not configured keeps every
// dimension. Immutable after set-up; thread-safe to read.

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "services/metrics/domain/dimension.h"
#include "services/metrics/domain/window.h"

namespace sqms::metrics::domain {

class WindowDimensions {
 public:
  // Every size keeps every dimension.
  WindowDimensions();

  // `size` keeps only `dimensions` (the total included only when listed).
  void KeepOnly(WindowSize size, std::span<const Dimension> dimensions);
  bool Keeps(WindowSize size, Dimension dimension) const;
  // The dimensions `size` keeps, comma-separated in AllDimensions() order:
  // "total, department, channel".
  std::string KeptNames(WindowSize size) const;

 private:
  std::array<uint32_t, 6> masks_{};  // by WindowSize: bit per Dimension
};

}  // namespace sqms::metrics::domain
