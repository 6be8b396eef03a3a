#pragma once
// WatchIncidents' source: every change on sqms.incidents.v1 (one consumer
// per process, runtime/kafka_watch_feed.h) turned into the incident as it
// is now — read from the store, with its deliveries — and handed to
// `publish` (the rpc layer's fan-out hub). Best effort like every watch: an
// event that cannot be read or whose incident cannot be loaded is skipped
// and logged; the next change of that incident shows it whole again.

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/alerts/app/catalog.h"
#include "services/alerts/app/incident_commands.h"
#include "sqms/alerts/v1/service.pb.h"
#include "sqms/runtime/kafka_watch_feed.h"

namespace sqms::alerts::adapters {

using PublishIncident = std::function<void(std::shared_ptr<const ::sqms::alerts::v1::Incident>)>;

// `commands` and `catalog` must outlive the feed; `watched` and `publish`
// run on the feed's consumer thread and must not block. While `watched`
// says nobody watches, changes are passed over: no incident is read.
absl::StatusOr<std::unique_ptr<runtime::KafkaWatchFeed>> StartIncidentWatchFeed(
    const runtime::KafkaConnection& kafka, const std::string& topic,
    app::IncidentCommands& commands, const app::Catalog& catalog,
    runtime::KafkaWatchFeed::Watched watched, PublishIncident publish);

}  // namespace sqms::alerts::adapters
