#pragma once
// Fan-out of complaint lifecycle events to WatchComplaints subscribers.
//
// WatchHub is the in-memory fan-out (runtime::FanOutHub; no Kafka: tests
// publish into it); KafkaWatchFeed feeds it from topic sqms.complaints.v1 with one consumer per
// process (its own consumer group, starting at "latest": a watch sees events
// from now on). Events on the topic are already free of personal data
// (codec::EncodeEvent), so subscribers of any role get them as they are.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "sqms/complaints/v1/service.pb.h"
#include "sqms/events/v1/complaint_event.pb.h"
#include "sqms/runtime/fan_out_hub.h"
#include "sqms/runtime/kafka_properties.h"
#include "sqms/runtime/kafka_watch_feed.h"

namespace sqms::complaints::adapters {

// The in-memory fan-out of complaint events (runtime/fan_out_hub.h): no
// Kafka, tests publish into it. Thread-safe.
using WatchHub = runtime::FanOutHub<::sqms::events::v1::ComplaintEvent>;
using WatchSink = WatchHub::Sink;
using ComplaintEventPtr = WatchHub::EventPtr;

// Whether the complaint snapshot of `event` matches `filter` (every set
// criterion must hold; repeated ones match any listed value; created range
// applies to received_at; sla_breached_only needs a breached deadline).
bool MatchesFilter(const ::sqms::complaints::v1::ComplaintFilter& filter,
                   const ::sqms::events::v1::ComplaintEvent& event);
// `filter` as the hub's subscriber filter.
WatchHub::Filter WatchFilter(::sqms::complaints::v1::ComplaintFilter filter);

// One per process: consumes the complaint events topic into a WatchHub
// (runtime/kafka_watch_feed.h: its own group, from "latest"; records are
// decoded only while the hub has subscribers; an undecodable record is
// logged and skipped).
struct KafkaWatchFeed {
  // Starts consuming; `hub` must outlive the feed. INVALID_ARGUMENT for bad
  // consumer configuration (e.g. empty brokers).
  static absl::StatusOr<std::unique_ptr<runtime::KafkaWatchFeed>> Start(
      const runtime::KafkaConnection& kafka, const std::string& topic, WatchHub& hub);
  static std::string GroupId();
};

}  // namespace sqms::complaints::adapters
