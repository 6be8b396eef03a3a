#include "sqms/runtime/periodic_task.h"

#include <utility>

namespace sqms::runtime {

PeriodicTask::PeriodicTask(absl::Duration interval, std::function<void()> run)
    : interval_(interval), run_(std::move(run)) {}

PeriodicTask::~PeriodicTask() { Stop(); }

void PeriodicTask::Start() { thread_ = std::thread([this] { Loop(); }); }

void PeriodicTask::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void PeriodicTask::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    run_();
    absl::MutexLock lock(&mu_);
    auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
    mu_.AwaitWithTimeout(absl::Condition(&stopping), interval_);
    if (stopping_) return;
  }
}

}  // namespace sqms::runtime
