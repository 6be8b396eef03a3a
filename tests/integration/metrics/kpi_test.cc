// sqms-metrics against real Redis and devkafka: the KPIs it serves equal an
// independent recompute from the events produced, duplicates count once, a
// late event corrects its closed window, a call answered after midnight
// counts in the day it was offered, a SIGKILL loses and doubles nothing,
// bad queries name their field, and every series exists at start.

#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <optional>
#include <random>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "tests/integration/metrics/metrics_stack.h"
#include "tests/support/service_client.h"

namespace sqms::metrics::it {
namespace {

namespace cpb = ::sqms::complaints::v1;
using testing::Await;

google::protobuf::Timestamp Ts(absl::Time t) {
  google::protobuf::Timestamp out;
  out.set_seconds(absl::ToUnixSeconds(t));
  return out;
}

mv1::GetKpiRequest Get(const std::string& kpi, absl::Time day, const std::string& department) {
  mv1::GetKpiRequest r;
  r.set_kpi(kpi);
  r.mutable_period()->set_size(mv1::WINDOW_SIZE_DAY);
  r.mutable_period()->set_label(DayLabel(day));
  if (!department.empty()) {
    r.set_dimension("department");
    r.set_unit(department);
  }
  return r;
}

// Awaits GetKpi returning at least `denominator` (the sample) and
// `numerator`, then returns it. A KPI whose numerator and denominator come
// from different records (a call's offer and its answer) needs both: a
// checkpoint may fall between the two records.
mv1::KpiValue AwaitSample(MetricsStack& stack, const mv1::GetKpiRequest& request,
                          int64_t denominator, int64_t numerator = 0,
                          absl::Duration timeout = absl::Seconds(30)) {
  mv1::KpiValue last;
  Await([&] {
    auto stub = stack.Metrics();
    mv1::KpiValue v;
    if (!stub->GetKpi(Ctx().get(), request, &v).ok()) return false;
    last = v;
    return v.denominator() >= denominator && v.numerator() >= numerator;
  }, timeout, absl::Milliseconds(100));
  return last;
}

// What the test expects, computed from the events it makes — not by the
// service's code.
struct Expected {
  int64_t offered = 0, answered = 0, wait = 0, ended = 0, handle = 0;
  int64_t ratings = 0, unsatisfied = 0, consultations = 0, dispatched = 0;
};

// One department's calls, surveys and consultations on `day`.
std::vector<ev::ContactEvent> CallDay(const std::string& department, absl::Time day, int calls,
                                      std::mt19937& rng, Expected& e) {
  std::vector<ev::ContactEvent> out;
  for (int i = 0; i < calls; ++i) {
    const std::string id = testing::Unique("call-" + department);
    const absl::Time t = day + absl::Minutes(static_cast<int>(rng() % (24 * 60)));
    const int64_t wait = static_cast<int64_t>(rng() % 60);
    out.push_back(Contact(id, t, department));
    out.back().mutable_call_offered();
    ++e.offered;
    if (rng() % 10 == 0) {
      out.push_back(Contact(id, t + absl::Seconds(wait), department));
      out.back().mutable_call_abandoned()->set_wait_seconds(wait);
      continue;
    }
    out.push_back(Contact(id, t + absl::Seconds(wait), department));
    out.back().mutable_call_answered()->set_wait_seconds(wait);
    ++e.answered;
    e.wait += wait;
    const int64_t handle = 60 + static_cast<int64_t>(rng() % 300);
    out.push_back(Contact(id, t + absl::Seconds(wait + handle), department));
    out.back().mutable_call_ended()->set_handle_seconds(handle);
    ++e.ended;
    e.handle += handle;
    if (rng() % 3 == 0) {
      out.push_back(Contact(id, t + absl::Seconds(wait + handle + 30), department));
      const bool unhappy = rng() % 20 == 0;
      out.back().mutable_survey_answered()->set_unsatisfied(unhappy);
      ++e.ratings;
      e.unsatisfied += unhappy;
    } else if (rng() % 5 == 0) {
      // Asked nothing the 95598 rate reads: must not count as a rating.
      out.push_back(Contact(id, t + absl::Seconds(wait + handle + 30), department));
      out.back().mutable_survey_answered()->set_csat(4);
    }
    if (rng() % 4 == 0) {
      out.push_back(Contact(id + "-c", t + absl::Seconds(wait + 10), department));
      out.back().mutable_consultation_created()->set_topic("refund");
      ++e.consultations;
      if (rng() % 6 == 0) {
        out.push_back(Contact(id + "-c", t + absl::Seconds(wait + 20), department));
        out.back().mutable_consultation_dispatched()->set_work_order_id(id + "-wo");
        ++e.dispatched;
      }
    }
  }
  return out;
}

class MetricsKpiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stack = MetricsStack::Start({.name = "metrics-kpi"});
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
  }
  std::unique_ptr<MetricsStack> stack_;
};

