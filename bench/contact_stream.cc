#include "bench/contact_stream.h"

#include <algorithm>
#include <iterator>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "sqms/runtime/ids.h"

namespace sqms::bench {

const char* const kContactKinds[7] = {"call_offered",         "call_answered",
                                      "call_abandoned",       "call_ended",
                                      "consultation_created", "consultation_dispatched",
                                      "survey_answered"};

namespace {

namespace ev = ::sqms::events::v1;

constexpr const char* kDepartments[] = {
    "safety-office",    "ticketing-center", "dispatch-center",        "network-operations",
    "billing-center",   "onboard-services", "luggage-services",       "facilities-maintenance",
    "service-quality",  "customer-service"};
constexpr const char* kRegions[] = {"north", "south", "east", "west", "central", "northeast"};
constexpr const char* kCategories[] = {"ticketing", "delay",   "refund",  "service",
                                       "facilities", "luggage", "safety", "other"};

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  // Appends the events of one contact that starts at `start`.
  void Contact(int64_t index, int64_t start, std::vector<Timed>& out) {
    ev::ContactEvent base;
    base.set_contact_id(absl::StrCat("CT-", index));
    base.set_channel(Chance(0.8) ? "hotline" : "chat");
    base.set_department(kDepartments[Pick(std::size(kDepartments))]);
    base.set_region(kRegions[Pick(std::size(kRegions))]);
    base.set_station(absl::StrCat("station-", Pick(40)));
    base.set_line(absl::StrCat("line-", Pick(12)));
    base.set_category(kCategories[Pick(std::size(kCategories))]);
    int64_t at = start;
    if (Chance(0.2)) {
      ev::ContactEvent e = base;
      e.mutable_consultation_created()->set_topic(absl::StrCat("topic-", Pick(30)));
      Add(std::move(e), at, 4, out);
      if (Chance(0.15)) {
        e = base;
        e.mutable_consultation_dispatched()->set_work_order_id(absl::StrCat("WO-", index));
        Add(std::move(e), at + Between(60, 1800), 5, out);
      }
      return;
    }
    ev::ContactEvent offered = base;
    offered.mutable_call_offered()->set_queue(absl::StrCat("queue-", Pick(6)));
    Add(std::move(offered), at, 0, out);
    const int64_t wait = Between(1, 90);
    at += wait;
    if (!Chance(0.92)) {
      ev::ContactEvent e = base;
      e.mutable_call_abandoned()->set_wait_seconds(wait);
      Add(std::move(e), at, 2, out);
      return;
    }
    base.set_agent(absl::StrCat("agent-", Pick(300)));
    ev::ContactEvent answered = base;
    answered.mutable_call_answered()->set_wait_seconds(wait);
    Add(std::move(answered), at, 1, out);
    const int64_t handle = Between(60, 900);
    at += handle;
    ev::ContactEvent ended = base;
    const bool resolved = Chance(0.8);
    ended.mutable_call_ended()->set_handle_seconds(handle);
    ended.mutable_call_ended()->set_resolved_first_contact(resolved);
    ended.mutable_call_ended()->set_dispatched_work_order(!resolved);
    Add(std::move(ended), at, 3, out);
    if (!Chance(0.35)) return;
    ev::ContactEvent survey = base;
    auto* s = survey.mutable_survey_answered();
    s->set_unsatisfied(Chance(0.05));
    s->set_csat(static_cast<int32_t>(Between(1, 5)));
    s->set_nps(static_cast<int32_t>(Between(0, 10)));
    for (const char* dimension : {"timeliness", "attitude", "resolution"}) {
      (*s->mutable_csi())[dimension] = static_cast<int32_t>(Between(1, 5));
    }
    Add(std::move(survey), at + Between(30, 600), 6, out);
  }

 private:
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  int64_t Between(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  static void Add(ev::ContactEvent e, int64_t at, int kind, std::vector<Timed>& out) {
    e.set_event_id(sqms::runtime::NewEventId());
    e.mutable_occurred_at()->set_seconds(at);
    out.push_back({at, kind, std::move(e)});
  }

  std::mt19937 rng_;
};

}  // namespace

std::vector<Timed> GenerateContactStream(long count, int64_t day_start, uint32_t seed) {
  constexpr double kEventsPerContact = 0.8 * (1 + 0.92 * 2.35 + 0.08) + 0.2 * 1.15;
  auto contacts = static_cast<int64_t>(static_cast<double>(count) / kEventsPerContact * 1.05) + 1;
  while (true) {
    Generator g(seed);
    std::vector<Timed> out;
    out.reserve(static_cast<size_t>(count) + static_cast<size_t>(count) / 10);
    for (int64_t i = 0; i < contacts; ++i) {
      // Contacts spread evenly over the first 23 h; their last events
      // (up to ~40 min later) stay within the day.
      g.Contact(i, day_start + i * (23 * 3600) / contacts, out);
    }
    if (static_cast<long>(out.size()) >= count) {
      std::stable_sort(out.begin(), out.end(),
                       [](const Timed& a, const Timed& b) { return a.at < b.at; });
      out.resize(static_cast<size_t>(count));
      return out;
    }
    contacts += contacts / 10;
  }
}

}  // namespace sqms::bench
