#pragma once
// The triage rules in force, replaceable while the service runs (hot reload,
// config/triage_reloader.h). A use case takes one snapshot with Current()
// and uses it throughout, so a decision never mixes two configs; the old
// rules live on until the last snapshot of them is dropped.
// Thread-safe.

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/complaints/domain/triage.h"

namespace sqms::complaints::app {

class TriageSource {
 public:
  // `initial` must not be null.
  explicit TriageSource(std::shared_ptr<const domain::Triage> initial)
      : current_(std::move(initial)) {}

  // Never null.
  std::shared_ptr<const domain::Triage> Current() const {
    absl::MutexLock lock(&mu_);
    return current_;
  }
  // `next` must not be null; in-flight snapshots keep the old rules.
  void Replace(std::shared_ptr<const domain::Triage> next) {
    absl::MutexLock lock(&mu_);
    current_ = std::move(next);
  }

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const domain::Triage> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sqms::complaints::app
