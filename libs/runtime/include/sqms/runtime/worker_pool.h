#pragma once
// A fixed pool of threads for work that may block on I/O (Redis round
// trips), so gRPC callback threads never do.
//
// Back-pressure: the queue of tasks waiting for a thread is bounded by
// `max_queued`. TrySubmit (new work: an RPC, a stream item) refuses a task
// when that many are already waiting — the caller answers RESOURCE_EXHAUSTED
// instead of queueing work it cannot start soon. Submit always queues: it is
// for work that was already admitted (a continuation of an accepted call)
// and must not be lost.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

namespace sqms::runtime {

class WorkerPool {
 public:
  static constexpr size_t kUnbounded = std::numeric_limits<size_t>::max();

  // Starts `threads` threads (at least 1); TrySubmit refuses once
  // `max_queued` tasks wait for a thread (at least 1).
  explicit WorkerPool(int threads, size_t max_queued = kUnbounded);
  ~WorkerPool();  // runs what is queued, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Thread-safe; never blocks; always queues (admitted work).
  void Submit(std::function<void()> task);
  // Thread-safe; never blocks. Queues `task` and returns true, or — when
  // max_queued tasks already wait — drops it unrun and returns false.
  bool TrySubmit(std::function<void()> task);

  // Tasks waiting for a thread now (not those running). Thread-safe.
  size_t queued() const;

 private:
  void Loop();
  const size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace sqms::runtime
