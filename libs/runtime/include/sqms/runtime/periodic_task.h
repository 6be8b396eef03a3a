#pragma once
// Runs a function every `interval` on a thread of its own until stopped:
// the first run right after Start(), each next one `interval` after the
// previous one ended (runs never overlap). Stop() wakes the wait, lets a
// run in progress finish, and joins. For background checks that poll
// Redis (target evaluation, ...); durable, replica-safe scheduling is
// DurableTimers' job, not this.

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace sqms::runtime {

class PeriodicTask {
 public:
  PeriodicTask(absl::Duration interval, std::function<void()> run);
  ~PeriodicTask();  // Stop()
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void Start();  // at most once
  void Stop();   // idempotent; any thread but the task's own

 private:
  void Loop();

  const absl::Duration interval_;
  const std::function<void()> run_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace sqms::runtime
