// A KPI whose exact value is its target's threshold meets the target
// (docs/kpis.md, "Targets": "on the good side of the threshold or equal to
// it"). n / d × 100 rounds twice in doubles: 7 / 100 × 100 is
// 7.000000000000001, so 7 calls abandoned of 100 read as a breach of
// "abandonment rate ≤ 7 %" while sqmsctl showed "7.00 %". Each value is
// one correctly rounded division now, so it is the double nearest the
// exact figure — the same double as the threshold written in metrics.yaml.
// Events go through Contributions and Compute as the consumer and the
// queries take them.

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "services/metrics/domain/counters.h"
#include "services/metrics/domain/event.h"
#include "services/metrics/domain/kpi.h"
#include "services/metrics/domain/target.h"

namespace sqms::metrics::domain {
namespace {

// The counters of `events`, summed as one window's cell.
CounterValues CountersOf(const std::vector<EventBody>& events) {
  const ContributionPolicy policy;
  CounterValues out{};
  for (const EventBody& body : events) {
    const Event event{.id = "e", .occurred_at = absl::UnixEpoch(), .dimensions = {},
                      .drill = false, .body = body};
    for (const Increment& inc : Contributions(event, policy)) {
      out[static_cast<size_t>(inc.counter)] += inc.by;
    }
  }
  return out;
}

std::vector<EventBody> Repeat(int n, const EventBody& body) {
  return std::vector<EventBody>(static_cast<size_t>(n), body);
}

std::vector<EventBody> Join(std::vector<std::vector<EventBody>> parts) {
  std::vector<EventBody> out;
  for (auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

Target TargetOn(std::string_view kpi, double threshold) {
  Target t;
  t.kpi = std::string(kpi);
  t.dimension = "total";
  t.threshold = threshold;
  t.min_sample = 1;
  t.hysteresis = 1;
  return t;
}

// The decision of a target that was met, on the closed window's value.
TargetDecision Decide(std::string_view kpi, double threshold, const CounterValues& counters,
                      const Bases& bases = {}) {
  const KpiDefinition& definition = *FindKpi(kpi);
  const KpiValue value = Compute(definition, counters, bases);
  EXPECT_TRUE(value.value.has_value()) << kpi;
  return Evaluate(TargetOn(kpi, threshold), definition, TargetState::kMet, value);
}

TEST(KpiAtTargetTest, SevenAbandonedOfAHundredMeetsAbandonmentAtMostSevenPercent) {
  const CounterValues calls =
      CountersOf(Join({Repeat(100, CallOffered{}), Repeat(93, CallAnswered{.wait_seconds = 10}),
                       Repeat(7, CallAbandoned{.wait_seconds = 30})}));
  const KpiValue abandoned = Compute(*FindKpi("abandonment_rate"), calls);
  EXPECT_EQ(abandoned.value, 7.0) << "7 / 100 is 7 %, not 7.000000000000001 %";
  const TargetDecision d = Decide("abandonment_rate", 7, calls);
  EXPECT_EQ(d.state, TargetState::kMet);
  EXPECT_EQ(d.transition, TargetTransition::kNone) << "no breach at the threshold itself";
}

TEST(KpiAtTargetTest, ReopenAndDuplicateSharesAtTheirThresholdMeetIt) {
  // 28 of 100 resolutions reopened: 28 % (was 28.000000000000004).
  std::vector<EventBody> reopened = Repeat(100, ComplaintResolved{});
  for (int i = 0; i < 28; ++i) reopened.push_back(ComplaintReopened{.reopen_count = 2});
  EXPECT_EQ(Compute(*FindKpi("reopen_rate"), CountersOf(reopened)).value, 28.0);
  EXPECT_EQ(Decide("reopen_rate", 28, CountersOf(reopened)).transition, TargetTransition::kNone);
  // 7 linked duplicates of 50 complaints: 14 % (was 14.000000000000002).
  const CounterValues complaints =
      CountersOf(Join({Repeat(43, ComplaintSubmitted{}),
                       Repeat(7, ComplaintSubmitted{.duplicate = true})}));
  EXPECT_EQ(Compute(*FindKpi("duplicate_share"), complaints).value, 14.0);
  EXPECT_EQ(Decide("duplicate_share", 14, complaints).transition, TargetTransition::kNone);
}

TEST(KpiAtTargetTest, EveryFormIsTheDoubleNearestItsExactValue) {
  // 1 satisfied rating of 10: (1 − 9 / 10) × 100 read 9.999999999999998.
  const CounterValues ratings = CountersOf(
      Join({Repeat(1, SurveyAnswered{.unsatisfied = false, .csat = 5, .nps = 10, .csi = {}}),
            Repeat(9, SurveyAnswered{.unsatisfied = true, .csat = 2, .nps = 8, .csi = {}})}));
  EXPECT_EQ(Compute(*FindKpi("satisfaction_rate"), ratings).value, 10.0);
  EXPECT_EQ(Decide("satisfaction_rate", 10, ratings).transition, TargetTransition::kNone);
  // NPS of 7 promoters in 100 answers: 7, not 7.000000000000001.
  const CounterValues nps = CountersOf(
      Join({Repeat(7, SurveyAnswered{.unsatisfied = {}, .csat = {}, .nps = 9, .csi = {}}),
            Repeat(93, SurveyAnswered{.unsatisfied = {}, .csat = {}, .nps = 8, .csi = {}})}));
  EXPECT_EQ(Compute(*FindKpi("nps"), nps).value, 7.0);
  // 3 complaints per 10,000 passengers: 3, not 2.9999999999999996 — under
  // "complaint rate ≤ 2.99" that was no breach.
  const CounterValues complaints = CountersOf(Repeat(3, ComplaintSubmitted{}));
  EXPECT_EQ(Compute(*FindKpi("complaint_rate"), complaints, Bases{.scheduled_seconds = {}, .volume = 10'000}).value, 3.0);
  EXPECT_EQ(Decide("complaint_rate", 3, complaints, Bases{.scheduled_seconds = {}, .volume = 10'000}).transition, TargetTransition::kNone);
  // 22 s of outage in an hour: the double nearest 99.38888…, as written.
  CounterValues outage{};
  outage[static_cast<size_t>(Counter::kOutageSeconds)] = 22;
  EXPECT_EQ(Compute(*FindKpi("system_reliability"), outage, Bases{.scheduled_seconds = 3600, .volume = {}})
                .value,
            (3600.0 - 22) * 100 / 3600);
}

}  // namespace
}  // namespace sqms::metrics::domain
