// ComplaintService::FireTimer, the SLA timer handler, driven the way
// runtime::DurableTimers drives it (fire each due timer; on OK remove it
// unless a write re-set it; on error keep it), with a FakeClock: at-risk,
// breach, stale timers, the paused clock, contention and store failures.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "services/complaints/app/complaint_service.h"
#include "tests/unit/complaints/app/complaint_service_fixture.h"

namespace sqms::complaints::app::testing {
namespace {

using domain::CommandKind;
using domain::EventType;
using domain::SlaTarget;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

class TimersTest : public ComplaintServiceTest {
 protected:
  void SetUp() override {
    ComplaintServiceTest::SetUp();
    if (HasFatalFailure()) return;
    t0_ = NowMs();
    id_ = Submitted(SafetyReport()).id;  // P1, 24x7: first response 24m/30m
  }

  // One pass of the timer loop over the in-memory timer set: how many
  // complaints changed, or the first error (the pass still goes on).
  absl::StatusOr<int> FireDue(int limit) {
    auto due = repo_.DueTimers(clock_.Now(), limit);
    if (!due.ok()) return due.status();
    int changed = 0;
    absl::Status first_error;
    for (const auto& timer : *due) {
      absl::StatusOr<bool> fired = service_->FireTimer(timer.complaint_id);
      if (!fired.ok()) {
        if (first_error.ok()) first_error = fired.status();
        continue;  // kept: fired again later
      }
      if (*fired) ++changed;
      if (auto s = repo_.DropTimer(timer); !s.ok() && first_error.ok()) first_error = s;
    }
    if (!first_error.ok()) return first_error;
    return changed;
  }

  int Fire() {
    auto fired = FireDue(100);
    EXPECT_TRUE(fired.ok()) << fired.status();
    return fired.ok() ? *fired : -1;
  }

  // The SLA events of `id`: (type, target).
  std::vector<std::pair<EventType, SlaTarget>> SlaEvents(const std::string& id) const {
    std::vector<std::pair<EventType, SlaTarget>> out;
    for (const auto& e : repo_.outbox()) {
      const domain::Event& ev = e.event.event;
      if (e.snapshot.id == id &&
          (ev.type == EventType::kSlaAtRisk || ev.type == EventType::kSlaBreached)) {
        out.push_back({ev.type, ev.sla_target});
      }
    }
    return out;
  }

