// Fills sqms.contact.v1 for the metrics benchmark (scripts/bench.sh, step
// g): N contact events of one local day, written as the complaints
// service's outbox relay writes them — the runtime's KafkaProducer
// (idempotent, acks=all), keyed by contact id, binary-mode CloudEvents
// headers with a unique ce_id — so that sqms-metrics, started afterwards,
// finds a topic it has never read.
//
//   metrics_fill BROKERS TOPIC COUNT DAY [SEED]
//
// DAY is the local day (Asia/Shanghai, the shipped metrics.yaml's zone) the
// event times are spread over, "YYYY-MM-DD". The mix, per contact: 80 %
// calls (offered; 92 % answered, else abandoned; an answered call ends, and
// 35 % of the ended ones get a survey), 20 % consultations (created; 15 %
// dispatched as a work order). 10 departments (metrics.yaml's), 40
// stations, 6 regions, 12 lines, 300 agents, 8 categories, hotline or chat.
// Events are produced in event-time order (a contact's events minutes
// apart), as a live stream arrives, so none is late for its window.
// Prints one JSON object: counts by type, average record size, seconds.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "sqms/events/v1/contact_event.pb.h"
#include "sqms/runtime/ids.h"
#include "sqms/runtime/kafka_producer.h"

namespace {

namespace ev = ::sqms::events::v1;
using sqms::runtime::KafkaRecord;

constexpr const char* kDepartments[] = {
    "safety-office",    "ticketing-center", "dispatch-center",        "network-operations",
    "billing-center",   "onboard-services", "luggage-services",       "facilities-maintenance",
    "service-quality",  "customer-service"};
constexpr const char* kRegions[] = {"north", "south", "east", "west", "central", "northeast"};
constexpr const char* kCategories[] = {"ticketing", "delay",   "refund",  "service",
                                       "facilities", "luggage", "safety", "other"};
constexpr const char* kKinds[] = {"call_offered",         "call_answered",
                                  "call_abandoned",       "call_ended",
                                  "consultation_created", "consultation_dispatched",
                                  "survey_answered"};

// One event, its time and its kind's index in kKinds.
struct Timed {
  int64_t at = 0;  // unix seconds
  int kind = 0;
  ev::ContactEvent event;
};

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

// `count` events of the day starting at `day_start`, in event-time order.
std::vector<Timed> Generate(long count, int64_t day_start, uint32_t seed) {
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

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: metrics_fill BROKERS TOPIC COUNT DAY [SEED]\n");
    return 2;
  }
  const std::string brokers = argv[1], topic = argv[2];
  const long count = std::atol(argv[3]);
  absl::CivilDay day;
  absl::TimeZone zone;
  if (count < 1 || !absl::ParseCivilTime(argv[4], &day) ||
      !absl::LoadTimeZone("Asia/Shanghai", &zone)) {
    std::fprintf(stderr, "metrics_fill: COUNT must be >= 1 and DAY YYYY-MM-DD\n");
    return 2;
  }
  const auto seed = static_cast<uint32_t>(argc > 5 ? std::atol(argv[5]) : 1);
  const int64_t day_start = absl::ToUnixSeconds(absl::FromCivil(day, zone));
  std::vector<Timed> events = Generate(count, day_start, seed);

  sqms::runtime::KafkaProducerOptions options;
  options.brokers = brokers;
  options.client_id = "metrics-fill";
  auto producer = sqms::runtime::KafkaProducer::Create(options);
  if (!producer.ok()) {
    std::fprintf(stderr, "metrics_fill: %s\n", producer.status().ToString().c_str());
    return 1;
  }
  std::atomic<long> delivered{0}, failed{0};
  long by_kind[std::size(kKinds)] = {};
  size_t bytes = 0;
  const auto start = std::chrono::steady_clock::now();
  for (Timed& t : events) {
    sqms::runtime::CloudEvent ce;
    ce.id = t.event.event_id();
    ce.source = "//sqms/complaints";
    ce.type = absl::StrCat("sqms.contact.v1.", kKinds[t.kind]);
    ce.time = absl::ToChronoTime(absl::FromUnixSeconds(t.at));
    KafkaRecord record{topic, t.event.contact_id(), t.event.SerializeAsString(),
                       sqms::runtime::CloudEventHeaders(ce)};
    bytes += record.key.size() + record.value.size();
    for (const auto& [name, value] : record.headers) bytes += name.size() + value.size();
    ++by_kind[t.kind];
    absl::Status s;
    do {
      s = (*producer)->Produce(record, [&delivered, &failed](absl::Status st) {
        (st.ok() ? delivered : failed).fetch_add(1);
      });
      if (absl::IsResourceExhausted(s)) (*producer)->Flush(std::chrono::milliseconds(50)).IgnoreError();
    } while (absl::IsResourceExhausted(s));
    if (!s.ok()) {
      std::fprintf(stderr, "metrics_fill: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  if (auto s = (*producer)->Flush(std::chrono::seconds(120)); !s.ok()) {
    std::fprintf(stderr, "metrics_fill: flush: %s\n", s.ToString().c_str());
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string kinds;
  for (size_t k = 0; k < std::size(kKinds); ++k) {
    absl::StrAppend(&kinds, k == 0 ? "" : ", ", "\"", kKinds[k], "\": ", by_kind[k]);
  }
  std::printf("{\"events\": %ld, \"delivered\": %ld, \"failed\": %ld, \"record_bytes_avg\": %zu, "
              "\"day\": \"%s\", \"seconds\": %.3f, \"by_type\": {%s}}\n",
              count, delivered.load(), failed.load(), bytes / static_cast<size_t>(count),
              argv[4], seconds, kinds.c_str());
  return failed.load() == 0 && delivered.load() == count ? 0 : 1;
}
