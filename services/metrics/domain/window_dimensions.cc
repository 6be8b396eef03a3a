#include "services/metrics/domain/window_dimensions.h"

#include <string>
#include <vector>

#include "absl/strings/str_join.h"

namespace sqms::metrics::domain {
namespace {

uint32_t Bit(Dimension d) { return 1u << static_cast<int>(d); }

}  // namespace

WindowDimensions::WindowDimensions() {
  uint32_t all = 0;
  for (Dimension d : AllDimensions()) all |= Bit(d);
  masks_.fill(all);
}

void WindowDimensions::KeepOnly(WindowSize size, std::span<const Dimension> dimensions) {
  uint32_t mask = 0;
  for (Dimension d : dimensions) mask |= Bit(d);
  masks_[static_cast<size_t>(size)] = mask;
}

bool WindowDimensions::Keeps(WindowSize size, Dimension dimension) const {
  return (masks_[static_cast<size_t>(size)] & Bit(dimension)) != 0;
}

std::string WindowDimensions::KeptNames(WindowSize size) const {
  std::vector<std::string> names;
  for (Dimension d : AllDimensions()) {
    if (Keeps(size, d)) names.emplace_back(DimensionName(d));
  }
  return names.empty() ? "none" : absl::StrJoin(names, ", ");
}

}  // namespace sqms::metrics::domain
