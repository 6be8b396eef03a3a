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
  // What each answer carries: a call-center gateway needs the outcome (id,
  // category, priority, department), not the text it sent.
  complaints::v1::ComplaintView view = complaints::v1::COMPLAINT_VIEW_BASIC;
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

// Coherent call-center traffic: every event of one contact carries the same
// department (an id of triage.yaml's routing), station, region, channel and
// line. About 92 % of offered calls are answered (abandoning grows with the
// wait); 40 % of answered calls are surveyed, 95 % satisfied, each answer
// (unsatisfied, csat, nps, csi) present only when that question was asked;
// a quarter of contacts are consultations, about 15 % of them dispatched as
// work orders; with_outage adds outages with their start and end.
class ContactGenerator {
 public:
  // planned_events: how many Next calls are expected; the outages (when
  // with_outage) start and end at fixed shares of them: a call-platform
  // outage from the start to about 80 %, a business-support outage from
  // about 30 % to 50 % whose end leaves the duration to the gateway.
  ContactGenerator(GeneratorOptions options, int64_t planned_events, bool with_outage);

  // Overwrites *event with the next contact event. Events of one contact
  // (offered → answered/abandoned → ended → survey) come in order.
  void Next(events::v1::ContactEvent* event);

 private:
  // What every event of one contact shares.
  struct Dimensions {
    std::string channel, department, region, station, line, category;
  };
  struct Outage {
    double start_share, end_share;  // of planned events
    events::v1::Platform platform;
    bool send_duration;             // else the gateway computes it from the start
    int64_t started_at = -1;        // simulated seconds; -1 = not yet
    bool ended = false;
  };

  void QueueScenario();
  bool QueueOutageStep(int64_t at);
  void QueueCall(int64_t at);
  void QueueSurvey(const Dimensions& dims, const std::string& id, const std::string& agent,
                   int64_t at);
  void QueueConsultation(int64_t at);
  Dimensions CallDimensions(complaints::v1::Category category, std::string channel);
  events::v1::ContactEvent& Queue(const std::string& contact_id, int64_t at,
                                  const Dimensions* dims);

  GeneratorOptions options_;
  Rng rng_;
  int64_t planned_;
  std::vector<Outage> outages_;
  int64_t emitted_ = 0;
  int64_t contacts_ = 0;
  int64_t clock_ = 0;  // simulated seconds since base
  std::deque<events::v1::ContactEvent> pending_;
};

}  // namespace sqms::loadgen
