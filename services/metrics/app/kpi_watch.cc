#include "services/metrics/app/kpi_watch.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/metrics/app/request_checks.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::metrics::app {
namespace {

auto Tie(const FigureKey& k) {
  return std::tie(k.kpi->name, k.size, k.start, k.dimension, k.unit, k.drill);
}

bool SameFigures(const KpiResult& a, const KpiResult& b) {
  return a.value.value == b.value.value && a.value.numerator == b.value.numerator &&
         a.value.denominator == b.value.denominator && a.revision == b.revision &&
         a.closed == b.closed;
}

bool SameCounts(const KpiResult& a, const KpiResult& b) {
  return a.value.numerator == b.value.numerator && a.value.denominator == b.value.denominator &&
         a.value.value == b.value.value;
}

bool CountsAnything(const KpiResult& r) {
  return r.value.numerator != 0 || r.value.denominator != 0 || r.value.value.has_value();
}

}  // namespace

bool FigureKey::operator<(const FigureKey& other) const { return Tie(*this) < Tie(other); }
bool FigureKey::operator==(const FigureKey& other) const { return Tie(*this) == Tie(other); }

absl::StatusOr<WatchSpec> CheckWatch(const WatchRequest& request,
                                     const domain::WindowDimensions& kept) {
  std::vector<runtime::FieldViolation> violations;
  WatchSpec spec;
  if (request.kpis.empty()) violations.push_back({"kpis", "at least one KPI"});
  if (request.kpis.size() > kMaxWatchKpis) {
    violations.push_back({"kpis", absl::StrCat("at most ", kMaxWatchKpis)});
  }
  for (size_t i = 0; i < request.kpis.size(); ++i) {
    const domain::KpiDefinition* kpi =
        KpiOf(request.kpis[i], absl::StrCat("kpis[", i, "]"), violations);
    if (kpi != nullptr && std::find(spec.kpis.begin(), spec.kpis.end(), kpi) == spec.kpis.end()) {
      spec.kpis.push_back(kpi);
    }
  }
  if (!request.size) {
    violations.push_back({"size", "required"});
  } else {
    spec.size = *request.size;
  }
  const std::optional<domain::Dimension> dimension =
      DimensionOf(request.dimension, "dimension", violations);
  if (request.size && dimension) CheckKept(kept, *request.size, *dimension, "dimension", violations);
  if (dimension) CheckTotalUnit(*dimension, request.unit, "unit", violations);
  for (size_t i = 0; dimension && i < request.kpis.size(); ++i) {
    if (const domain::KpiDefinition* kpi = domain::FindKpi(request.kpis[i])) {
      CheckBreakdown(*kpi, *dimension, absl::StrCat("kpis[", i, "]"), violations);
    }
  }
  if (request.previous_windows < 0 || request.previous_windows > kMaxWatchPreviousWindows) {
    violations.push_back({"previous_windows", absl::StrCat(request.previous_windows,
                                                           " is not in 0..",
                                                           kMaxWatchPreviousWindows)});
  }
  if (!violations.empty()) return runtime::InvalidArgument(std::move(violations));
  spec.dimension = *dimension;
  spec.unit = spec.dimension == domain::Dimension::kTotal ? "all" : request.unit;
  spec.previous_windows = request.previous_windows;
  spec.drill = request.drill;
  return spec;
}

std::vector<domain::Window> WatchedWindows(const WatchSpec& spec, absl::Time now,
                                           const absl::TimeZone& zone) {
  std::vector<domain::Window> out = {domain::WindowOf(now, spec.size, zone)};
  for (int i = 0; i < spec.previous_windows; ++i) {
    out.push_back(domain::PreviousWindow(out.back(), zone));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<ReadGroup> PlanReads(const std::vector<const WatchSpec*>& specs, absl::Time now,
                                 const absl::TimeZone& zone) {
  // (dimension, drill) -> (size, start) -> window
  std::map<std::pair<domain::Dimension, bool>,
           std::map<std::pair<domain::WindowSize, absl::Time>, domain::Window>>
      groups;
  for (const WatchSpec* spec : specs) {
    auto& windows = groups[{spec->dimension, spec->drill}];
    for (const domain::Window& w : WatchedWindows(*spec, now, zone)) {
      windows.emplace(std::pair{w.size, w.start}, w);
    }
  }
  std::vector<ReadGroup> out;
  for (auto& [group, windows] : groups) {
    ReadGroup read{.dimension = group.first, .drill = group.second, .windows = {}};
    for (auto& entry : windows) read.windows.push_back(entry.second);
    out.push_back(std::move(read));
  }
  return out;
}

bool Covers(const WatchSpec& spec, absl::Time oldest_start, const FigureKey& key) {
  return key.size == spec.size && key.dimension == spec.dimension && key.drill == spec.drill &&
         key.start >= oldest_start && (spec.unit.empty() || key.unit == spec.unit) &&
         std::find(spec.kpis.begin(), spec.kpis.end(), key.kpi) != spec.kpis.end();
}

std::vector<KpiUpdate> Diff(const Figures& before, const Figures& now, absl::Time observed_at) {
  std::vector<KpiUpdate> out;
  for (const auto& [key, result] : now) {
    auto it = before.find(key);
    if (it != before.end() && SameFigures(it->second, result)) continue;
    const bool counts_changed =
        it == before.end() ? CountsAnything(result) : !SameCounts(it->second, result);
    // Closed already when last read: the close itself (an open window's
    // answer rate then takes every call offered, domain::Settlement) is
    // not a correction.
    const bool was_closed = it == before.end() ? result.closed : it->second.closed;
    out.push_back({.key = key,
                   .result = result,
                   .snapshot = false,
                   .correction = result.revision > 0 || (was_closed && counts_changed),
                   .observed_at = observed_at});
  }
  return out;
}

std::vector<KpiUpdate> Snapshot(const Figures& figures, const WatchSpec& spec,
                                absl::Time oldest_start, absl::Time observed_at) {
  std::vector<KpiUpdate> out;
  for (const auto& [key, result] : figures) {
    if (!Covers(spec, oldest_start, key)) continue;
    out.push_back({.key = key,
                   .result = result,
                   .snapshot = true,
                   .correction = result.revision > 0,
                   .observed_at = observed_at});
  }
  return out;
}

}  // namespace sqms::metrics::app
