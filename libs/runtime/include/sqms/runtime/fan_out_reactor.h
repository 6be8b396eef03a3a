#pragma once
// One server-streaming "watch" call: a FanOutHub subscriber that writes the
// events it wants to the client, one write at a time. Its queue is bounded
// (DropOldestQueue): when the client reads slower than events arrive, the
// oldest queued events are dropped (counted by the hub) — the publisher is
// never held up.
//
// Ends when the client cancels (or its deadline passes, or the server's
// drain deadline cancels it): Finish with CANCELLED; or when the hub closes
// (FanOutHub::Close, a server starting to shut down): once the events
// queued by then are written, Finish with UNAVAILABLE — the code clients
// retry on, reaching another replica. Deletes itself in OnDone after
// unsubscribing; `on_finished` gets the status it finished with.
//
// Threads: Push runs on the publishing thread, the reactions on gRPC
// threads; state is guarded by mu_ and gRPC operations start outside it.

#include <cstddef>
#include <functional>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"
#include "sqms/runtime/fan_out_hub.h"
#include "sqms/runtime/watch_established.h"

namespace sqms::runtime {

template <typename Event>
class FanOutWriteReactor final : public grpc::ServerWriteReactor<Event>,
                                 public FanOutHub<Event>::Sink {
 public:
  static constexpr size_t kDefaultQueueCapacity = 1024;
  using Hub = FanOutHub<Event>;
  using EventPtr = typename Hub::EventPtr;
  using OnFinished = std::function<void(const grpc::Status& status)>;

  // Subscribes at once and sends the initial metadata (with
  // kWatchEstablishedKey, which `call` gets) without waiting for an event.
  // `hub` must outlive the call. Owned by gRPC.
  FanOutWriteReactor(grpc::CallbackServerContext& call, Hub& hub, typename Hub::Filter filter,
                     OnFinished on_finished, size_t queue_capacity = kDefaultQueueCapacity)
      : hub_(hub), on_finished_(std::move(on_finished)), queue_(queue_capacity) {
    call.AddInitialMetadata(kWatchEstablishedKey, "1");
    this->StartSendInitialMetadata();
    subscription_ = hub_.Subscribe(std::move(filter), *this);
  }

  // The status a stream ends with when its hub closes.
  static grpc::Status ShuttingDown() {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        "the server is shutting down; watch again to be served by another replica");
  }

  int Push(const EventPtr& event) override {
    int dropped = 0;
    Action action;
    {
      absl::MutexLock lock(&mu_);
      // After Close nothing more is queued: the stream ends with what it has.
      if (finished_ || broken_ || closing_) return 0;
      dropped = queue_.Push(event);
      action = NextLocked();
    }
    Run(action);
    return dropped;
  }

  void OnWriteDone(bool ok) override {
    Action action;
    {
      absl::MutexLock lock(&mu_);
      writing_.reset();
      if (!ok) broken_ = true;
      action = NextLocked();
    }
    Run(action);
  }

  void Close() override { RaiseAndStep(&FanOutWriteReactor::closing_); }
  void OnCancel() override { RaiseAndStep(&FanOutWriteReactor::broken_); }

  void OnDone() override {
    hub_.Unsubscribe(subscription_);  // no Push or Close runs after this returns
    grpc::Status status;
    {
      absl::MutexLock lock(&mu_);
      status = finished_with_;
    }
    on_finished_(status);
    delete this;
  }

 private:
  struct Action {
    const Event* write = nullptr;  // kept alive by writing_
    std::optional<grpc::Status> finish;
  };

  Action NextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    Action action;
    if (finished_ || writing_ != nullptr) return action;
    if (broken_) {
      queue_.Clear();
      action.finish = grpc::Status::CANCELLED;
    } else if (std::optional<EventPtr> next = queue_.Pop()) {
      writing_ = std::move(*next);
      action.write = writing_.get();
    } else if (closing_) {
      action.finish = ShuttingDown();
    }
    if (action.finish) {
      finished_ = true;
      finished_with_ = *action.finish;
    }
    return action;
  }

  // Sets `flag` (closing_ or broken_, guarded by mu_) and takes the next
  // step: the end of the stream once nothing is being written.
  void RaiseAndStep(bool FanOutWriteReactor::*flag) {
    Action action;
    {
      absl::MutexLock lock(&mu_);
      this->*flag = true;
      action = NextLocked();
    }
    Run(action);
  }

  void Run(const Action& action) {
    // writing_ is only released after this write completes.
    if (action.write != nullptr) this->StartWrite(action.write);
    if (action.finish) this->Finish(*action.finish);
  }

  Hub& hub_;
  const OnFinished on_finished_;
  uint64_t subscription_ = 0;  // set in the constructor, read in OnDone

  absl::Mutex mu_;
  DropOldestQueue<EventPtr> queue_ ABSL_GUARDED_BY(mu_);
  EventPtr writing_ ABSL_GUARDED_BY(mu_);  // alive while written
  bool broken_ ABSL_GUARDED_BY(mu_) = false;  // cancelled or a write failed
  bool closing_ ABSL_GUARDED_BY(mu_) = false;  // the hub closed
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status finished_with_ ABSL_GUARDED_BY(mu_) = grpc::Status::CANCELLED;
};

}  // namespace sqms::runtime