  absl::Time t0_;
  std::string id_;
};

TEST_F(TimersTest, NothingFiresBeforeTheAtRiskMoment) {
  clock_.Set(t0_ + absl::Minutes(24) - absl::Milliseconds(1));
  EXPECT_EQ(Fire(), 0);
  EXPECT_THAT(SlaEvents(id_), IsEmpty());
  EXPECT_EQ(repo_.timers().size(), 4u);
}

TEST_F(TimersTest, AtRiskThenBreachEachFireOnce) {
  clock_.Set(t0_ + absl::Minutes(24));  // due timers include their own moment
  EXPECT_EQ(Fire(), 1);
  EXPECT_THAT(SlaEvents(id_), ElementsAre(Pair(EventType::kSlaAtRisk, SlaTarget::kFirstResponse)));
  EXPECT_THAT(breached_, IsEmpty());
  EXPECT_EQ(Fire(), 0) << "the at-risk timer is gone";

  clock_.Set(t0_ + absl::Minutes(30));
  EXPECT_EQ(Fire(), 1);
  EXPECT_THAT(SlaEvents(id_),
              ElementsAre(Pair(EventType::kSlaAtRisk, SlaTarget::kFirstResponse),
                          Pair(EventType::kSlaBreached, SlaTarget::kFirstResponse)));
  EXPECT_THAT(breached_, ElementsAre(Pair(id_, SlaTarget::kFirstResponse)));

  clock_.Advance(absl::Minutes(1));
  EXPECT_EQ(Fire(), 0);
  EXPECT_EQ(breached_.size(), 1u) << "a breach is reported once";

  auto stored = repo_.Get(id_, /*with_audit=*/true);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->version, 3);
  const domain::SlaDeadline* first = stored->sla.Find(SlaTarget::kFirstResponse);
  EXPECT_TRUE(first->at_risk);
  EXPECT_TRUE(first->breached);
  EXPECT_FALSE(stored->sla.Find(SlaTarget::kResolution)->at_risk);
  EXPECT_THAT(AuditActions(id_), ElementsAre("submit", "sla_at_risk", "sla_breached"));
  EXPECT_EQ(stored->audit.back().actor, "sla-timer");
  // Only the resolution timers are left.
  EXPECT_EQ(repo_.timers().size(), 2u);
  EXPECT_EQ(repo_.timers().front().first, t0_ + absl::Hours(3) + absl::Minutes(12));
}

TEST_F(TimersTest, JumpingPastTheDueTimeFiresBothInOneChange) {
  clock_.Set(t0_ + absl::Hours(1));
  // Two due timers of one complaint: the first change fires both moments,
  // the second timer then finds nothing to do and is dropped.
  EXPECT_EQ(Fire(), 1);
  EXPECT_THAT(SlaEvents(id_),
              ElementsAre(Pair(EventType::kSlaAtRisk, SlaTarget::kFirstResponse),
                          Pair(EventType::kSlaBreached, SlaTarget::kFirstResponse)));
  EXPECT_EQ(breached_.size(), 1u);
  EXPECT_EQ(StoredVersion(id_), 2) << "one write for both events";
  EXPECT_EQ(repo_.timers().size(), 2u);
}

TEST_F(TimersTest, StaleTimersAreDropped) {
  // A timer left from an older state (its moment has not really come) and
  // one whose complaint is gone: both dropped, nothing written.
  repo_.PlantTimer(id_, SlaTarget::kFirstResponse, /*breach=*/true, t0_ + absl::Minutes(1));
  repo_.PlantTimer("CMP-999999", SlaTarget::kResolution, /*breach=*/true, t0_ + absl::Minutes(1));
  clock_.Set(t0_ + absl::Minutes(2));
  EXPECT_EQ(Fire(), 0);
  EXPECT_EQ(repo_.updates(), 0);
  EXPECT_EQ(repo_.timers().size(), 4u) << "only the complaint's real timers remain";
  for (const auto& [at, member] : repo_.timers()) EXPECT_GE(at, t0_ + absl::Minutes(24));
  EXPECT_THAT(breached_, IsEmpty());
}

TEST_F(TimersTest, PausedComplaintIsNotBreached) {
  // In handling (first response met), then waiting on the customer.
  for (CommandKind kind : {CommandKind::kAssign, CommandKind::kStartHandling}) {
    ASSERT_TRUE(service_->Execute(id_, 0, MakeCommand(kind)).ok());
  }
  clock_.Set(t0_ + absl::Hours(1));
  ASSERT_TRUE(service_->Execute(id_, 0, MakeCommand(CommandKind::kWaitOnCustomer)).ok());
  // A paused clock has no SLA timers: only the wait's own end (72 h).
  const auto wait_end = ::testing::ElementsAre(Pair(t0_ + absl::Hours(1 + 72), ::testing::_));
  EXPECT_THAT(repo_.timers(), wait_end);

  // A timer the scan saw just before the pause committed is stale too.
  repo_.PlantTimer(id_, SlaTarget::kResolution, /*breach=*/true, t0_ + absl::Hours(4));
  clock_.Set(t0_ + absl::Hours(10));  // far past the original resolution due time
  EXPECT_EQ(Fire(), 0);
  EXPECT_THAT(SlaEvents(id_), IsEmpty());
  EXPECT_THAT(breached_, IsEmpty());
  EXPECT_THAT(repo_.timers(), wait_end);
  EXPECT_FALSE(repo_.Get(id_, false)->sla.Find(SlaTarget::kResolution)->breached);

  // Resumed after 9h paused, the 3h left at the pause run from now.
  ASSERT_TRUE(service_->Execute(id_, 0, MakeCommand(CommandKind::kResume)).ok());
  clock_.Set(t0_ + absl::Hours(13) - absl::Milliseconds(1));
  EXPECT_EQ(Fire(), 1);  // at risk (2h12m after resume)
  EXPECT_THAT(breached_, IsEmpty());
  clock_.Set(t0_ + absl::Hours(13));
  EXPECT_EQ(Fire(), 1);
  EXPECT_THAT(breached_, ElementsAre(Pair(id_, SlaTarget::kResolution)));
}

// Nobody resumed it: 72 h after the wait began the store's timer brings
// the complaint back IN_PROGRESS, its SLA timers again in the store.
TEST_F(TimersTest, AWaitNobodyEndsIsEndedByItsTimer) {
  for (CommandKind kind : {CommandKind::kAssign, CommandKind::kStartHandling}) {
    ASSERT_TRUE(service_->Execute(id_, 0, MakeCommand(kind)).ok());
  }
  clock_.Set(t0_ + absl::Hours(1));
  ASSERT_TRUE(service_->Execute(id_, 0, MakeCommand(CommandKind::kWaitOnCustomer)).ok());
  clock_.Set(t0_ + absl::Hours(73) - absl::Milliseconds(1));
  EXPECT_EQ(Fire(), 0);
  EXPECT_EQ(repo_.Get(id_, false)->status, domain::Status::kWaitingCustomer);
  clock_.Set(t0_ + absl::Hours(73));
  EXPECT_EQ(Fire(), 1);
  auto complaint = repo_.Get(id_, /*with_audit=*/true);
  ASSERT_TRUE(complaint.ok());
  EXPECT_EQ(complaint->status, domain::Status::kInProgress);
  EXPECT_FALSE(complaint->sla.paused);
  EXPECT_EQ(complaint->audit.back().action, "wait_expired");
  ASSERT_FALSE(repo_.timers().empty());
  EXPECT_GT(repo_.timers().front().first, t0_ + absl::Hours(73)) << "the resolution's, pushed back";
}

TEST_F(TimersTest, StateMovingOnBetweenScanAndReadIsNotFired) {
  // The scan returns the due timers; before the complaint is read an agent
  // starts handling it, which meets the first response.
  ASSERT_TRUE(service_->Execute(id_, 0, MakeCommand(CommandKind::kAssign)).ok());
  clock_.Set(t0_ + absl::Minutes(25));
  repo_.BeforeNext(Op::kGet, [&] {
    ASSERT_TRUE(service_->Execute(id_, 0, MakeCommand(CommandKind::kStartHandling)).ok());
  });
  EXPECT_EQ(Fire(), 0);
  EXPECT_THAT(SlaEvents(id_), IsEmpty());
}

TEST_F(TimersTest, LostCompareAndSetLeavesTheTimerForTheNextScan) {
  clock_.Set(t0_ + absl::Minutes(24));
  repo_.BeforeNext(Op::kUpdate, [&] { ASSERT_TRUE(repo_.SimulateConcurrentWrite(id_).ok()); });
  EXPECT_EQ(Fire(), 0);
  EXPECT_THAT(SlaEvents(id_), IsEmpty());
  EXPECT_EQ(repo_.timers().size(), 4u);
  EXPECT_EQ(Fire(), 1);
  EXPECT_THAT(SlaEvents(id_), ElementsAre(Pair(EventType::kSlaAtRisk, SlaTarget::kFirstResponse)));
}

TEST_F(TimersTest, LimitBoundsOneScan) {
  for (int i = 0; i < 3; ++i) {
    domain::Submission s = SafetyReport();
    s.complainant.phone = "1370013700" + std::to_string(i);
    Submitted(s);
  }
  clock_.Set(t0_ + absl::Minutes(24));
  auto first = FireDue(2);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, 2);
  EXPECT_EQ(Fire(), 2);
}

