#include "services/metrics/domain/target.h"

#include <gtest/gtest.h>

namespace sqms::metrics::domain {
namespace {

// "satisfaction ≥ 95 %" with 30 ratings at least; back to met only at 96 %.
Target Satisfaction() {
  Target t;
  t.kpi = "satisfaction_rate";
  t.dimension = "total";
  t.threshold = 95.0;
  t.min_sample = 30;
  t.hysteresis = 1.0;
  return t;
}

// "mean resolution time ≤ 86,400 s" (lower is better), 1 hour of hysteresis.
Target Resolution() {
  Target t;
  t.kpi = "mean_resolution_time";
  t.threshold = 86'400;
  t.min_sample = 10;
  t.hysteresis = 3600;
  return t;
}

const KpiDefinition& Kpi(std::string_view name) { return *FindKpi(name); }

KpiValue Value(double value, int64_t sample) {
  KpiValue v;
  v.value = value;
  v.denominator = sample;
  return v;
}

TargetDecision Eval(const Target& target, TargetState previous, KpiValue value) {
  return Evaluate(target, Kpi(target.kpi), previous, value);
}

void ExpectDecision(TargetDecision d, TargetState state, TargetTransition transition) {
  EXPECT_EQ(d.state, state);
  EXPECT_EQ(d.transition, transition);
}

TEST(MeetsTest, TheDirectionSaysWhichSideIsGood) {
  EXPECT_TRUE(Meets(Satisfaction(), Kpi("satisfaction_rate"), 95.0));  // the threshold meets
  EXPECT_TRUE(Meets(Satisfaction(), Kpi("satisfaction_rate"), 99.0));
  EXPECT_FALSE(Meets(Satisfaction(), Kpi("satisfaction_rate"), 94.99));
  EXPECT_TRUE(Meets(Resolution(), Kpi("mean_resolution_time"), 86'400));
  EXPECT_TRUE(Meets(Resolution(), Kpi("mean_resolution_time"), 3600));
  EXPECT_FALSE(Meets(Resolution(), Kpi("mean_resolution_time"), 86'401));
}

TEST(EvaluateTest, AFirstMetIsNoNews) {
  ExpectDecision(Eval(Satisfaction(), TargetState::kUnknown, Value(97, 200)), TargetState::kMet,
                 TargetTransition::kNone);
}

TEST(EvaluateTest, AFirstBreachIsABreach) {
  ExpectDecision(Eval(Satisfaction(), TargetState::kUnknown, Value(90, 200)),
                 TargetState::kBreached, TargetTransition::kBreached);
}

TEST(EvaluateTest, MetThenWorseThanTheThresholdBreaches) {
  ExpectDecision(Eval(Satisfaction(), TargetState::kMet, Value(96, 200)), TargetState::kMet,
                 TargetTransition::kNone);
  ExpectDecision(Eval(Satisfaction(), TargetState::kMet, Value(94.9, 200)),
                 TargetState::kBreached, TargetTransition::kBreached);
}

TEST(EvaluateTest, BreachedStaysBreachedUntilBetterByTheHysteresis) {
  // At the threshold, and 0.5 above it: still breached, no new event.
  ExpectDecision(Eval(Satisfaction(), TargetState::kBreached, Value(94, 200)),
                 TargetState::kBreached, TargetTransition::kNone);
  ExpectDecision(Eval(Satisfaction(), TargetState::kBreached, Value(95, 200)),
                 TargetState::kBreached, TargetTransition::kNone);
  ExpectDecision(Eval(Satisfaction(), TargetState::kBreached, Value(95.5, 200)),
                 TargetState::kBreached, TargetTransition::kNone);
  // 96 = 95 + 1: recovered.
  ExpectDecision(Eval(Satisfaction(), TargetState::kBreached, Value(96, 200)), TargetState::kMet,
                 TargetTransition::kRecovered);
}

TEST(EvaluateTest, HysteresisOnTheLowSideForLowerIsBetter) {
  const Target t = Resolution();
  ExpectDecision(Eval(t, TargetState::kMet, Value(90'000, 50)), TargetState::kBreached,
                 TargetTransition::kBreached);
  ExpectDecision(Eval(t, TargetState::kBreached, Value(86'000, 50)), TargetState::kBreached,
                 TargetTransition::kNone);
  ExpectDecision(Eval(t, TargetState::kBreached, Value(82'800, 50)), TargetState::kMet,
                 TargetTransition::kRecovered);
}

TEST(EvaluateTest, ExactlyTheHysteresisRecoversDespiteRounding) {
  // 90.3 − 90 is 0.29999999999999716 in doubles; it is still 0.3 better.
  Target t = Satisfaction();
  t.threshold = 90;
  t.hysteresis = 0.3;
  ExpectDecision(Eval(t, TargetState::kBreached, Value(90.3, 200)), TargetState::kMet,
                 TargetTransition::kRecovered);
}

TEST(EvaluateTest, WithoutHysteresisMeetingAgainRecovers) {
  Target t = Satisfaction();
  t.hysteresis = 0;
  ExpectDecision(Eval(t, TargetState::kBreached, Value(95, 200)), TargetState::kMet,
                 TargetTransition::kRecovered);
  ExpectDecision(Eval(t, TargetState::kBreached, Value(94.999, 200)), TargetState::kBreached,
                 TargetTransition::kNone);
}

TEST(EvaluateTest, ASampleBelowTheMinimumNeverChangesTheState) {
  // 29 ratings with 10 unsatisfied would be a breach, but 29 < 30.
  for (TargetState s : {TargetState::kUnknown, TargetState::kMet, TargetState::kBreached}) {
    ExpectDecision(Eval(Satisfaction(), s, Value(65.5, 29)), s, TargetTransition::kNone);
    ExpectDecision(Eval(Satisfaction(), s, Value(100, 29)), s, TargetTransition::kNone);
  }
  // 30 is enough.
  ExpectDecision(Eval(Satisfaction(), TargetState::kMet, Value(65.5, 30)),
                 TargetState::kBreached, TargetTransition::kBreached);
}

TEST(EvaluateTest, NoValueNeverChangesTheState) {
  KpiValue none;
  none.denominator = 500;  // e.g. a base without a value: nothing to judge
  for (TargetState s : {TargetState::kUnknown, TargetState::kMet, TargetState::kBreached}) {
    ExpectDecision(Eval(Satisfaction(), s, none), s, TargetTransition::kNone);
  }
}

// A new window is judged on its own: yesterday's breach does not make
// today's 95.5 % (met, within the hysteresis) a breach, and today's own
// breach is news even though yesterday's was still open.
TEST(EvaluateNewWindowTest, ANewWindowIsJudgedWithoutTheHysteresis) {
  const Target t = Satisfaction();
  const KpiDefinition& kpi = Kpi(t.kpi);
  ExpectDecision(EvaluateNewWindow(t, kpi, TargetState::kBreached, Value(95.5, 200)),
                 TargetState::kMet, TargetTransition::kRecovered);
  ExpectDecision(EvaluateNewWindow(t, kpi, TargetState::kBreached, Value(80, 200)),
                 TargetState::kBreached, TargetTransition::kBreached);
  ExpectDecision(EvaluateNewWindow(t, kpi, TargetState::kMet, Value(95.5, 200)), TargetState::kMet,
                 TargetTransition::kNone);
  ExpectDecision(EvaluateNewWindow(t, kpi, TargetState::kUnknown, Value(80, 200)),
                 TargetState::kBreached, TargetTransition::kBreached);
  EXPECT_TRUE(EvaluateNewWindow(t, kpi, TargetState::kBreached, Value(80, 200)).decided);
}

// Until the new window has its minimum sample, the last verdict stands.
TEST(EvaluateNewWindowTest, ASmallSampleKeepsTheCarriedState) {
  const Target t = Satisfaction();
  for (TargetState s : {TargetState::kUnknown, TargetState::kMet, TargetState::kBreached}) {
    const TargetDecision d = EvaluateNewWindow(t, Kpi(t.kpi), s, Value(100, 29));
    ExpectDecision(d, s, TargetTransition::kNone);
    EXPECT_FALSE(d.decided);
  }
}

}  // namespace
}  // namespace sqms::metrics::domain
