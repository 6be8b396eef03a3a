// The target monitor as a specification: a breach once, a recovery once
// past the hysteresis, nothing on a small sample, and a target missed N
// closed windows in a row published once.

#include "services/metrics/app/target_monitor.h"

#include <gtest/gtest.h>

#include <functional>
#include <utility>

#include "tests/support/fake_clock.h"
#include "tests/support/metrics/in_memory_target_store.h"
#include "tests/support/metrics/target_store_contract.h"
#include "tests/unit/metrics/app/stub_kpi_reader.h"

namespace sqms::metrics::app {
namespace {

using domain::Counter;
using ports::TargetEventType;

// Calls offered and answered in `w` for `unit`, the rest abandoned (by
// default: every call has its outcome) or still queuing (`waiting`).
void SetCalls(testing::StubKpiReader& reader, const domain::Window& w, const std::string& unit,
              int64_t offered, int64_t answered, int64_t waiting = 0) {
  reader.Set(w, unit, Counter::kCallsOffered, offered);
  reader.Set(w, unit, Counter::kCallsAnswered, answered);
  reader.Set(w, unit, Counter::kCallsAbandoned, offered - answered - waiting);
}

class TargetMonitorTest : public ::testing::Test {
 protected:
  TargetMonitorTest() : clock_(absl::FromUnixSeconds(1796191200)) {  // 2026-12-02 14:00 +08
    absl::LoadTimeZone("Asia/Shanghai", &config_.zone);
    config_.grace = absl::Minutes(5);
    monitor_ = std::make_unique<TargetMonitor>(reader_, store_, clock_,
                                               std::vector{AnswerRateTarget()}, config_);
  }
  // Answer rate ≥ 90 % per department and day, sample ≥ 10, hysteresis 2.
  static domain::Target AnswerRateTarget() {
    domain::Target t;
    t.kpi = "answer_rate";
    t.dimension = "department";
    t.window = domain::WindowSize::kDay;
    t.threshold = 90;
    t.min_sample = 10;
    t.hysteresis = 2;
    t.consecutive_misses = 2;
    return t;
  }
  domain::Window Today() const {
    return domain::WindowOf(clock_.Now(), domain::WindowSize::kDay, config_.zone);
  }
  std::vector<ports::TargetEvent> Published() const { return store_.published(); }

  QueryConfig config_;
  sqms::testing::FakeClock clock_;
  testing::StubKpiReader reader_;
  testing::InMemoryTargetStore store_;
  std::unique_ptr<TargetMonitor> monitor_;
};

TEST_F(TargetMonitorTest, ABreachIsPublishedOnceHoweverOftenItIsEvaluated) {
  SetCalls(reader_, Today(), "ticketing-center", 20, 15);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 0);
  ASSERT_EQ(Published().size(), 1u);
  EXPECT_EQ(Published()[0].type, TargetEventType::kBreached);
  EXPECT_EQ(Published()[0].unit, "ticketing-center");
  EXPECT_EQ(Published()[0].period, "2026-12-02");
  EXPECT_DOUBLE_EQ(*Published()[0].value.value, 75.0);
}

// At 00:03 thirty calls were offered, 24 answered and 6 still queue: the
// open day has lost none, so no breach — until they abandon.
TEST_F(TargetMonitorTest, CallsStillQueuingInTheOpenWindowAreNotCountedAsLost) {
  SetCalls(reader_, Today(), "ticketing-center", 30, 24, /*waiting=*/6);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 0);
  EXPECT_TRUE(Published().empty());
  SetCalls(reader_, Today(), "ticketing-center", 30, 24);  // the six abandoned
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  EXPECT_DOUBLE_EQ(*Published()[0].value.value, 80.0);
  EXPECT_EQ(Published()[0].value.denominator, 30);
}

TEST_F(TargetMonitorTest, AClosedWindowCountsEveryCallOffered) {
  const domain::Window day1 = Today();
  SetCalls(reader_, day1, "customer-service", 50, 40, /*waiting=*/10);  // never got an outcome
  clock_.Advance(absl::Hours(24));
  ASSERT_TRUE(monitor_->EvaluateOnce().ok());  // day 1 closed: 80 %, one miss
  const domain::Window day2 = Today();
  SetCalls(reader_, day2, "customer-service", 50, 40, /*waiting=*/10);
  clock_.Advance(absl::Hours(24));
  ASSERT_TRUE(monitor_->EvaluateOnce().ok());  // day 2 closed: two misses
  ASSERT_FALSE(Published().empty());
  EXPECT_EQ(Published().back().type, TargetEventType::kMissedRepeatedly);
  EXPECT_DOUBLE_EQ(*Published().back().value.value, 80.0);
}

