#pragma once
// Drives ComplaintService::FireDueTimers on its own thread. Timers live in
// Redis, so whichever replica polls first after a restart fires them; the
// version check makes a double fire impossible. With the default period a
// due moment is acted on within ~period + one round trip (issue: ≤ 2 s).

#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/complaints/app/complaint_service.h"

namespace sqms::complaints::app {

class SlaTimerLoop {
 public:
  SlaTimerLoop(ComplaintService& service, absl::Duration period = absl::Milliseconds(250),
               int batch = 200);
  ~SlaTimerLoop();  // Stop()

  void Start();
  void Stop();  // idempotent; from any thread

 private:
  void Loop();
  ComplaintService& service_;
  absl::Duration period_;
  int batch_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace sqms::complaints::app
