#include "services/alerts/domain/incident.h"

#include <gtest/gtest.h>

namespace sqms::alerts::domain {
namespace {

using Cmd = IncidentCommandKind;
using S = IncidentState;

TEST(IncidentStateTest, NamesRoundTrip) {
  for (S s : {S::kTriggered, S::kAcknowledged, S::kMitigating, S::kResolved, S::kClosed}) {
    EXPECT_EQ(ParseIncidentState(IncidentStateName(s)), s);
  }
  EXPECT_EQ(IncidentStateName(S::kMitigating), "mitigating");
  EXPECT_EQ(ParseIncidentState("open"), std::nullopt);
}

TEST(IncidentStateTest, ActiveUntilResolved) {
  EXPECT_TRUE(IsActive(S::kTriggered));
  EXPECT_TRUE(IsActive(S::kAcknowledged));
  EXPECT_TRUE(IsActive(S::kMitigating));
  EXPECT_FALSE(IsActive(S::kResolved));
  EXPECT_FALSE(IsActive(S::kClosed));
}

TEST(ApplyTest, AllowedTransitions) {
  struct Case {
    S from;
    Cmd command;
    S to;
  } cases[] = {
      {S::kTriggered, Cmd::kAcknowledge, S::kAcknowledged},
      {S::kTriggered, Cmd::kMitigate, S::kMitigating},
      {S::kAcknowledged, Cmd::kMitigate, S::kMitigating},
      {S::kTriggered, Cmd::kResolve, S::kResolved},
      {S::kAcknowledged, Cmd::kResolve, S::kResolved},
      {S::kMitigating, Cmd::kResolve, S::kResolved},
      {S::kResolved, Cmd::kClose, S::kClosed},
      {S::kAcknowledged, Cmd::kReopenAck, S::kTriggered},
  };
  for (const Case& c : cases) {
    auto to = Apply(c.from, c.command);
    ASSERT_TRUE(to.ok()) << IncidentStateName(c.from) << ": " << to.status();
    EXPECT_EQ(*to, c.to) << IncidentStateName(c.from);
  }
}

TEST(ApplyTest, RefusedTransitionsNameCommandAndState) {
  auto again = Apply(S::kAcknowledged, Cmd::kAcknowledge);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.status().message(), "cannot acknowledge an acknowledged incident");
  EXPECT_EQ(Apply(S::kResolved, Cmd::kAcknowledge).status().message(),
            "cannot acknowledge a resolved incident");
  EXPECT_EQ(Apply(S::kTriggered, Cmd::kClose).status().message(),
            "cannot close a triggered incident");
  EXPECT_EQ(Apply(S::kClosed, Cmd::kResolve).status().message(),
            "cannot resolve a closed incident");
  EXPECT_FALSE(Apply(S::kMitigating, Cmd::kAcknowledge).ok());
  EXPECT_FALSE(Apply(S::kMitigating, Cmd::kMitigate).ok());
  EXPECT_FALSE(Apply(S::kResolved, Cmd::kMitigate).ok());
  EXPECT_FALSE(Apply(S::kResolved, Cmd::kResolve).ok());
  EXPECT_FALSE(Apply(S::kClosed, Cmd::kClose).ok());
  // Only an acknowledgement can expire.
  EXPECT_FALSE(Apply(S::kTriggered, Cmd::kReopenAck).ok());
  EXPECT_FALSE(Apply(S::kMitigating, Cmd::kReopenAck).ok());
  EXPECT_FALSE(Apply(S::kResolved, Cmd::kReopenAck).ok());
}

}  // namespace
}  // namespace sqms::alerts::domain