TEST_F(TargetMonitorTest, ASmallSampleDecidesNothing) {
  SetCalls(reader_, Today(), "ticketing-center", 5, 1);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 0);
  EXPECT_TRUE(Published().empty());
}

TEST_F(TargetMonitorTest, RecoveryNeedsTheHysteresisAndIsPublishedOnce) {
  SetCalls(reader_, Today(), "ticketing-center", 20, 15);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  SetCalls(reader_, Today(), "ticketing-center", 100, 91);  // 91 %: above 90, within the hysteresis
  ASSERT_EQ(*monitor_->EvaluateOnce(), 0);
  SetCalls(reader_, Today(), "ticketing-center", 100, 93);  // 93 % ≥ 92: recovered
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 0);
  ASSERT_EQ(Published().size(), 2u);
  EXPECT_EQ(Published()[1].type, TargetEventType::kRecovered);
}

TEST_F(TargetMonitorTest, ATargetMissedInConsecutiveClosedWindowsIsPublishedOnce) {
  const domain::Window day1 = Today();
  SetCalls(reader_, day1, "customer-service", 50, 40);  // 80 %: missed
  clock_.Advance(absl::Hours(24));
  ASSERT_TRUE(monitor_->EvaluateOnce().ok());     // day 1 closed: 1 miss
  const domain::Window day2 = Today();
  SetCalls(reader_, day2, "customer-service", 50, 40);
  clock_.Advance(absl::Hours(24));
  ASSERT_TRUE(monitor_->EvaluateOnce().ok());     // day 2 closed: 2 misses → published
  ASSERT_TRUE(monitor_->EvaluateOnce().ok());     // nothing new
  int repeated = 0;
  for (const auto& e : Published()) repeated += e.type == TargetEventType::kMissedRepeatedly;
  EXPECT_EQ(repeated, 1);
  EXPECT_EQ(Published().back().misses, 2);
  EXPECT_EQ(Published().back().period, domain::WindowLabel(day2, config_.zone));
}

// Day 1 closes breached (75 %). Day 2 runs at 91 %: it meets the target,
// within the hysteresis that guards one day's figure — a recovery, for day
// 2. Had day 2 run at 70 %, its own breach would have been published.
TEST_F(TargetMonitorTest, ABreachDoesNotOutliveItsWindow) {
  SetCalls(reader_, Today(), "ticketing-center", 20, 15);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  clock_.Advance(absl::Hours(24));
  SetCalls(reader_, Today(), "ticketing-center", 5, 5);  // below min_sample: day 1's verdict stands
  ASSERT_TRUE(monitor_->EvaluateOnce().ok());
  for (const auto& e : Published()) EXPECT_NE(e.type, TargetEventType::kRecovered);
  SetCalls(reader_, Today(), "ticketing-center", 100, 91);
  ASSERT_TRUE(monitor_->EvaluateOnce().ok());
  ASSERT_EQ(Published().back().type, TargetEventType::kRecovered);
  EXPECT_EQ(Published().back().period, "2026-12-03");
  // Within day 2 the hysteresis holds again: 89 % breaches, 91 % does not recover.
  SetCalls(reader_, Today(), "ticketing-center", 100, 89);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  SetCalls(reader_, Today(), "ticketing-center", 100, 91);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 0);
}

TEST_F(TargetMonitorTest, ANewWindowThatAlsoMissesIsBreachedForItself) {
  SetCalls(reader_, Today(), "ticketing-center", 20, 15);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  clock_.Advance(absl::Hours(24));
  SetCalls(reader_, Today(), "ticketing-center", 100, 70);
  ASSERT_TRUE(monitor_->EvaluateOnce().ok());
  ASSERT_EQ(Published().back().type, TargetEventType::kBreached);
  EXPECT_EQ(Published().back().period, "2026-12-03");
  EXPECT_DOUBLE_EQ(*Published().back().value.value, 70.0);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 0);  // once
}

