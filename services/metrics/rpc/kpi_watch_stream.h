#pragma once
// WatchKpis' streams: the hub the watcher's changes are published to, one
// FanOutWriteReactor per stream (bounded queue; a slow client loses its
// oldest messages, counted by the hub, and never holds up the poller or
// the other streams — as WatchComplaints), and the proto mapping of the
// watch (app/kpi_watch.h ↔ sqms.metrics.v1).
//
// Threads: the hub's Publish and every filter run on the watcher's poll
// thread (app/kpi_watcher.h); the mapping functions are pure.

#include <cstddef>
#include <memory>
#include <optional>

#include "services/metrics/app/kpi_watcher.h"
#include "sqms/metrics/v1/service.pb.h"
#include "sqms/runtime/fan_out_hub.h"
#include "sqms/runtime/fan_out_reactor.h"

namespace sqms::metrics::rpc {

namespace pb = ::sqms::metrics::v1;

using KpiUpdateHub = runtime::FanOutHub<pb::KpiUpdate>;
using KpiWatchReactor = runtime::FanOutWriteReactor<pb::KpiUpdate>;

// Messages a stream may have queued; a snapshot is at most 20 KPIs × 32
// windows × the units seen, so this leaves room for a large one.
inline constexpr size_t kWatchQueueCapacity = 4096;

app::WatchRequest FromProto(const pb::WatchKpisRequest& request);
// The value as GetKpi answers it (labels in the service's zone).
void ToProto(const app::KpiUpdate& update, pb::KpiUpdate* out);
// The figure an update is of; nullopt for one this service did not make.
std::optional<app::FigureKey> FigureKeyOf(const pb::KpiUpdate& update);

// The watcher's OnChange: each change as a KpiUpdate, published to `hub`
// (which must outlive the watcher).
app::KpiWatcher::OnChange PublishTo(KpiUpdateHub& hub);
// A stream's hub filter: the changes `target` wants (WatchTarget::Wants).
KpiUpdateHub::Filter FilterFor(std::shared_ptr<const app::WatchTarget> target);

}  // namespace sqms::metrics::rpc
