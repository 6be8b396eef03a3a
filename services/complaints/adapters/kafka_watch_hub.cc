#include "services/complaints/adapters/kafka_watch_hub.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sqms/runtime/log.h"

namespace sqms::complaints::adapters {
namespace {

namespace pb = ::sqms::complaints::v1;
namespace ev = ::sqms::events::v1;

template <typename Repeated, typename Value>
bool AnyOf(const Repeated& wanted, Value value) {
  return wanted.empty() || std::find(wanted.begin(), wanted.end(), value) != wanted.end();
}

bool Before(const google::protobuf::Timestamp& a, const google::protobuf::Timestamp& b) {
  return a.seconds() < b.seconds() || (a.seconds() == b.seconds() && a.nanos() < b.nanos());
}

bool AnyBreached(const pb::SlaClock& sla) {
  return std::any_of(sla.deadlines().begin(), sla.deadlines().end(),
                     [](const pb::SlaDeadline& d) { return d.breached(); });
}

}  // namespace

bool MatchesFilter(const pb::ComplaintFilter& f, const ev::ComplaintEvent& event) {
  const pb::Complaint& c = event.complaint();
  if (!AnyOf(f.statuses(), static_cast<int>(c.status()))) return false;
  if (!AnyOf(f.categories(), static_cast<int>(c.category()))) return false;
  if (!AnyOf(f.priorities(), static_cast<int>(c.priority()))) return false;
  if (!f.department().empty() && f.department() != c.department()) return false;
  if (f.channel() != pb::CHANNEL_UNSPECIFIED && f.channel() != c.channel()) return false;
  if (!f.region().empty() && f.region() != c.location().region()) return false;
  if (!f.station().empty() && f.station() != c.location().station()) return false;
  if (f.has_created_after() && Before(c.received_at(), f.created_after())) return false;
  if (f.has_created_before() && !Before(c.received_at(), f.created_before())) return false;
  if (f.sla_breached_only() && !AnyBreached(c.sla())) return false;
  if (!f.assignee().empty() && f.assignee() != c.assignee()) return false;
  if (f.escalated_only() && c.escalation_level() <= 0) return false;
  if (!f.incident_id().empty() && f.incident_id() != c.known_issue().incident_id()) return false;
  if (f.sla_at_risk_only() &&
      std::none_of(c.sla().deadlines().begin(), c.sla().deadlines().end(),
                   [](const pb::SlaDeadline& d) {
                     return d.at_risk() && !d.breached() && !d.has_met_at();
                   })) {
    return false;
  }
  return true;
}

WatchHub::Filter WatchFilter(pb::ComplaintFilter filter) {
  return [filter = std::move(filter)](const ev::ComplaintEvent& event) {
    return MatchesFilter(filter, event);
  };
}

std::string KafkaWatchFeed::GroupId() {
  return runtime::KafkaWatchFeed::GroupId("sqms-complaints-watch");
}

absl::StatusOr<std::unique_ptr<runtime::KafkaWatchFeed>> KafkaWatchFeed::Start(
    const runtime::KafkaConnection& kafka, const std::string& topic, WatchHub& hub) {
  return runtime::KafkaWatchFeed::Start(
      kafka, topic, "sqms-complaints-watch", [&hub] { return hub.subscribers() > 0; },
      [&hub](const runtime::ConsumedRecord& record) {
        auto event = std::make_shared<ev::ComplaintEvent>();
        if (!event->ParseFromString(record.value)) {
          // Watching is best effort: a record we cannot read is skipped, not retried.
          runtime::log::Warn("watch feed skipped an undecodable record",
                             {{"partition", record.partition}, {"offset", record.offset}});
          return;
        }
        hub.Publish(std::move(event));
      });
}

}  // namespace sqms::complaints::adapters
