// Known issues against the real binary: incident events on
// sqms.incidents.v1 (produced here as sqms-alerts does) make new matching
// complaints link to the incident — on the complaint, in its events and in
// ListComplaints(filter.incident_id) — with no SLA timer while it is
// active (a P1 safety complaint keeps its timers and breaches); its
// resolution releases each of them once and their timers come back.
// Drills and other places link nothing. The consumer's lag is exported per
// assigned partition.

#include <map>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"
#include "services/complaints/adapters/redis_keys.h"
#include "sqms/events/v1/incident_event.pb.h"
#include "sqms/runtime/ids.h"
#include "sqms/runtime/kafka_producer.h"
#include "tests/integration/complaints/service_fixture.h"
#include "tests/source_path.h"
#include "tests/support/event_producer.h"

namespace sqms::complaints::it {
namespace {

constexpr char kIncidentsTopic[] = "sqms.incidents.v1";
constexpr int kIncidentsPartitions = 4;  // as devkafka creates the topic

// The sqms_consumer_lag series of a scrape: their labels ("group=...,
// partition=...,topic=...") → value.
std::map<std::string, double> LagSeries(const std::string& metrics) {
  std::map<std::string, double> series;
  for (absl::string_view line : absl::StrSplit(metrics, '\n')) {
    if (!absl::ConsumePrefix(&line, "sqms_consumer_lag{")) continue;
    const size_t end = line.rfind("} ");
    double value = 0;
    if (end == absl::string_view::npos || !absl::SimpleAtod(line.substr(end + 2), &value)) {
      continue;
    }
    series[std::string(line.substr(0, end))] = value;
  }
  return series;
}

// The labels of the incident consumer's series of `partition`.
std::string IncidentLagLabels(int partition) {
  return absl::StrCat("group=\"sqms-complaints-incidents\",partition=\"", partition, "\",topic=\"",
                      kIncidentsTopic, "\"");
}

// True while the complaint has an SLA timer in the stack's store.
bool HasTimer(ComplaintsStack& stack, const std::string& id) {
  adapters::RedisKeys keys(4);
  auto shard = keys.ShardOfId(id);
  EXPECT_TRUE(shard.ok());
  const std::string score = stack.redis().Cli({"ZSCORE", keys.Timers(*shard), id});
  return score.find_first_of("0123456789") != std::string::npos;  // nil prints no digits
}

// Publishes incident events to a stack's Kafka as sqms-alerts does.
class IncidentFeed {
 public:
  void Connect(ComplaintsStack& stack) {
    runtime::KafkaProducerOptions options;
    options.brokers = stack.kafka().bootstrap();
    auto producer = runtime::KafkaProducer::Create(options);
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = *std::move(producer);
  }

  // An incident event of the safety plan at `station`, as sqms-alerts
  // publishes it; `delay`: of the mass-delay plan (timeliness) instead.
  ev::IncidentEvent Incident(const std::string& id, const std::string& station,
                             const std::string& state, bool drill = false,
                             bool delay = false) const {
    ev::IncidentEvent e;
    e.set_event_id(runtime::NewEventId());
    e.set_type(state == "resolved" ? ev::INCIDENT_EVENT_TYPE_RESOLVED
                                   : ev::INCIDENT_EVENT_TYPE_OPENED);
    *e.mutable_occurred_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
    e.set_incident_id(id);
    e.set_plan_id(delay ? "mass-delay" : "safety-complaint");
    e.set_level(delay ? "II" : "I");
    e.set_state(state);
    e.set_drill(drill);
    (*e.mutable_labels())["station"] = station;
    *e.mutable_opened_at() = opened_at_;
    e.set_title(absl::StrCat(delay ? "Mass delay — " : "Safety complaint — ", station));
    e.add_known_issue_categories(delay ? "timeliness" : "safety");
    return e;
  }
  // Keyed by the incident id unless `key` says otherwise.
  void Publish(const ev::IncidentEvent& e, const std::string& key = "") {
    ASSERT_TRUE(testing::ProduceAll(*producer_,
                                    {testing::EventRecord(kIncidentsTopic,
                                                          key.empty() ? e.incident_id() : key,
                                                          e.event_id(), e.SerializeAsString(),
                                                          "sqms.incidents.v1.x")})
                    .ok());
  }

