#pragma once
// The contract every ports::TargetStore keeps, as GoogleTest checks: run by
// the in-memory fake's unit test and by the Redis adapter's integration test.

#include <gtest/gtest.h>

#include "services/metrics/ports/target_store.h"

namespace sqms::metrics::testing {

inline ports::TargetEvent SampleEvent() {
  ports::TargetEvent e;
  e.target.kpi = "answer_rate";
  e.target.dimension = "department";
  e.unit = "ticketing-center";
  e.period = "2026-12-02";
  e.value.value = 75.0;
  e.value.denominator = 20;
  e.at = absl::FromUnixSeconds(1764633600);
  return e;
}

// A fresh store: unknown statuses read as the default; a transition from the
// stored status applies once; a second one from the same (now stale)
// status is refused; targets and units are independent.
inline void ExpectTargetStoreContract(ports::TargetStore& store) {
  const std::string target = "answer_rate/department/*/day";
  auto loaded = store.Load(target);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(loaded->empty());

  ports::TargetStatus breached{domain::TargetState::kBreached, 1, "2026-12-01", "2026-12-02"};
  auto first = store.Transition(target, "ticketing-center", {}, breached, {SampleEvent()});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(*first);
  auto again = store.Transition(target, "ticketing-center", {}, breached, {SampleEvent()});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(*again) << "a second replica's stale transition must be refused";

  loaded = store.Load(target);
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ(loaded->at("ticketing-center"), breached);

  ports::TargetStatus met{domain::TargetState::kMet, 0, "2026-12-01", ""};
  auto other_unit = store.Transition(target, "customer-service", {}, met, {});
  ASSERT_TRUE(other_unit.ok() && *other_unit);
  auto other_target = store.Load("satisfaction_rate/total/*/month");
  ASSERT_TRUE(other_target.ok());
  EXPECT_TRUE(other_target->empty());
  loaded = store.Load(target);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->size(), 2u);

  // The one event queued (the refused transition's is not) is the recent one.
  auto recent = store.RecentEvents(10);
  ASSERT_TRUE(recent.ok()) << recent.status();
  EXPECT_EQ(recent->size(), 1u);
}

}  // namespace sqms::metrics::testing
