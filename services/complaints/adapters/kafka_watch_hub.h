#pragma once
// Fan-out of complaint lifecycle events to WatchComplaints subscribers.
//
// WatchHub is the in-memory fan-out (no Kafka: tests publish into it);
// KafkaWatchFeed feeds it from topic sqms.complaints.v1 with one consumer per
// process (its own consumer group, starting at "latest": a watch sees events
// from now on). Events on the topic are already free of personal data
// (codec::EncodeEvent), so subscribers of any role get them as they are.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "sqms/complaints/v1/service.pb.h"
#include "sqms/events/v1/complaint_event.pb.h"
#include "sqms/runtime/kafka_consumer.h"

namespace sqms::complaints::adapters {

using ComplaintEventPtr = std::shared_ptr<const ::sqms::events::v1::ComplaintEvent>;

// A subscriber. Push runs on the publishing thread (the Kafka loop) and
// must never block: a slow subscriber keeps a bounded queue and drops its
// oldest events. Returns how many events it dropped to make room (0 or more).
class WatchSink {
 public:
  virtual ~WatchSink() = default;
  virtual int Push(const ComplaintEventPtr& event) = 0;
};

// Whether the complaint snapshot of `event` matches `filter` (every set
// criterion must hold; repeated ones match any listed value; created range
// applies to received_at; sla_breached_only needs a breached deadline).
bool MatchesFilter(const ::sqms::complaints::v1::ComplaintFilter& filter,
                   const ::sqms::events::v1::ComplaintEvent& event);

// Thread-safe.
class WatchHub {
 public:
  // `sink` receives matching events until Unsubscribe(returned id).
  uint64_t Subscribe(::sqms::complaints::v1::ComplaintFilter filter, WatchSink& sink);
  // After this returns `sink` is never called again (safe to destroy).
  void Unsubscribe(uint64_t id);
  // Hands `event` to every matching subscriber; never blocks on them.
  void Publish(const ComplaintEventPtr& event);

  int subscribers() const;
  // Events dropped by slow subscribers since start (for a metric/log).
  uint64_t dropped_total() const;

 private:
  struct Subscriber {
    ::sqms::complaints::v1::ComplaintFilter filter;
    WatchSink* sink;
  };
  mutable absl::Mutex mu_;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<uint64_t, Subscriber> subscribers_ ABSL_GUARDED_BY(mu_);
};

// One per process: consumes the complaint events topic into a WatchHub.
class KafkaWatchFeed {
 public:
  // Starts consuming (group "sqms-complaints-watch-<hostname>-<pid>",
  // auto_offset_reset "latest", no dead-lettering: an undecodable record is
  // logged and skipped). `hub` must outlive the feed. INVALID_ARGUMENT for
  // bad consumer configuration (e.g. empty brokers).
  static absl::StatusOr<std::unique_ptr<KafkaWatchFeed>> Start(const std::string& brokers,
                                                               const std::string& topic,
                                                               WatchHub& hub);
  ~KafkaWatchFeed();  // stops the consumer (joins its thread)

  static std::string GroupId();

 private:
  explicit KafkaWatchFeed(std::unique_ptr<runtime::KafkaConsumerLoop> loop);
  std::unique_ptr<runtime::KafkaConsumerLoop> loop_;
};

}  // namespace sqms::complaints::adapters
