#pragma once
// app::ContactIntake on the in-memory contact store, the test triage config
// and a clock fixed at kNow: the fixture of the contact intake tests.

#include <gtest/gtest.h>

#include <memory>

#include "absl/time/time.h"
#include "services/complaints/app/contact_intake.h"
#include "sqms/events/v1/contact_event.pb.h"
#include "tests/unit/complaints/domain/test_config.h"
#include "tests/unit/complaints/in_memory_contact_event_store.h"

namespace sqms::complaints::testing {

inline const absl::Time kIntakeNow = absl::FromUnixSeconds(1'790'000'000);

class FixedIntakeClock : public runtime::Clock {
 public:
  absl::Time Now() const override { return kIntakeNow; }
};

class ContactIntakeFixture : public ::testing::Test {
 protected:
  // The payload published last.
  events::v1::ContactEvent LastPublished() {
    events::v1::ContactEvent p;
    EXPECT_TRUE(p.ParseFromString(store_.Published().back()));
    return p;
  }

  InMemoryContactEventStore store_;
  FixedIntakeClock clock_;
  app::TriageSource triage_{
      std::make_shared<const domain::Triage>(domain::test_support::TestTriageConfig())};
  app::ContactIntake intake_{store_, clock_, "test-pii-key", triage_};
};

}  // namespace sqms::complaints::testing