 private:
  const google::protobuf::Timestamp opened_at_ = google::protobuf::util::TimeUtil::GetCurrentTime();
  std::unique_ptr<runtime::KafkaProducer> producer_;
};

// A safety complaint (P1) at `station`.
v1::SubmitComplaintRequest Smoke(const std::string& station) {
  v1::SubmitComplaintRequest r = ValidSubmission("known-issue");
  r.set_title("Smoke in coach 3");
  r.set_content("There is smoke coming out of the floor of coach 3.");
  r.mutable_location()->set_station(station);
  return r;
}

// A delay complaint (timeliness, not P1) at `station`.
v1::SubmitComplaintRequest Delay(const std::string& station) {
  v1::SubmitComplaintRequest r = ValidSubmission("known-issue-delay");
  r.set_title("Train two hours late");
  r.set_content("Our train left two hours late and nobody told us why.");
  r.set_category(v1::CATEGORY_TIMELINESS);
  r.mutable_location()->set_station(station);
  return r;
}

class KnownIssueTest : public StackTest {
 protected:
  void SetUp() override {
    StackTest::SetUp();
    if (HasFatalFailure()) return;
    feed_.Connect(stack());
  }

  ev::IncidentEvent Incident(const std::string& id, const std::string& station,
                             const std::string& state, bool drill = false,
                             bool delay = false) const {
    return feed_.Incident(id, station, state, drill, delay);
  }
  void Publish(const ev::IncidentEvent& e, const std::string& key = "") { feed_.Publish(e, key); }
  v1::Complaint Get(const std::string& id) {
    v1::GetComplaintRequest request;
    request.set_id(id);
    v1::Complaint c;
    auto ctx = Ctx(Role::kSupervisor);
    EXPECT_TRUE(stub().GetComplaint(ctx.get(), request, &c).ok());
    return c;
  }
  bool HasTimer(const std::string& id) { return it::HasTimer(stack(), id); }