TEST_F(MetricsKpiTest, KpisEqualAnIndependentRecomputeFromTheEvents) {
  std::mt19937 rng(7);
  const absl::Time day = DayStart();
  std::map<std::string, Expected> expected;
  std::vector<ev::ContactEvent> events;
  for (const std::string department : {"ticketing-center", "customer-service"}) {
    auto made = CallDay(department, day, 150, rng, expected[department]);
    events.insert(events.end(), made.begin(), made.end());
  }
  ASSERT_TRUE(stack_->Produce(events).ok());

  for (const auto& [department, e] : expected) {
    SCOPED_TRACE(department);
    mv1::KpiValue answer =
        AwaitSample(*stack_, Get("answer_rate", day, department), e.offered, e.answered);
    EXPECT_EQ(answer.numerator(), e.answered);
    EXPECT_EQ(answer.denominator(), e.offered);
    EXPECT_NEAR(answer.value(), 100.0 * e.answered / e.offered, 1e-9);

    mv1::KpiValue satisfaction = AwaitSample(*stack_, Get("satisfaction_rate", day, department), e.ratings);
    EXPECT_EQ(satisfaction.denominator(), e.ratings) << "a survey without the question is no rating";
    EXPECT_NEAR(satisfaction.value(), 100.0 * (1 - static_cast<double>(e.unsatisfied) / e.ratings), 1e-9);

    mv1::KpiValue one_time = AwaitSample(*stack_, Get("one_time_answer_rate", day, department),
                                         e.consultations, e.dispatched);
    EXPECT_NEAR(one_time.value(), 100.0 * (1 - static_cast<double>(e.dispatched) / e.consultations), 1e-9);

    mv1::KpiValue asa = AwaitSample(*stack_, Get("average_speed_of_answer", day, department), e.answered);
    EXPECT_NEAR(asa.value(), static_cast<double>(e.wait) / e.answered, 1e-9);

    mv1::KpiValue aht = AwaitSample(*stack_, Get("average_handle_time", day, department), e.ended);
    EXPECT_NEAR(aht.value(), static_cast<double>(e.handle) / e.ended, 1e-9);
    EXPECT_EQ(aht.period(), DayLabel(day));
    EXPECT_EQ(aht.revision(), 0);
  }
  // The total is the sum of the departments.
  mv1::KpiValue total = AwaitSample(
      *stack_, Get("answer_rate", day, ""),
      expected["ticketing-center"].offered + expected["customer-service"].offered);
  EXPECT_EQ(total.numerator(),
            expected["ticketing-center"].answered + expected["customer-service"].answered);
}

TEST_F(MetricsKpiTest, ADuplicateDeliveryOfAnEventCountsOnce) {
  const absl::Time day = DayStart();
  ev::ContactEvent offered = Contact("dup-call", day + absl::Hours(9), "ticketing-center");
  offered.mutable_call_offered();
  ev::ContactEvent second = Contact("dup-call-2", day + absl::Hours(9), "ticketing-center");
  second.mutable_call_offered();
  // The relay delivers at least once: the same record (same ce_id) twice.
  ASSERT_TRUE(stack_->Produce({offered, offered, second}).ok());
  mv1::KpiValue v = AwaitSample(*stack_, Get("answer_rate", day, "ticketing-center"), 2);
  EXPECT_EQ(v.denominator(), 2);
  // Nothing more arrives later either.
  ev::ContactEvent marker = Contact("dup-marker", day + absl::Hours(10), "ticketing-center");
  marker.mutable_call_offered();
  ASSERT_TRUE(stack_->Produce({marker}).ok());
  EXPECT_EQ(AwaitSample(*stack_, Get("answer_rate", day, "ticketing-center"), 3).denominator(), 3);
}

