// Drives one bidirectional stream whose server answers every request, in
// order: a writer thread keeps up to `inflight` requests outstanding (and
// paces them when a rate is set) while the calling thread reads responses
// and measures each request's latency from its send.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <semaphore>
#include <thread>
#include <vector>

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

// fill(i, request) writes request i into *request (reused between calls);
// on_response(response, latency_ns) is called for each answer, in order.
// Both run on different threads, each always on the same one. Returns when
// the stream is finished. Requests not answered when the stream breaks are
// sent - answered.
template <typename Request, typename Response>
StreamOutcome RunPipelinedStream(grpc::ClientReaderWriter<Request, Response>& stream,
                                 const StreamPlan& plan,
                                 const std::function<void(int64_t, Request*)>& fill,
                                 const std::function<void(const Response&, int64_t)>& on_response) {
  using Clock = std::chrono::steady_clock;
  const int window = plan.inflight < 1 ? 1 : plan.inflight;
  std::counting_semaphore<> slots(window);
  // Slot i % window holds request i's send time: it is rewritten only after
  // response i released the slot.
  std::vector<std::atomic<int64_t>> sent_at(static_cast<size_t>(window));
  std::atomic<bool> reader_done{false};
  std::atomic<int64_t> sent{0};

  std::thread writer([&] {
    Request request;
    const Clock::time_point start = Clock::now();
    for (int64_t i = 0; i < plan.count; ++i) {
      slots.acquire();
      if (reader_done.load(std::memory_order_acquire)) break;
      if (plan.rate_per_s > 0) {
        std::this_thread::sleep_until(
            start + std::chrono::duration_cast<Clock::duration>(
                        std::chrono::duration<double>(static_cast<double>(i) / plan.rate_per_s)));
      }
      fill(i, &request);
      sent_at[static_cast<size_t>(i % window)].store(Clock::now().time_since_epoch().count(),
                                                     std::memory_order_release);
      if (!stream.Write(request)) break;
      sent.store(i + 1, std::memory_order_release);
    }
    stream.WritesDone();
  });

  StreamOutcome outcome;
  Response response;
  while (stream.Read(&response)) {
    int64_t now = Clock::now().time_since_epoch().count();
    int64_t then =
        sent_at[static_cast<size_t>(outcome.answered % window)].load(std::memory_order_acquire);
    ++outcome.answered;
    on_response(
        response,
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::duration(now - then)).count());
    slots.release();
  }
  reader_done.store(true, std::memory_order_release);
  slots.release(window);  // unblock a writer waiting for a slot that never frees
  writer.join();
  outcome.sent = sent.load();
  outcome.status = stream.Finish();
  return outcome;
}

}  // namespace sqms::loadgen
