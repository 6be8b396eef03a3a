#pragma once
// ports::TargetStore in memory, for the app's unit tests; it passes the same
// contract tests as RedisTargetStore (tests/integration/metrics/
// target_store_contract_test.cc). Published events are kept in order.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "services/metrics/ports/target_store.h"

namespace sqms::metrics::testing {

class InMemoryTargetStore final : public ports::TargetStore {
 public:
  absl::StatusOr<std::map<std::string, ports::TargetStatus>> Load(
      const std::string& target_id) override {
    absl::MutexLock lock(&mu_);
    return statuses_[target_id];
  }

  absl::StatusOr<bool> Transition(const std::string& target_id, const std::string& unit,
                                  const ports::TargetStatus& expected,
                                  const ports::TargetStatus& next,
                                  const std::vector<ports::TargetEvent>& events) override {
    absl::MutexLock lock(&mu_);
    ports::TargetStatus& current = statuses_[target_id][unit];
    if (!(current == expected)) return false;
    current = next;
    published_.insert(published_.end(), events.begin(), events.end());
    return true;
  }

  // The fake keeps no payloads: the events' periods stand in for them.
  absl::StatusOr<std::vector<std::string>> RecentEvents(int limit) override {
    absl::MutexLock lock(&mu_);
    std::vector<std::string> out;
    for (auto it = published_.rbegin(); it != published_.rend() && static_cast<int>(out.size()) < limit; ++it) {
      out.push_back(it->period);
    }
    return out;
  }

  std::vector<ports::TargetEvent> published() const {
    absl::MutexLock lock(&mu_);
    return published_;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, std::map<std::string, ports::TargetStatus>> statuses_ ABSL_GUARDED_BY(mu_);
  std::vector<ports::TargetEvent> published_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sqms::metrics::testing