// A relay taking over a dead owner's outbox shard re-sends after its lease
// expired: by then the partition has taken other records. 2,000 of them
// between an event and its re-send: still counted once.
TEST_F(MetricsKpiTest, ADuplicateTwoThousandRecordsLaterCountsOnce) {
  const absl::Time day = DayStart();
  ev::ContactEvent original = Contact("resent", day + absl::Hours(9), "ticketing-center");
  original.mutable_call_offered();
  std::vector<ev::ContactEvent> events = {original};
  for (int i = 0; i < 2000; ++i) {
    // The same key, so the same partition; answers count no offer.
    ev::ContactEvent between = Contact("resent", day + absl::Hours(9), "customer-service");
    between.mutable_call_answered()->set_wait_seconds(1);
    events.push_back(between);
  }
  events.push_back(original);  // the re-send: the same ce_id
  ASSERT_TRUE(stack_->Produce(events).ok());
  // After the re-send on its partition (the same key): once it is counted,
  // so is the re-send, or not.
  ev::ContactEvent marker = Contact("resent", day + absl::Hours(10), "ticketing-center");
  marker.mutable_call_offered();
  ASSERT_TRUE(stack_->Produce({marker}).ok());
  mv1::KpiValue v = AwaitSample(*stack_, Get("answer_rate", day, "ticketing-center"), 2);
  EXPECT_EQ(v.denominator(), 2) << "the original and the marker, not the re-send";
}

TEST_F(MetricsKpiTest, ALateEventCorrectsItsClosedWindowAndRaisesTheRevision) {
  const absl::Time day = DayStart();
  ev::ContactEvent first = Contact("late-1", day + absl::Hours(9), "ticketing-center");
  first.mutable_call_offered();
  // The next day's event moves the watermark past the day's end + grace.
  // Watermarks are per partition: the same key keeps all three on one.
  ev::ContactEvent next_day = Contact("late-1", day + absl::Hours(33), "ticketing-center");
  next_day.mutable_call_offered();
  ASSERT_TRUE(stack_->Produce({first, next_day}).ok());
  ASSERT_EQ(AwaitSample(*stack_, Get("answer_rate", day, "ticketing-center"), 1).revision(), 0);

  ev::ContactEvent late = Contact("late-1", day + absl::Hours(9), "ticketing-center");
  late.mutable_call_answered()->set_wait_seconds(5);
  ASSERT_TRUE(stack_->Produce({late}).ok());
  mv1::KpiValue v;
  ASSERT_TRUE(Await([&] {
    auto stub = stack_->Metrics();
    return stub->GetKpi(Ctx().get(), Get("answer_rate", day, "ticketing-center"), &v).ok() &&
           v.numerator() == 1;
  }, absl::Seconds(30)));
  EXPECT_EQ(v.revision(), 1) << "the correction is visible";
  EXPECT_TRUE(v.closed());
  mv1::KpiExplanation why;
  auto stub = stack_->Metrics();
  ASSERT_TRUE(stub->ExplainKpi(Ctx().get(), Get("answer_rate", day, "ticketing-center"), &why).ok());
  EXPECT_EQ(why.late_events(), 1);
  EXPECT_EQ(why.events_by_type().at("call_answered"), 1);
  EXPECT_EQ(why.counters().at("calls_offered"), 1);
}

// An event that waited (an outbox held while Kafka was down) and is
// produced after its day closed by the clock corrects that day: no later
// event is needed to say so.
TEST_F(MetricsKpiTest, AnEventProducedAfterItsDayClosedIsACorrection) {
  const absl::Time day = DayStart();
  ev::ContactEvent held = Contact("held-1", day + absl::Hours(23), "customer-service");
  held.mutable_call_offered();
  ASSERT_TRUE(stack_->Produce({held}, absl::Now()).ok());
  mv1::KpiValue v = AwaitSample(*stack_, Get("answer_rate", day, "customer-service"), 1);
  EXPECT_TRUE(v.closed());
  EXPECT_EQ(v.revision(), 1) << "the closed day changed";
  mv1::KpiExplanation why;
  auto stub = stack_->Metrics();
  ASSERT_TRUE(
      stub->ExplainKpi(Ctx().get(), Get("answer_rate", day, "customer-service"), &why).ok());
  EXPECT_EQ(why.late_events(), 1);
}