  IncidentFeed feed_;
};

TEST_F(KnownIssueTest, AMatchingComplaintIsLinkedHeldListedAndReleasedOnceOnResolution) {
  const std::string station = Unique("Changsha South ");
  const std::string incident = Unique("inc-");
  Publish(Incident(incident, station, "triggered", /*drill=*/false, /*delay=*/true));

  // The consumer and the registry take a moment: submit until one links.
  v1::Complaint linked;
  ASSERT_TRUE(testing::Await(
      [&] {
        linked = SubmitOk(stub(), Delay(station));
        return linked.has_known_issue();
      },
      absl::Seconds(20)));
  EXPECT_NE(linked.priority(), v1::PRIORITY_P1);
  EXPECT_EQ(linked.known_issue().incident_id(), incident);
  EXPECT_EQ(linked.known_issue().plan_id(), "mass-delay");
  EXPECT_EQ(linked.known_issue().level(), "II");
  EXPECT_TRUE(linked.known_issue().held());
  EXPECT_EQ(linked.version(), 1) << "linked in the creating write";
  EXPECT_FALSE(HasTimer(linked.id())) << "its SLA escalations are held";
  const v1::Complaint stored = Get(linked.id());
  ASSERT_GE(stored.audit_size(), 2);
  EXPECT_EQ(stored.audit(1).action(), "incident_linked");

  const v1::Complaint elsewhere = SubmitOk(stub(), Delay(Unique("Harbin West ")));
  EXPECT_FALSE(elsewhere.has_known_issue()) << "another station";
  EXPECT_TRUE(HasTimer(elsewhere.id()));

  v1::ListComplaintsRequest list;
  list.mutable_filter()->set_incident_id(incident);
  v1::ListComplaintsResponse page;
  {
    auto ctx = Ctx(Role::kSupervisor);
    ASSERT_TRUE(stub().ListComplaints(ctx.get(), list, &page).ok());
  }
  ASSERT_EQ(page.complaints_size(), 1) << "the list for one bulk reply";
  EXPECT_EQ(page.complaints(0).id(), linked.id());

  // Resolved, and the event redelivered: released once, timers back.
  Publish(Incident(incident, station, "resolved", false, true));
  Publish(Incident(incident, station, "resolved", false, true));
  ASSERT_TRUE(testing::Await([&] { return !Get(linked.id()).known_issue().held(); },
                             absl::Seconds(20)));
  const v1::Complaint released = Get(linked.id());
  EXPECT_TRUE(released.known_issue().has_released_at());
  EXPECT_TRUE(HasTimer(linked.id())) << "its SLA escalations resume";

  testing::TopicReader reader(stack().kafka().bootstrap(), kComplaintsTopic);
  const auto records = reader.ReadUntil(
      [&](const auto& rs) {
        return CountType(Decode(rs, {linked.id()}), ev::COMPLAINT_EVENT_TYPE_INCIDENT_RESOLVED) >
               0;
      },
      absl::Seconds(20));
  const std::vector<ReadEvent> events = Decode(records, {linked.id()});
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events[0].event.type(), ev::COMPLAINT_EVENT_TYPE_SUBMITTED);
  EXPECT_EQ(events[1].event.type(), ev::COMPLAINT_EVENT_TYPE_INCIDENT_LINKED);
  EXPECT_EQ(events[1].event.complaint().known_issue().incident_id(), incident);
  EXPECT_EQ(CountType(events, ev::COMPLAINT_EVENT_TYPE_INCIDENT_RESOLVED), 1u);
  EXPECT_EQ(Get(linked.id()).version(), 2) << "one change for the release, however redelivered";

  EXPECT_FALSE(SubmitOk(stub(), Delay(station)).has_known_issue())
      << "a resolved incident links no more complaints";
  const std::string metrics = stack().ScrapeMetrics();
  EXPECT_NE(metrics.find("sqms_complaints_known_issues_total{change=\"linked\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("sqms_complaints_known_issues_total{change=\"released\"} 1"),
            std::string::npos);
}

TEST_F(KnownIssueTest, ADrillLinksNothing) {
  const std::string station = Unique("Hsinchu ");
  // The drill goes first on the real incident's partition: once the real
  // one links, the drill was consumed. Its id sorts first, so it would win
  // the tie of equal opening times if it were ever recorded.
  const std::string real = Unique("inc-");
  Publish(Incident(Unique("drill-"), station, "triggered", /*drill=*/true), real);
  Publish(Incident(real, station, "triggered"));
  v1::Complaint c;
  ASSERT_TRUE(testing::Await(
      [&] {
        c = SubmitOk(stub(), Smoke(station));
        return c.has_known_issue();
      },
      absl::Seconds(20)));
  EXPECT_EQ(c.known_issue().incident_id(), real) << "never the drill";
}

TEST_F(KnownIssueTest, TheIncidentConsumerExportsItsLagPerAssignedPartition) {
  // The only replica is assigned every partition: a series each, from then on.
  std::map<std::string, double> lag;
  auto all_assigned = [&] {
    lag = LagSeries(stack().ScrapeMetrics());
    for (int partition = 0; partition < kIncidentsPartitions; ++partition) {
      if (!lag.contains(IncidentLagLabels(partition))) return false;
    }
    return true;
  };
  ASSERT_TRUE(testing::Await(all_assigned, absl::Seconds(30), absl::Milliseconds(100)))
      << stack().ScrapeMetrics();
  EXPECT_EQ(lag.size(), static_cast<size_t>(kIncidentsPartitions))
      << "the incident consumer's only: the watch feed's per-process group exports none";

  // An incident applied (a complaint links to it): every partition caught up.
  const std::string station = Unique("Wuhan ");
  const std::string incident = Unique("inc-");
  Publish(Incident(incident, station, "triggered"));
  ASSERT_TRUE(testing::Await([&] { return SubmitOk(stub(), Smoke(station)).has_known_issue(); },
                             absl::Seconds(20)));
  EXPECT_TRUE(testing::Await(
      [&] {
        if (!all_assigned()) return false;
        for (const auto& [labels, value] : lag) {
          if (value != 0) return false;
        }
        return true;
      },
      absl::Seconds(10), absl::Milliseconds(100)))
      << stack().ScrapeMetrics();
}

// The shipped triage config with a P1 first response of 5 s (at risk after
// 2.5 s) on the 24x7 clock; the other priorities as shipped.
std::string FastP1Config() {
  std::string yaml = testing::ShippedTriageText();
  const std::string from = "  P1: {first_response: 30m, resolution: 4h,";
  const size_t at = yaml.find(from);
  if (at == std::string::npos) return "";
  return yaml.replace(at, from.size(), "  P1: {first_response: 5s, resolution: 4h,");
}

// A P1 safety complaint linked to an active safety incident is listed with
// it, but its SLA clock is never held: its first response breaches on time
// (an open incident at a station must not silence a later hazard there).
class KnownIssueP1Test : public ::testing::Test {
 protected:
  void SetUp() override {
    StackOptions options;
    options.name = "known-issue-p1";
    options.triage_yaml = FastP1Config();
    ASSERT_FALSE(options.triage_yaml.empty()) << "triage.yaml's P1 policy changed";
    auto stack = ComplaintsStack::Start(options);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
    stub_ = stack_->Complaints();
    feed_.Connect(*stack_);
  }

