#pragma once
// The pure half of WatchKpis: what a watch asks for (WatchRequest →
// WatchSpec, checked like the queries), which windows it covers at a given
// time, the identity of one watched figure (FigureKey), and what changed
// between two reads of the figures (Diff). No I/O, no clock: the poller
// (kpi_watcher.h) feeds it. Thread-safe (pure functions and values).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/metrics/app/kpi_queries.h"
#include "services/metrics/domain/dimension.h"
#include "services/metrics/domain/kpi.h"
#include "services/metrics/domain/window.h"
#include "services/metrics/domain/window_dimensions.h"

namespace sqms::metrics::app {

inline constexpr int kMaxWatchKpis = kMaxQueryKpis;
inline constexpr int kMaxWatchPreviousWindows = 31;

// A watch as the request gives it (sqms.metrics.v1.WatchKpisRequest).
struct WatchRequest {
  std::vector<std::string> kpis;
  std::optional<domain::WindowSize> size;  // nullopt: not given
  std::string dimension;                   // "" = total
  std::string unit;                        // "" = every unit seen
  int previous_windows = 0;
  bool drill = false;
};

// A checked watch.
struct WatchSpec {
  std::vector<const domain::KpiDefinition*> kpis;  // never null, catalogue entries
  domain::WindowSize size = domain::WindowSize::kDay;
  domain::Dimension dimension = domain::Dimension::kTotal;
  std::string unit;  // "all" for the total; "" = every unit seen
  int previous_windows = 0;
  bool drill = false;
};

// The spec, or INVALID_ARGUMENT with a runtime::FieldViolation per bad
// field, named by its proto path: "kpis" (none, more than kMaxWatchKpis),
// "kpis[i]" (empty, unknown), "size", "dimension" (unknown, or not kept
// for the size: `kept`), "previous_windows"
// (outside 0..kMaxWatchPreviousWindows). A unit given with the total is
// ignored, as QueryKpis does.
absl::StatusOr<WatchSpec> CheckWatch(const WatchRequest& request,
                                     const domain::WindowDimensions& kept = {});

// The windows `spec` covers at `now`: the `previous_windows` before the
// window that contains `now`, then that window (oldest first).
std::vector<domain::Window> WatchedWindows(const WatchSpec& spec, absl::Time now,
                                           const absl::TimeZone& zone);

// One watched figure: a KPI of a unit in a window.
struct FigureKey {
  const domain::KpiDefinition* kpi = nullptr;
  domain::WindowSize size = domain::WindowSize::kDay;
  absl::Time start;  // the window's start
  domain::Dimension dimension = domain::Dimension::kTotal;
  std::string unit;
  bool drill = false;

  bool operator<(const FigureKey& other) const;
  bool operator==(const FigureKey& other) const;
};

// The reads one round of the watch needs: per dimension and drill flag,
// every distinct window any of `specs` covers at `now` (one store read
// each, however many streams watch it), in a stable order.
struct ReadGroup {
  domain::Dimension dimension = domain::Dimension::kTotal;
  bool drill = false;
  std::vector<domain::Window> windows;  // by size, then start
};
std::vector<ReadGroup> PlanReads(const std::vector<const WatchSpec*>& specs, absl::Time now,
                                 const absl::TimeZone& zone);

// Whether `spec`, covering the windows from `oldest_start` on, watches `key`.
bool Covers(const WatchSpec& spec, absl::Time oldest_start, const FigureKey& key);

// The figures of one read: every watched figure, by key.
using Figures = std::map<FigureKey, KpiResult>;

// One message of a watch.
struct KpiUpdate {
  FigureKey key;
  KpiResult result;
  bool snapshot = false;    // sent when the stream opened
  bool correction = false;  // see service.proto's KpiUpdate.correction
  absl::Time observed_at;   // when the figures were read
};

// The figures of `now` that are new or differ from `before` (value,
// numerator, denominator, revision or closed), in key order. A change of a
// window closed already in `before`, or whose revision is above 0, is a
// correction (the close itself is not, though an open window's call rates
// change their denominator at it); a figure new to `before` changed when
// it counted anything, a correction when it is closed.
std::vector<KpiUpdate> Diff(const Figures& before, const Figures& now, absl::Time observed_at);

// The figures of `figures` that `spec` covers from `oldest_start` on, as a
// stream's first messages (snapshot; a correction when the revision is
// above 0), in key order.
std::vector<KpiUpdate> Snapshot(const Figures& figures, const WatchSpec& spec,
                                absl::Time oldest_start, absl::Time observed_at);

}  // namespace sqms::metrics::app
