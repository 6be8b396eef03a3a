// Drives one bidirectional stream whose server answers every request, in
// order, through gRPC's callback API: up to `inflight` requests outstanding
// (paced when a rate is set), each answer's latency measured from its send.
//
// The callback API, not a writer and a reader thread blocking in the sync
// API: the next write starts from the completion of the last one or of a
// read, on gRPC's own threads, with no thread hand-off per message. On this
// 2-core machine the load generator shares the cores with the service it
// measures, so its cost per request is taken from the service's throughput.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/client_callback.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"

namespace sqms::loadgen {

struct StreamPlan {
  int64_t count = 0;      // requests to send
  int inflight = 128;     // outstanding requests at most (>= 1)
  double rate_per_s = 0;  // this stream's pace; 0: as fast as possible
};

struct StreamOutcome {
  int64_t sent = 0;
  int64_t answered = 0;
  grpc::Status status;  // the stream's final status
};

template <typename Request, typename Response>
class PipelinedStream;

// Opens the stream on `context` with `reactor`, e.g.
//   [&](grpc::ClientContext* c, auto* r) { stub->async()->StreamComplaints(c, r); }
template <typename Request, typename Response>
using StreamStarter =
    std::function<void(grpc::ClientContext*, grpc::ClientBidiReactor<Request, Response>*)>;

// fill(i, request) writes request i into *request (reused between calls);
// on_response(response, latency_ns) is called for each answer, in order.
// Each of the two is called by one thread at a time (not always the same
// one); the two may run at the same time. Returns when the stream is
// finished. Requests not answered when the stream breaks are sent - answered.
template <typename Request, typename Response>
StreamOutcome RunPipelinedStream(grpc::ClientContext& context,
                                 const StreamStarter<Request, Response>& start,
                                 const StreamPlan& plan,
                                 const std::function<void(int64_t, Request*)>& fill,
                                 const std::function<void(const Response&, int64_t)>& on_response) {
  PipelinedStream<Request, Response> stream(plan, fill, on_response);
  return stream.Run(context, start);
}

template <typename Request, typename Response>
class PipelinedStream final : public grpc::ClientBidiReactor<Request, Response> {
 public:
  using Fill = std::function<void(int64_t, Request*)>;
  using OnResponse = std::function<void(const Response&, int64_t)>;

  PipelinedStream(const StreamPlan& plan, const Fill& fill, const OnResponse& on_response)
      : plan_(plan),
        window_(std::max(1, plan.inflight)),
        fill_(fill),
        on_response_(on_response),
        sent_at_(static_cast<size_t>(window_)),
        allowed_(plan.rate_per_s > 0 ? 0 : plan.count) {}

  StreamOutcome Run(grpc::ClientContext& context, const StreamStarter<Request, Response>& start) {
    start(&context, this);
    const bool paced = plan_.rate_per_s > 0 && plan_.count > 0;
    if (paced) this->AddHold();  // the pacer's: no OnDone while it may write
    this->StartRead(&response_);
    Pump();
    this->StartCall();
    std::thread pacer;
    if (paced) pacer = std::thread([this] { Pace(); });
    done_.WaitForNotification();
    if (pacer.joinable()) pacer.join();
    absl::MutexLock lock(&mu_);
    return StreamOutcome{sent_, answered_, status_};
  }

  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok) {  // the stream is broken: nothing more goes out
        broken_ = true;
        return;
      }
      ++sent_;
    }
    Pump();
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      absl::MutexLock lock(&mu_);
      broken_ = true;  // the server ended the stream: stop writing
      return;
    }
    int64_t answered;
    {
      absl::MutexLock lock(&mu_);
      answered = answered_;
    }
    // Slot answered % window still holds this request's send time: request
    // answered + window, which reuses it, is not sent before this answer.
    const int64_t then =
        sent_at_[static_cast<size_t>(answered % window_)].load(std::memory_order_acquire);
    on_response_(response_, Clock::now().time_since_epoch().count() - then);
    {
      absl::MutexLock lock(&mu_);
      ++answered_;
    }
    this->StartRead(&response_);
    Pump();
  }

  void OnDone(const grpc::Status& status) override {
    {
      absl::MutexLock lock(&mu_);
      status_ = status;
    }
    done_.Notify();
  }

 private:
  using Clock = std::chrono::steady_clock;

  // Starts the next write when none is outstanding, the window and the pace
  // allow it; after the last request, half-closes the stream.
  void Pump() {
    int64_t i = -1;
    {
      absl::MutexLock lock(&mu_);
      if (writing_ || writes_done_ || broken_) return;
      if (next_ < plan_.count) {
        if (next_ >= allowed_ || next_ - answered_ >= window_) return;
        i = next_++;
      } else {
        writes_done_ = true;
      }
      writing_ = i >= 0;
    }
    if (i < 0) {
      this->StartWritesDone();
      return;
    }
    fill_(i, &request_);  // request_ is ours alone until OnWriteDone
    sent_at_[static_cast<size_t>(i % window_)].store(Clock::now().time_since_epoch().count(),
                                                      std::memory_order_release);
    this->StartWrite(&request_);
  }

  // Paced runs: raises allowed_ as each request's moment comes, then lets
  // OnDone happen. Stops early when the stream broke.
  void Pace() {
    const Clock::time_point start = Clock::now();
    for (int64_t i = 0; i < plan_.count; ++i) {
      std::this_thread::sleep_until(
          start + std::chrono::duration_cast<Clock::duration>(
                      std::chrono::duration<double>(static_cast<double>(i) / plan_.rate_per_s)));
      {
        absl::MutexLock lock(&mu_);
        if (broken_) break;
        allowed_ = i + 1;
      }
      Pump();
    }
    this->RemoveHold();
  }

  const StreamPlan plan_;
  const int window_;
  const Fill& fill_;
  const OnResponse& on_response_;
  Request request_;    // the write outstanding
  Response response_;  // the read outstanding
  // Slot i % window holds request i's send time (steady clock ticks).
  std::vector<std::atomic<int64_t>> sent_at_;
  absl::Notification done_;

  absl::Mutex mu_;
  int64_t next_ ABSL_GUARDED_BY(mu_) = 0;     // requests filled and written (or being)
  int64_t allowed_ ABSL_GUARDED_BY(mu_);      // requests the pace allows so far
  int64_t sent_ ABSL_GUARDED_BY(mu_) = 0;     // writes that completed
  int64_t answered_ ABSL_GUARDED_BY(mu_) = 0;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool writes_done_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sqms::loadgen