  std::unique_ptr<ComplaintsStack> stack_;
  std::unique_ptr<v1::ComplaintService::Stub> stub_;
  IncidentFeed feed_;
};

TEST_F(KnownIssueP1Test, ALinkedSafetyComplaintKeepsItsTimersAndGetsItsBreach) {
  const std::string station = Unique("Changsha South ");
  const std::string incident = Unique("inc-");
  feed_.Publish(feed_.Incident(incident, station, "triggered"));
  testing::TopicReader reader(stack_->kafka().bootstrap(), kComplaintsTopic);

  v1::Complaint linked;
  ASSERT_TRUE(testing::Await(
      [&] {
        linked = SubmitOk(*stub_, Smoke(station));
        return linked.has_known_issue();
      },
      absl::Seconds(20)));
  EXPECT_EQ(linked.priority(), v1::PRIORITY_P1);
  EXPECT_EQ(linked.known_issue().incident_id(), incident);
  EXPECT_FALSE(linked.known_issue().held()) << "a P1 safety complaint is never held";
  EXPECT_TRUE(HasTimer(*stack_, linked.id())) << "its SLA timers run";

  v1::ListComplaintsRequest list;
  list.mutable_filter()->set_incident_id(incident);
  v1::ListComplaintsResponse page;
  {
    auto ctx = Ctx(Role::kSupervisor);
    ASSERT_TRUE(stub_->ListComplaints(ctx.get(), list, &page).ok());
  }
  std::vector<std::string> listed;
  for (const auto& c : page.complaints()) listed.push_back(c.id());
  EXPECT_THAT(listed, ::testing::Contains(linked.id())) << "still in the incident's bulk reply";

  const auto has_breach = [&](const std::vector<runtime::ConsumedRecord>& records) {
    for (const ReadEvent& e : Decode(records, {linked.id()})) {
      if (e.event.type() == ev::COMPLAINT_EVENT_TYPE_SLA_BREACHED &&
          e.event.sla_target() == v1::SLA_TARGET_FIRST_RESPONSE) {
        return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(has_breach(reader.ReadUntil(has_breach, absl::Seconds(20))))
      << "no sla_breached(FIRST_RESPONSE) for the linked P1 complaint";
}

}  // namespace
}  // namespace sqms::complaints::it
