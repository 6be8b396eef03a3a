#include "services/metrics/app/kpi_watcher.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <utility>

namespace sqms::metrics::app {

bool WatchTarget::Wants(const FigureKey& key) const {
  absl::MutexLock lock(&mu_);
  return live_ && Covers(spec_, oldest_start_, key);
}

KpiWatcher::KpiWatcher(ports::KpiReader& reader, const KpiQueries& queries,
                       const runtime::Clock& clock, OnChange on_change)
    : reader_(reader), queries_(queries), clock_(clock), on_change_(std::move(on_change)) {}

void KpiWatcher::Add(std::shared_ptr<WatchTarget> target, Deliver deliver) {
  absl::MutexLock lock(&mu_);
  const WatchTarget* key = target.get();
  watches_.emplace(key, Watch{std::move(target), std::move(deliver)});
}

void KpiWatcher::Remove(const WatchTarget& target) {
  absl::MutexLock lock(&mu_);
  watches_.erase(&target);
}

int KpiWatcher::streams() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(watches_.size());
}

absl::StatusOr<Figures> KpiWatcher::Read(const std::vector<std::shared_ptr<WatchTarget>>& targets,
                                         absl::Time now) {
  const absl::TimeZone& zone = queries_.config().zone;
  std::vector<const WatchSpec*> specs;
  for (const auto& target : targets) specs.push_back(&target->spec());
  // (dimension, drill, size, start) -> the window's stored aggregate
  using AggregateKey = std::tuple<domain::Dimension, bool, domain::WindowSize, absl::Time>;
  std::map<AggregateKey, ports::WindowAggregate> aggregates;
  for (const ReadGroup& group : PlanReads(specs, now, zone)) {
    auto read = reader_.Read(group.windows, group.dimension, group.drill);
    if (!read.ok()) return read.status();
    for (size_t i = 0; i < group.windows.size() && i < read->size(); ++i) {
      const domain::Window& w = group.windows[i];
      aggregates[{group.dimension, group.drill, w.size, w.start}] = std::move((*read)[i]);
    }
  }
  Figures figures;
  for (const WatchSpec* spec : specs) {
    for (const domain::Window& w : WatchedWindows(*spec, now, zone)) {
      const ports::WindowAggregate& aggregate =
          aggregates[{spec->dimension, spec->drill, w.size, w.start}];
      std::vector<std::string> units = {spec->unit};
      if (spec->unit.empty()) {
        units.clear();
        for (const auto& entry : aggregate.units) units.push_back(entry.first);
      }
      for (const domain::KpiDefinition* kpi : spec->kpis) {
        for (const std::string& unit : units) {
          FigureKey key{.kpi = kpi, .size = w.size, .start = w.start,
                        .dimension = spec->dimension, .unit = unit, .drill = spec->drill};
          if (figures.contains(key)) continue;
          figures.emplace(std::move(key),
                          queries_.Result(*kpi, w, spec->dimension, unit, aggregate));
        }
      }
    }
  }
  return figures;
}

absl::Status KpiWatcher::PollOnce() {
  const absl::Time now = clock_.Now();
  std::vector<std::shared_ptr<WatchTarget>> targets;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& entry : watches_) targets.push_back(entry.second.target);
  }
  Figures figures;
  if (!targets.empty()) {
    absl::StatusOr<Figures> read = Read(targets, now);
    if (!read.ok()) return read.status();
    figures = *std::move(read);
  }
  const absl::TimeZone& zone = queries_.config().zone;
  absl::MutexLock lock(&mu_);
  std::vector<absl::Time> oldest;
  for (const auto& target : targets) {
    oldest.push_back(WatchedWindows(target->spec(), now, zone).front().start);
    absl::MutexLock target_lock(&target->mu_);
    target->oldest_start_ = oldest.back();
  }
  // Changes first, to the streams that had their snapshot (a figure only a
  // new stream covers is not published: its snapshot brings it); then the
  // snapshots of the new ones, already holding this round's figures.
  for (const KpiUpdate& update : Diff(last_, figures, now)) {
    const bool wanted = std::any_of(targets.begin(), targets.end(), [&update](const auto& t) {
      return t->Wants(update.key);
    });
    if (wanted) on_change_(update);
  }
  for (size_t i = 0; i < targets.size(); ++i) {
    WatchTarget& target = *targets[i];
    auto it = watches_.find(&target);
    if (it == watches_.end()) continue;  // removed during the read
    {
      absl::MutexLock target_lock(&target.mu_);
      if (target.live_) continue;
    }
    it->second.deliver(Snapshot(figures, target.spec(), oldest[i], now));
    absl::MutexLock target_lock(&target.mu_);
    target.live_ = true;
  }
  last_ = std::move(figures);
  return absl::OkStatus();
}

}  // namespace sqms::metrics::app