// A unit breached today by a version that did not record the window: the
// first evaluation after the upgrade judges today afresh but publishes no
// second breach of it.
TEST_F(TargetMonitorTest, AStatusStoredWithoutItsWindowIsNotBreachedTwice) {
  const std::string id = "answer_rate/department/*/day";
  const ports::TargetStatus legacy{domain::TargetState::kBreached, 0, "", ""};
  ASSERT_TRUE(*store_.Transition(id, "ticketing-center", {}, legacy, {}));
  SetCalls(reader_, Today(), "ticketing-center", 20, 15);
  ASSERT_TRUE(monitor_->EvaluateOnce().ok());
  EXPECT_TRUE(Published().empty());
  ASSERT_EQ(*monitor_->EvaluateOnce(), 0);
  SetCalls(reader_, Today(), "ticketing-center", 100, 93);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  EXPECT_EQ(Published().back().type, TargetEventType::kRecovered);
}

// A reader that returns the figures as they were when it was asked, after
// `meanwhile` ran: a replica that stalled in its read while a checkpoint
// and another replica's evaluation went by.
class StallingReader final : public ports::KpiReader {
 public:
  explicit StallingReader(ports::KpiReader& inner) : inner_(inner) {}
  absl::StatusOr<std::vector<ports::WindowAggregate>> Read(
      const std::vector<domain::Window>& windows, domain::Dimension dimension,
      bool drill) override {
    auto read = inner_.Read(windows, dimension, drill);
    if (meanwhile) std::exchange(meanwhile, nullptr)();
    return read;
  }
  std::function<void()> meanwhile;

 private:
  ports::KpiReader& inner_;
};

// Breached at 75 %, then 87.5 % (within the hysteresis): replica B reads
// that; before its answer comes, 95 % is checkpointed and replica A
// publishes the recovery. B must not then publish a breach of its stale
// 87.5 % against the recovered status.
TEST_F(TargetMonitorTest, AReplicaThatReadStaleFiguresPublishesNoSecondBreach) {
  SetCalls(reader_, Today(), "ticketing-center", 20, 15);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  SetCalls(reader_, Today(), "ticketing-center", 40, 35);
  StallingReader stalling(reader_);
  TargetMonitor replica_b(stalling, store_, clock_, {AnswerRateTarget()}, config_);
  stalling.meanwhile = [&] {
    SetCalls(reader_, Today(), "ticketing-center", 100, 95);
    ASSERT_EQ(*monitor_->EvaluateOnce(), 1) << "replica A: recovered";
  };
  ASSERT_TRUE(replica_b.EvaluateOnce().ok());
  ASSERT_EQ(Published().size(), 2u) << "a breach, a recovery, and nothing from B";
  EXPECT_EQ(Published()[1].type, TargetEventType::kRecovered);
  ASSERT_EQ(*replica_b.EvaluateOnce(), 0) << "B, reading again, agrees";
}

// A store whose Load first lets `meanwhile` run: a replica that stalled
// between deciding to evaluate and loading the status.
class StallingStore final : public ports::TargetStore {
 public:
  explicit StallingStore(ports::TargetStore& inner) : inner_(inner) {}
  absl::StatusOr<std::map<std::string, ports::TargetStatus>> Load(
      const std::string& target_id) override {
    if (meanwhile) std::exchange(meanwhile, nullptr)();
    return inner_.Load(target_id);
  }
  absl::StatusOr<bool> Transition(const std::string& target_id, const std::string& unit,
                                  const ports::TargetStatus& expected,
                                  const ports::TargetStatus& next,
                                  const std::vector<ports::TargetEvent>& events) override {
    return inner_.Transition(target_id, unit, expected, next, events);
  }
  absl::StatusOr<std::vector<std::string>> RecentEvents(int limit) override {
    return inner_.RecentEvents(limit);
  }
  std::function<void()> meanwhile;

 private:
  ports::TargetStore& inner_;
};

