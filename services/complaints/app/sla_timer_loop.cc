#include "services/complaints/app/sla_timer_loop.h"

#include "sqms/runtime/log.h"

namespace sqms::complaints::app {

SlaTimerLoop::SlaTimerLoop(ComplaintService& service, absl::Duration period, int batch)
    : service_(service), period_(period), batch_(batch) {}

SlaTimerLoop::~SlaTimerLoop() { Stop(); }

void SlaTimerLoop::Start() { thread_ = std::thread([this] { Loop(); }); }

void SlaTimerLoop::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void SlaTimerLoop::Loop() {
  bool failing = false;  // log transitions only, not every period of an outage
  while (true) {
    // Drain everything due before waiting again.
    absl::StatusOr<int> fired;
    do {
      fired = service_.FireDueTimers(batch_);
    } while (fired.ok() && *fired >= batch_);
    if (!fired.ok() && !failing) {
      runtime::log::Warn("sla timers not firing", {{"error", fired.status().ToString()}});
    } else if (fired.ok() && failing) {
      runtime::log::Info("sla timers firing again");
    }
    failing = !fired.ok();
    absl::MutexLock lock(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), period_)) return;
  }
}

}  // namespace sqms::complaints::app
