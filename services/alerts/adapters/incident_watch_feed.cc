#include "services/alerts/adapters/incident_watch_feed.h"

#include <utility>

#include "services/alerts/codec/incident_codec.h"
#include "sqms/events/v1/incident_event.pb.h"
#include "sqms/runtime/log.h"

namespace sqms::alerts::adapters {

absl::StatusOr<std::unique_ptr<runtime::KafkaWatchFeed>> StartIncidentWatchFeed(
    const runtime::KafkaConnection& kafka, const std::string& topic,
    app::IncidentCommands& commands, const app::Catalog& catalog,
    runtime::KafkaWatchFeed::Watched watched, PublishIncident publish) {
  return runtime::KafkaWatchFeed::Start(
      kafka, topic, "sqms-alerts-watch", std::move(watched),
      [&commands, &catalog, publish = std::move(publish)](const runtime::ConsumedRecord& record) {
        ::sqms::events::v1::IncidentEvent event;
        if (!event.ParseFromString(record.value)) {
          runtime::log::Warn("incident watch skipped an undecodable record",
                             {{"partition", record.partition}, {"offset", record.offset}});
          return;
        }
        auto incident = commands.Get(event.incident_id());
        auto deliveries = incident.ok() ? commands.Deliveries(*incident)
                                        : absl::StatusOr<std::vector<ports::Delivery>>(
                                              incident.status());
        if (!deliveries.ok()) {
          runtime::log::Warn("incident watch could not read an incident",
                             {{"incident", event.incident_id()},
                              {"error", deliveries.status().ToString()}});
          return;
        }
        publish(std::make_shared<const ::sqms::alerts::v1::Incident>(
            codec::IncidentToProto(*incident, *catalog.Snapshot(), *deliveries)));
      });
}

}  // namespace sqms::alerts::adapters
