#pragma once
// One WatchComplaints call: a WatchHub subscriber that writes the matching
// events to the client, one write at a time. Its queue is bounded: when the
// client reads slower than events arrive, the oldest queued events are
// dropped (counted by the hub) — the Kafka consumer is never held up.
//
// Ends only when the client cancels (or the server shuts down): Finish with
// CANCELLED. Deletes itself in OnDone after unsubscribing.
//
// Threads: Push runs on the Kafka consumer thread, the reactions on gRPC
// threads; state is guarded by mu_ and gRPC operations start outside it.

#include <cstddef>
#include <deque>
#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"
#include "services/complaints/adapters/kafka_watch_hub.h"

namespace sqms::complaints::rpc {

class WatchReactor final : public grpc::ServerWriteReactor<::sqms::events::v1::ComplaintEvent>,
                           public adapters::WatchSink {
 public:
  static constexpr size_t kDefaultQueueCapacity = 1024;
  using OnFinished = std::function<void(const grpc::Status& status)>;

  // Subscribes at once. `hub` must outlive the call. Owned by gRPC.
  WatchReactor(adapters::WatchHub& hub, const ::sqms::complaints::v1::ComplaintFilter& filter,
               OnFinished on_finished, size_t queue_capacity = kDefaultQueueCapacity);

  int Push(const adapters::ComplaintEventPtr& event) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  struct Action {
    const ::sqms::events::v1::ComplaintEvent* write = nullptr;  // kept alive by writing_
    bool finish = false;
  };
  Action NextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Run(Action action);

  adapters::WatchHub& hub_;
  const OnFinished on_finished_;
  const size_t capacity_;
  uint64_t subscription_ = 0;  // set in the constructor, read in OnDone

  absl::Mutex mu_;
  std::deque<adapters::ComplaintEventPtr> queue_ ABSL_GUARDED_BY(mu_);
  adapters::ComplaintEventPtr writing_ ABSL_GUARDED_BY(mu_);  // alive while written
  bool broken_ ABSL_GUARDED_BY(mu_) = false;    // cancelled or a write failed
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace sqms::complaints::rpc