// Replica B starts its evaluation at 23:59 of day 1 (95 % answered) and
// stalls; at midnight replica A breaches day 2 (75 %). B must judge the
// day its clock is in once it has the status — not day 1 against day 2's
// breach, which would publish a recovery nobody had.
TEST_F(TargetMonitorTest, AReplicaThatStalledOverMidnightJudgesTheNewDay) {
  clock_.Advance(absl::Hours(9) + absl::Minutes(59));  // 23:59 of 2026-12-02
  const domain::Window day1 = Today();
  SetCalls(reader_, day1, "ticketing-center", 100, 95);
  StallingStore stalling(store_);
  TargetMonitor replica_b(reader_, stalling, clock_, {AnswerRateTarget()}, config_);
  stalling.meanwhile = [&] {
    clock_.Advance(absl::Minutes(2));
    SetCalls(reader_, Today(), "ticketing-center", 20, 15);
    ASSERT_EQ(*monitor_->EvaluateOnce(), 1) << "replica A: day 2 breached";
  };
  ASSERT_TRUE(replica_b.EvaluateOnce().ok());
  ASSERT_EQ(Published().size(), 1u) << "day 2's breach, and nothing from B";
  EXPECT_EQ(Published()[0].type, TargetEventType::kBreached);
  EXPECT_EQ(Published()[0].period, "2026-12-03");
}

// Replica B's clock runs two minutes behind replica A's. At A's 00:01, A
// breaches day 2 (75 %); B, at 23:59 of day 1 (95 % answered), must not
// judge day 1 against day 2's breach and publish a recovery nobody had.
TEST_F(TargetMonitorTest, AReplicaWhoseClockLagsJudgesNothingDecidedInALaterWindow) {
  clock_.Advance(absl::Hours(9) + absl::Minutes(59));  // 23:59 of 2026-12-02
  SetCalls(reader_, Today(), "ticketing-center", 100, 95);
  sqms::testing::FakeClock lagging(clock_.Now());
  TargetMonitor replica_b(reader_, store_, lagging, {AnswerRateTarget()}, config_);
  clock_.Advance(absl::Minutes(2));
  SetCalls(reader_, Today(), "ticketing-center", 20, 15);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1) << "replica A: day 2 breached";
  ASSERT_EQ(*replica_b.EvaluateOnce(), 0) << "replica B, at 23:59";
  lagging.Advance(absl::Minutes(2));
  ASSERT_EQ(*replica_b.EvaluateOnce(), 0) << "replica B, at 00:01, agrees";
  ASSERT_EQ(Published().size(), 1u);
  EXPECT_EQ(Published()[0].period, "2026-12-03");
}

// Replica B's clock runs ten minutes behind, more than the grace. At A's
// 00:06, A closes day 1 (80 %: a first miss). B, at 23:56 of day 1, must
// not close day 0 after it: the status would go back to day 0, and A
// would count day 1's miss again — "missed repeatedly" for one miss.
TEST_F(TargetMonitorTest, AReplicaWhoseClockLagsPastTheGraceClosesNoWindowAgain) {
  SetCalls(reader_, Today(), "ticketing-center", 100, 80);
  clock_.Advance(absl::Hours(10) + absl::Minutes(6));  // 00:06 of 2026-12-03
  sqms::testing::FakeClock lagging(clock_.Now() - absl::Minutes(10));
  TargetMonitor replica_b(reader_, store_, lagging, {AnswerRateTarget()}, config_);
  ASSERT_TRUE(monitor_->EvaluateOnce().ok()) << "replica A: day 1 closed, one miss";
  ASSERT_EQ(*replica_b.EvaluateOnce(), 0) << "replica B, at 23:56";
  ASSERT_TRUE(monitor_->EvaluateOnce().ok());
  for (const ports::TargetEvent& e : Published()) {
    EXPECT_NE(e.type, TargetEventType::kMissedRepeatedly) << e.period;
  }
}

// A status decided months ahead came from a clock that was wrong, not
// skewed: the unit is judged as usual, not left alone until that date.
TEST_F(TargetMonitorTest, AStatusFromAClockFarAheadDoesNotSilenceTheUnit) {
  const std::string id = "answer_rate/department/*/day";
  const ports::TargetStatus ahead{domain::TargetState::kMet, 0, "2027-06-01", "2027-06-02"};
  ASSERT_TRUE(*store_.Transition(id, "ticketing-center", {}, ahead, {}));
  SetCalls(reader_, Today(), "ticketing-center", 20, 15);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  EXPECT_EQ(Published()[0].type, TargetEventType::kBreached);
  EXPECT_EQ(Published()[0].period, "2026-12-02");
}

TEST(InMemoryTargetStoreTest, KeepsTheTargetStoreContract) {
  testing::InMemoryTargetStore store;
  testing::ExpectTargetStoreContract(store);
}

}  // namespace
}  // namespace sqms::metrics::app