TEST_F(MetricsKpiTest, ACallAnsweredAfterMidnightCountsInTheDayItWasOffered) {
  // luggage-services: 2 calls offered on `day`, both answered, one of them
  // 10 s after midnight (Shanghai has no DST: the next day starts 24 h on).
  const absl::Time day = DayStart();
  const absl::Time next_day = day + absl::Hours(24);
  const std::string department = "luggage-services";
  std::vector<ev::ContactEvent> events;
  events.push_back(Contact("midnight-a", day + absl::Hours(10), department));
  events.back().mutable_call_offered();
  events.push_back(Contact("midnight-a", day + absl::Hours(10) + absl::Seconds(4), department));
  events.back().mutable_call_answered()->set_wait_seconds(4);
  events.push_back(Contact("midnight-b", next_day - absl::Seconds(10), department));
  events.back().mutable_call_offered();
  events.push_back(Contact("midnight-b", next_day + absl::Seconds(10), department));
  events.back().mutable_call_answered()->set_wait_seconds(20);
  ASSERT_TRUE(stack_->Produce(events).ok());

  mv1::KpiValue v;
  EXPECT_TRUE(Await(
      [&] {
        auto stub = stack_->Metrics();
        return stub->GetKpi(Ctx().get(), Get("answer_rate", day, department), &v).ok() &&
               v.numerator() == 2 && v.denominator() == 2;
      },
      absl::Seconds(30)))
      << "day 1: " << v.numerator() << "/" << v.denominator();
  EXPECT_TRUE(v.has_value());
  EXPECT_DOUBLE_EQ(v.value(), 100.0);
  // Both answers are counted by now, and none of them in the next day.
  mv1::KpiValue next;
  auto stub = stack_->Metrics();
  ASSERT_TRUE(stub->GetKpi(Ctx().get(), Get("answer_rate", next_day, department), &next).ok());
  EXPECT_FALSE(next.has_value());
  EXPECT_EQ(next.numerator(), 0);
  EXPECT_EQ(next.denominator(), 0);
}

