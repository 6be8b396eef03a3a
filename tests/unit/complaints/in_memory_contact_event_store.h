#pragma once
// ports::ContactEventStore in memory, with the contract's rules
// (domain::AgreesWith, domain::Remember): the fake the contact intake's
// tests run on. Thread-safe.

#include <map>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "services/complaints/codec/contact_codec.h"
#include "services/complaints/ports/contact_event_store.h"

namespace sqms::complaints::testing {

class InMemoryContactEventStore : public ports::ContactEventStore {
 public:
  absl::StatusOr<ports::ContactLookup> Load(const std::string& contact_id,
                                            const std::string& event_id) override {
    absl::MutexLock lock(&mu_);
    if (!up_) return absl::UnavailableError("store down");
    ++loads_;
    auto record = records_.find(contact_id);
    auto seen = fingerprints_.find(event_id);
    return ports::ContactLookup{
        seen != fingerprints_.end(), seen == fingerprints_.end() ? "" : seen->second,
        record == records_.end() ? domain::ContactRecord{} : record->second};
  }

  absl::StatusOr<ports::AppendOutcome> Append(const domain::ContactEvent& event,
                                              const domain::ContactRecord& basis,
                                              const std::string& fingerprint) override {
    absl::MutexLock lock(&mu_);
    if (!up_) return absl::UnavailableError("store down");
    ++appends_;
    if (auto seen = fingerprints_.find(event.event_id); seen != fingerprints_.end()) {
      return ports::AppendOutcome{ports::AppendResult::kDuplicate, {}, seen->second};
    }
    domain::ContactRecord& record = records_[event.contact_id];
    if (!domain::AgreesWith(event, basis, record)) {
      return ports::AppendOutcome{ports::AppendResult::kStale, record, ""};
    }
    domain::Remember(event, record);
    seen_[event.event_id] = event;
    fingerprints_[event.event_id] = fingerprint;  // "" stays unknown, as in Redis
    published_.push_back(codec::EncodeContactEvent(event));
    return ports::AppendOutcome{ports::AppendResult::kAppended, {}, ""};
  }

  absl::StatusOr<ports::EventIdBinding> BindEventId(const std::string& event_id,
                                                    const std::string& contact_id) override {
    absl::MutexLock lock(&mu_);
    if (!up_) return absl::UnavailableError("store down");
    auto [it, created] = bindings_.emplace(event_id, contact_id);
    return ports::EventIdBinding{it->second, created};
  }

  absl::Status ReleaseEventId(const std::string& event_id, const std::string& contact_id) override {
    absl::MutexLock lock(&mu_);
    if (!up_) return absl::UnavailableError("store down");
    if (auto it = bindings_.find(event_id); it != bindings_.end() && it->second == contact_id) {
      bindings_.erase(it);
    }
    return absl::OkStatus();
  }

  void SetAvailable(bool up) {
    absl::MutexLock lock(&mu_);
    up_ = up;
  }
  // The stored (completed) event of an id; fails the test's lookup if absent.
  domain::ContactEvent Stored(const std::string& event_id) {
    absl::MutexLock lock(&mu_);
    return seen_.at(event_id);
  }
  // The payloads appended, in order, as published on the topic.
  std::vector<std::string> Published() {
    absl::MutexLock lock(&mu_);
    return published_;
  }
  size_t size() {
    absl::MutexLock lock(&mu_);
    return seen_.size();
  }
  int loads() {
    absl::MutexLock lock(&mu_);
    return loads_;
  }
  int appends() {
    absl::MutexLock lock(&mu_);
    return appends_;
  }

 private:
  absl::Mutex mu_;
  bool up_ ABSL_GUARDED_BY(mu_) = true;
  int loads_ ABSL_GUARDED_BY(mu_) = 0;
  int appends_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, domain::ContactEvent> seen_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> fingerprints_ ABSL_GUARDED_BY(mu_);  // event id →
  std::map<std::string, domain::ContactRecord> records_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> bindings_ ABSL_GUARDED_BY(mu_);  // event id → contact id
  std::vector<std::string> published_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sqms::complaints::testing
