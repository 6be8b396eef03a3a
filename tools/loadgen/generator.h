// Deterministic generators of call-center traffic: complaint submissions and
// contact events with a realistic mix (see corpus.h). Same options → same
// sequence. Not thread-safe: one generator per stream.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "sqms/complaints/v1/service.pb.h"
#include "sqms/events/v1/contact_event.pb.h"
#include "tools/loadgen/rng.h"

namespace sqms::loadgen {

struct GeneratorOptions {
  uint64_t seed = 1;
  // Prefixes idempotency keys and event ids; make it unique per run so a
  // second run is not answered from the first run's idempotency records.
  std::string id_prefix = "lg";
  int64_t base_unix_seconds = 1'700'000'000;  // event times fall after this
  double duplicate_share = 0.05;              // same person + issue + station, new key
  double retry_share = 0.02;                  // the previous request again, same key
  double without_key_share = 0.1;             // no idempotency key at all
};

class ComplaintGenerator {
 public:
  explicit ComplaintGenerator(GeneratorOptions options);

  // Overwrites *request with the next submission (reusing its allocations).
  void Next(complaints::v1::SubmitComplaintRequest* request);

  int64_t generated() const { return generated_; }

 private:
  struct Issue {  // what makes a complaint a duplicate of another
    std::string name, phone, email;
    size_t template_index;
    size_t station_index;
    std::string train;
  };

  Issue NewIssue();
  void Fill(const Issue& issue, complaints::v1::SubmitComplaintRequest* request);
  complaints::v1::Channel PickChannel();

  GeneratorOptions options_;
  Rng rng_;
  int64_t generated_ = 0;
  std::vector<Issue> recent_;  // ring of recent issues for duplicates
  size_t recent_next_ = 0;
  complaints::v1::SubmitComplaintRequest previous_;
};

class ContactGenerator {
 public:
  // planned_events: how many Next calls are expected; an outage (when
  // with_outage) starts early and ends at about 80% of them.
  ContactGenerator(GeneratorOptions options, int64_t planned_events, bool with_outage);

  // Overwrites *event with the next contact event. Events of one contact
  // (offered → answered/abandoned → ended → survey) come in order.
  void Next(events::v1::ContactEvent* event);

 private:
  void QueueScenario();
  void QueueCall(int64_t at);
  void QueueConsultation(int64_t at);
  events::v1::ContactEvent& Queue(const std::string& contact_id, int64_t at);

  GeneratorOptions options_;
  Rng rng_;
  int64_t planned_;
  bool outage_pending_;
  int64_t outage_started_at_ = -1;
  int64_t emitted_ = 0;
  int64_t contacts_ = 0;
  int64_t clock_ = 0;  // simulated seconds since base
  std::deque<events::v1::ContactEvent> pending_;
};

}  // namespace sqms::loadgen