TEST_F(TimersTest, StoreUnavailablePropagates) {
  clock_.Set(t0_ + absl::Hours(1));
  repo_.SetDown(absl::UnavailableError("redis down"));
  EXPECT_EQ(FireDue(100).status().code(), absl::StatusCode::kUnavailable);
  repo_.SetDown(absl::OkStatus());
  // Down between the read and the write.
  repo_.BeforeNext(Op::kUpdate, [&] { repo_.SetDown(absl::UnavailableError("redis down")); });
  EXPECT_EQ(FireDue(100).status().code(), absl::StatusCode::kUnavailable);
  repo_.SetDown(absl::OkStatus());
  EXPECT_THAT(breached_, IsEmpty());
  EXPECT_EQ(StoredVersion(id_), 1);
  EXPECT_EQ(Fire(), 1) << "the timers survived the outage";
}

TEST_F(TimersTest, FiringOneMomentTwiceReportsItOnce) {
  // At-least-once timers: a crash after the write but before the timer's
  // completion fires it again; the second fire finds it marked already.
  clock_.Set(t0_ + absl::Minutes(30));
  auto first = service_->FireTimer(id_);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(*first);
  auto second = service_->FireTimer(id_);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(*second);
  EXPECT_EQ(StoredVersion(id_), 2);
  EXPECT_EQ(breached_.size(), 1u);
}

TEST_F(TimersTest, TwoReplicasFiringAtOnceWriteOnce) {
  // Both read version 1; the one that writes second loses the version
  // compare-and-set and reports nothing.
  clock_.Set(t0_ + absl::Minutes(30));
  repo_.BeforeNext(Op::kUpdate, [&] {
    auto inner = service_->FireTimer(id_);
    ASSERT_TRUE(inner.ok());
    EXPECT_TRUE(*inner);
  });
  auto outer = service_->FireTimer(id_);
  ASSERT_TRUE(outer.ok()) << outer.status();
  EXPECT_FALSE(*outer);
  EXPECT_EQ(StoredVersion(id_), 2);
  EXPECT_EQ(breached_.size(), 1u);
  EXPECT_THAT(SlaEvents(id_),
              ElementsAre(Pair(EventType::kSlaAtRisk, SlaTarget::kFirstResponse),
                          Pair(EventType::kSlaBreached, SlaTarget::kFirstResponse)));
}

TEST_F(TimersTest, ForeignIdIsNothingToFire) {
  auto fired = service_->FireTimer("not-a-complaint");
  ASSERT_TRUE(fired.ok()) << fired.status();
  EXPECT_FALSE(*fired);
}

}  // namespace
}  // namespace sqms::complaints::app::testing