TEST_F(MetricsKpiTest, AReopenRevokesTheFirstContactResolutionOfItsClosedWindow) {
  // Resolved 3 h after receipt on `day`, reopened two days later: the
  // resolution's day loses its first-contact resolution, as a correction.
  const absl::Time day = DayStart();
  const absl::Time received = day + absl::Hours(7);
  const absl::Time resolved = day + absl::Hours(10);
  auto change = [&](ev::ComplaintEventType type, absl::Time at, int reopens) {
    ev::ComplaintEvent e = Complaint("fcr-1", type, at, "ticketing-center");
    *e.mutable_complaint()->mutable_received_at() = Ts(received);
    *e.mutable_complaint()->mutable_resolution()->mutable_resolved_at() = Ts(resolved);
    e.mutable_complaint()->set_reopen_count(reopens);
    return e;
  };
  ASSERT_TRUE(stack_->Produce({change(ev::COMPLAINT_EVENT_TYPE_RESOLVED, resolved, 0)}).ok());
  mv1::KpiValue before =
      AwaitSample(*stack_, Get("first_contact_resolution", day, "ticketing-center"), 1);
  EXPECT_NEAR(before.value(), 100.0, 1e-9);
  EXPECT_EQ(before.revision(), 0);
  mv1::KpiValue p90 = AwaitSample(*stack_, Get("p90_resolution_time", day, ""), 1);
  // One resolution of 3 h in (2 h, 4 h]: 7200 + 7200 × 0.9.
  EXPECT_NEAR(p90.value(), 13'680.0, 1e-6);

  ASSERT_TRUE(stack_->Produce({change(ev::COMPLAINT_EVENT_TYPE_REOPENED,
                                      day + absl::Hours(57), 1)}).ok());
  mv1::KpiValue after;
  ASSERT_TRUE(Await([&] {
    auto stub = stack_->Metrics();
    return stub->GetKpi(Ctx().get(), Get("first_contact_resolution", day, "ticketing-center"),
                        &after).ok() &&
           after.numerator() == 1;
  }, absl::Seconds(30)));
  EXPECT_NEAR(after.value(), 0.0, 1e-9);
  EXPECT_EQ(after.denominator(), 1);
  EXPECT_EQ(after.revision(), 1) << "the correction is visible";

  // The reopen counts in the reopen rate of the resolution's day, not of
  // its own: 1 of that day's 1 resolution (docs/kpis.md).
  mv1::KpiValue reopen_rate;
  auto stub = stack_->Metrics();
  ASSERT_TRUE(
      stub->GetKpi(Ctx().get(), Get("reopen_rate", day, "ticketing-center"), &reopen_rate).ok());
  EXPECT_EQ(reopen_rate.numerator(), 1);
  EXPECT_EQ(reopen_rate.denominator(), 1);
  EXPECT_NEAR(reopen_rate.value(), 100.0, 1e-9);
  mv1::KpiValue reopen_day;
  ASSERT_TRUE(stub->GetKpi(Ctx().get(),
                           Get("reopen_rate", day + absl::Hours(57), "ticketing-center"),
                           &reopen_day)
                  .ok());
  EXPECT_EQ(reopen_day.numerator(), 0);
}

TEST_F(MetricsKpiTest, AComplaintResolvedDaysLaterCountsHandledInTheDayItWasReceived) {
  // The handling rate is a cohort (docs/kpis.md): hr-1 and its linked
  // duplicate hr-2 are received late on `day` and resolved two days later;
  // hr-3 is received that later day and not resolved. The resolution
  // corrects `day` (closed by then) and leaves the later day at its own
  // complaint, 0 of 1; the duplicate counts on neither side.
  const absl::Time day = DayStart();
  const absl::Time received = day + absl::Hours(22);
  const absl::Time resolved = day + absl::Hours(58);
  auto change = [&](const std::string& id, ev::ComplaintEventType type, absl::Time at,
                    const std::string& duplicate_of) {
    ev::ComplaintEvent e = Complaint(id, type, at, "ticketing-center");
    *e.mutable_complaint()->mutable_received_at() = Ts(id == "hr-3" ? at : received);
    e.mutable_complaint()->set_duplicate_of(duplicate_of);
    return e;
  };
  ASSERT_TRUE(stack_
                  ->Produce({change("hr-1", ev::COMPLAINT_EVENT_TYPE_SUBMITTED, received, ""),
                             change("hr-2", ev::COMPLAINT_EVENT_TYPE_SUBMITTED, received, "hr-1"),
                             change("hr-3", ev::COMPLAINT_EVENT_TYPE_SUBMITTED,
                                    resolved - absl::Hours(1), "")})
                  .ok());
  ASSERT_EQ(
      AwaitSample(*stack_, Get("handling_rate", resolved, "ticketing-center"), 1).denominator(), 1);
  mv1::KpiValue before = AwaitSample(*stack_, Get("handling_rate", day, "ticketing-center"), 1);
  EXPECT_NEAR(before.value(), 0.0, 1e-9);
  EXPECT_EQ(before.denominator(), 1) << "the linked duplicate is not a complaint of its own";
  EXPECT_EQ(before.revision(), 0);

  ASSERT_TRUE(stack_
                  ->Produce({change("hr-1", ev::COMPLAINT_EVENT_TYPE_RESOLVED, resolved, ""),
                             change("hr-2", ev::COMPLAINT_EVENT_TYPE_RESOLVED, resolved, "hr-1")})
                  .ok());
  mv1::KpiValue after;
  ASSERT_TRUE(Await(
      [&] {
        auto stub = stack_->Metrics();
        return stub->GetKpi(Ctx().get(), Get("handling_rate", day, "ticketing-center"), &after)
                   .ok() &&
               after.numerator() == 1;
      },
      absl::Seconds(30)));
  EXPECT_NEAR(after.value(), 100.0, 1e-9);
  EXPECT_EQ(after.denominator(), 1);
  EXPECT_EQ(after.revision(), 1) << "the correction is visible";
  EXPECT_TRUE(after.closed());
  // Both resolutions are in (mean_resolution_time counts them at the
  // resolution): the later day still reads its own complaint only.
  AwaitSample(*stack_, Get("mean_resolution_time", resolved, "ticketing-center"), 2);
  mv1::KpiValue later;
  auto stub = stack_->Metrics();
  ASSERT_TRUE(
      stub->GetKpi(Ctx().get(), Get("handling_rate", resolved, "ticketing-center"), &later).ok());
  EXPECT_NEAR(later.value(), 0.0, 1e-9);
  EXPECT_EQ(later.numerator(), 0);
  EXPECT_EQ(later.denominator(), 1);
}

TEST_F(MetricsKpiTest, AComplaintMovedToAnotherDepartmentCountsHandledWhereItWasReceived) {
  // mv-1 is received by the ticketing center, reassigned to the billing
  // center and resolved there: the ticketing center received it and has
  // handled it (1 of 1); the billing center received none, so its handling
  // rate has no value rather than 1 of 0.
  const absl::Time day = DayStart();
  const absl::Time received = day + absl::Hours(9);
  auto change = [&](ev::ComplaintEventType type, absl::Time at, const std::string& department) {
    ev::ComplaintEvent e = Complaint("mv-1", type, at, department);
    *e.mutable_complaint()->mutable_received_at() = Ts(received);
    auto* received_as = e.mutable_complaint()->mutable_received_as();
    received_as->set_department("ticketing-center");
    received_as->set_category(::sqms::complaints::v1::CATEGORY_TICKETING);
    return e;
  };
  ASSERT_TRUE(
      stack_
          ->Produce(
              {change(ev::COMPLAINT_EVENT_TYPE_SUBMITTED, received, "ticketing-center"),
               change(ev::COMPLAINT_EVENT_TYPE_RESOLVED, day + absl::Hours(11), "billing-center")})
          .ok());
  AwaitSample(*stack_, Get("mean_resolution_time", day, "billing-center"), 1);
  mv1::KpiValue received_by;
  mv1::KpiValue moved_to;
  auto stub = stack_->Metrics();
  ASSERT_TRUE(
      stub->GetKpi(Ctx().get(), Get("handling_rate", day, "ticketing-center"), &received_by).ok());
  EXPECT_EQ(received_by.numerator(), 1);
  EXPECT_EQ(received_by.denominator(), 1);
  ASSERT_TRUE(
      stub->GetKpi(Ctx().get(), Get("handling_rate", day, "billing-center"), &moved_to).ok());
  EXPECT_FALSE(moved_to.has_value());
  EXPECT_EQ(moved_to.numerator(), 0);
  EXPECT_EQ(moved_to.denominator(), 0);
}

TEST_F(MetricsKpiTest, AnOverdueComplaintCountsAsMissedFromItsBreachAndOnlyOnce) {
  // Two complaints due for a first response at 09:00. "on-time" is answered
  // at 08:30; "overdue" is not: its breach at 09:00 is a miss while it is
  // still unanswered, and its late answer at 11:00 does not count it again.
  const absl::Time day = DayStart();
  const absl::Time due = day + absl::Hours(9);
  auto change = [&](const std::string& id, ev::ComplaintEventType type, absl::Time at,
                    std::optional<absl::Time> met, bool breached) {
    ev::ComplaintEvent e = Complaint(id, type, at, "ticketing-center");
    *e.mutable_complaint()->mutable_received_at() = Ts(day + absl::Hours(8));
    cpb::SlaDeadline* d = e.mutable_complaint()->mutable_sla()->add_deadlines();
    d->set_target(cpb::SLA_TARGET_FIRST_RESPONSE);
    *d->mutable_due() = Ts(due);
    if (met) *d->mutable_met_at() = Ts(*met);
    d->set_breached(breached);
    if (type == ev::COMPLAINT_EVENT_TYPE_SLA_BREACHED) {
      e.set_sla_target(cpb::SLA_TARGET_FIRST_RESPONSE);
    }
    return e;
  };
  const absl::Time answered = day + absl::Hours(8) + absl::Minutes(30);
  ASSERT_TRUE(stack_->Produce({change("ontime-1", ev::COMPLAINT_EVENT_TYPE_HANDLING_STARTED,
                                      answered, answered, false),
                               change("overdue-1", ev::COMPLAINT_EVENT_TYPE_SLA_BREACHED, due,
                                      std::nullopt, true)}).ok());
  mv1::KpiValue v = AwaitSample(*stack_, Get("first_response_on_time", day, "ticketing-center"), 2);
  EXPECT_EQ(v.numerator(), 1);
  EXPECT_EQ(v.denominator(), 2) << "the unanswered overdue complaint is a miss already";
  EXPECT_NEAR(v.value(), 50.0, 1e-9);

  const absl::Time late = day + absl::Hours(11);
  ASSERT_TRUE(stack_->Produce({change("overdue-1", ev::COMPLAINT_EVENT_TYPE_HANDLING_STARTED,
                                      late, late, true)}).ok());
  // The late answer is counted (mean first-response time sees it) …
  AwaitSample(*stack_, Get("mean_first_response_time", day, "ticketing-center"), 2);
  // … and the on-time rate still has one miss in two.
  auto stub = stack_->Metrics();
  ASSERT_TRUE(stub->GetKpi(Ctx().get(), Get("first_response_on_time", day, "ticketing-center"),
                           &v).ok());
  EXPECT_EQ(v.numerator(), 1);
  EXPECT_EQ(v.denominator(), 2);
}

TEST_F(MetricsKpiTest, SigkillDuringAStreamLosesAndDoublesNothing) {
  const absl::Time day = DayStart();
  constexpr int kEvents = 20000;
  std::vector<ev::ContactEvent> events;
  for (int i = 0; i < kEvents; ++i) {
    events.push_back(Contact(absl::StrCat("kill-", i % 997), day + absl::Seconds(i),
                             i % 2 ? "ticketing-center" : "customer-service"));
    events.back().mutable_call_offered();
  }
  std::thread producer([&] { ASSERT_TRUE(stack_->Produce(events).ok()); });
  // Kill it once it has checkpointed some but not all of the stream.
  ASSERT_TRUE(Await([&] {
    mv1::KpiValue v;
    auto stub = stack_->Metrics();
    return stub->GetKpi(Ctx().get(), Get("answer_rate", day, ""), &v).ok() && v.denominator() > 0;
  }, absl::Seconds(60)));
  stack_->KillService();
  producer.join();
  ASSERT_TRUE(stack_->StartService().ok());
  // The group reassigns the dead replica's partitions after its session
  // timeout (10 s), then the restarted one resumes at the checkpoints.
  mv1::KpiValue v =
      AwaitSample(*stack_, Get("answer_rate", day, ""), kEvents, 0, absl::Seconds(180));
  EXPECT_EQ(v.denominator(), kEvents);
  // And it stays there: nothing is counted twice later.
  ev::ContactEvent marker = Contact("kill-marker", day + absl::Hours(23), "ticketing-center");
  marker.mutable_call_offered();
  ASSERT_TRUE(stack_->Produce({marker}).ok());
  EXPECT_EQ(AwaitSample(*stack_, Get("answer_rate", day, ""), kEvents + 1).denominator(),
            kEvents + 1);
}

TEST_F(MetricsKpiTest, TwoReplicasShareThePartitionsAndOneLeavingLosesNothing) {
  const absl::Time day = DayStart();
  ASSERT_TRUE(stack_->StartService(1).ok());
  auto offered = [&](int from, int to) {
    std::vector<ev::ContactEvent> events;
    for (int i = from; i < to; ++i) {
      events.push_back(Contact(absl::StrCat("pair-", i), day + absl::Seconds(i), "ticketing-center"));
      events.back().mutable_call_offered();
    }
    return events;
  };
  ASSERT_TRUE(stack_->Produce(offered(0, 2000)).ok());
  ASSERT_EQ(AwaitSample(*stack_, Get("answer_rate", day, ""), 2000).denominator(), 2000);
  EXPECT_EQ(stack_->StopService(0), 0);  // leaves the group: its partitions move to replica 1
  ASSERT_TRUE(stack_->Produce(offered(2000, 4000)).ok());
  mv1::KpiValue v;
  ASSERT_TRUE(Await([&] {
    auto stub = stack_->Metrics(1);
    return stub->GetKpi(Ctx().get(), Get("answer_rate", day, ""), &v).ok() &&
           v.denominator() >= 4000;
  }, absl::Seconds(120), absl::Milliseconds(100)));
  EXPECT_EQ(v.denominator(), 4000);
}

TEST_F(MetricsKpiTest, BadQueriesAreRefusedNamingTheField) {
  auto stub = stack_->Metrics();
  auto fields = [&](const mv1::GetKpiRequest& r) {
    mv1::KpiValue v;
    grpc::Status s = stub->GetKpi(Ctx().get(), r, &v);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << testing::StatusText(s);
    return testing::ViolationFields(s);
  };
  mv1::GetKpiRequest r = Get("no_such_kpi", DayStart(), "");
  EXPECT_EQ(fields(r), std::vector<std::string>{"kpi"});
  r = Get("answer_rate", DayStart(), "");
  r.mutable_period()->set_label("2026-13-01");
  EXPECT_EQ(fields(r), std::vector<std::string>{"period.label"});
  r = Get("answer_rate", DayStart(), "");
  r.mutable_period()->set_size(mv1::WINDOW_SIZE_UNSPECIFIED);
  EXPECT_EQ(fields(r), std::vector<std::string>{"period.size"});
  r = Get("answer_rate", DayStart(), "");
  r.mutable_period()->set_size(static_cast<mv1::WindowSize>(42));
  EXPECT_EQ(fields(r), std::vector<std::string>{"period.size"});
  r = Get("answer_rate", DayStart(), "");
  r.set_dimension("planet");
  EXPECT_EQ(fields(r), std::vector<std::string>{"dimension"});
  r = Get("answer_rate", DayStart(), "");
  r.set_dimension("department");
  EXPECT_EQ(fields(r), std::vector<std::string>{"unit"});

  mv1::QueryKpisRequest q;
  q.add_kpis("answer_rate");
  q.add_kpis("nope");
  q.set_size(mv1::WINDOW_SIZE_DAY);
  q.set_from(DayLabel(DayStart()));
  mv1::QueryKpisResponse out;
  grpc::Status s = stub->QueryKpis(Ctx().get(), q, &out);
  EXPECT_EQ(testing::ViolationFields(s), std::vector<std::string>{"kpis[1]"});
}

// Year 1 in Asia/Shanghai starts before the earliest google.protobuf.Timestamp:
// such a label once aborted the process while the answer was encoded.
TEST_F(MetricsKpiTest, PeriodsOutsideTheCoveredTimeAreRefusedAndTheServiceLivesOn) {
  auto stub = stack_->Metrics();
  for (auto [size, label] : std::vector<std::pair<mv1::WindowSize, std::string>>{
           {mv1::WINDOW_SIZE_DAY, "0001-01-01"},
           {mv1::WINDOW_SIZE_MONTH, "0001-01"},
           {mv1::WINDOW_SIZE_DAY, "1969-12-31"},
           {mv1::WINDOW_SIZE_QUARTER, "9999-Q4"}}) {
    mv1::GetKpiRequest r = Get("answer_rate", DayStart(), "");
    r.mutable_period()->set_size(size);
    r.mutable_period()->set_label(label);
    mv1::KpiValue v;
    grpc::Status s = stub->GetKpi(Ctx().get(), r, &v);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << label;
    EXPECT_EQ(testing::ViolationFields(s), std::vector<std::string>{"period.label"}) << label;
    mv1::KpiExplanation why;
    s = stub->ExplainKpi(Ctx().get(), r, &why);
    EXPECT_EQ(testing::ViolationFields(s), std::vector<std::string>{"period.label"}) << label;
  }
  mv1::QueryKpisRequest q;
  q.add_kpis("answer_rate");
  q.set_size(mv1::WINDOW_SIZE_DAY);
  q.set_from("0001-01-01");
  q.set_to("0001-01-02");
  q.set_compare_previous(true);
  mv1::QueryKpisResponse out;
  grpc::Status s = stub->QueryKpis(Ctx().get(), q, &out);
  EXPECT_EQ(testing::ViolationFields(s), (std::vector<std::string>{"from", "to"}));

  mv1::KpiValue v;
  EXPECT_TRUE(stub->GetKpi(Ctx().get(), Get("answer_rate", DayStart(), ""), &v).ok());
}

TEST_F(MetricsKpiTest, ARankingWeightMustBeFinite) {
  auto stub = stack_->Metrics();
  mv1::RankUnitsRequest r;
  r.mutable_period()->set_size(mv1::WINDOW_SIZE_DAY);
  r.mutable_period()->set_label(DayLabel(DayStart()));
  r.set_dimension("department");
  r.add_kpis()->set_kpi("answer_rate");
  r.mutable_kpis(0)->set_weight(std::numeric_limits<double>::infinity());
  r.add_kpis()->set_kpi("abandonment_rate");
  r.mutable_kpis(1)->set_weight(1);
  mv1::RankUnitsResponse out;
  grpc::Status s = stub->RankUnits(Ctx().get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << testing::StatusText(s);
  EXPECT_EQ(testing::ViolationFields(s), std::vector<std::string>{"kpis[0].weight"});
}

TEST_F(MetricsKpiTest, EverySeriesExistsAtZeroFromStartUp) {
  const std::string text = stack_->ScrapeMetrics();
  for (const char* series :
       {"sqms_kpi_counter_total{counter=\"calls_offered\",department=\"ticketing-center\"} 0",
        "sqms_kpi_counter_total{counter=\"ratings_unsatisfied\",department=\"other\"} 0",
        "sqms_metrics_events_total{outcome=\"late\",topic=\"sqms.contact.v1\"} 0",
        "sqms_metrics_dimension_values_folded_total{dimension=\"agent\"} 0",
        "sqms_metrics_dimension_values_folded_total{dimension=\"station\"} 0",
        "sqms_consumer_checkpoints_total{group=\"sqms-metrics\",outcome=\"fenced\"} 0",
        "sqms_rpc_requests_total{code=\"OK\",method=\"GetKpi\",service=\"sqms.metrics.v1.MetricsService\"} 0"}) {
    EXPECT_NE(text.find(series), std::string::npos) << series;
  }
}

}  // namespace
}  // namespace sqms::metrics::it
