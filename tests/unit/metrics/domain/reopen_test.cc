#include "services/metrics/domain/reopen.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/metrics/domain/counters.h"

namespace sqms::metrics::domain {
namespace {

const absl::Time kResolved = absl::FromUnixSeconds(1'790'000'000);
const absl::Time kReopened = kResolved + absl::Hours(50);

Event Reopen(int32_t reopen_count, std::optional<absl::Time> resolved_at) {
  Event e;
  e.id = "evt-reopen";
  e.occurred_at = kReopened;
  e.dimensions.department = "ticketing-center";
  e.dimensions.agent = "agent-7";
  e.body = ComplaintReopened{.reopen_count = reopen_count, .resolved_at = resolved_at};
  return e;
}

TEST(RevocationOfTest, TheFirstReopenRevokesTheFirstResolutionInItsWindow) {
  const std::optional<Event> revoked = RevocationOf(Reopen(1, kResolved));
  ASSERT_TRUE(revoked.has_value());
  EXPECT_EQ(revoked->occurred_at, kResolved) << "dated at the resolution, not the reopen";
  EXPECT_EQ(revoked->id, "evt-reopen");
  EXPECT_EQ(revoked->dimensions, Reopen(1, kResolved).dimensions);
  EXPECT_FALSE(revoked->drill);
  EXPECT_TRUE(std::holds_alternative<ComplaintResolutionRevoked>(revoked->body));
  EXPECT_EQ(EventTypeName(revoked->body), "complaint_resolution_revoked");
}

TEST(RevocationOfTest, ADrillRevocationStaysADrill) {
  Event e = Reopen(1, kResolved);
  e.drill = true;
  EXPECT_TRUE(RevocationOf(e)->drill);
}

TEST(RevocationOfTest, LaterReopensRevokeNothing) {
  // The second resolution was never a first one: nothing was counted.
  EXPECT_EQ(RevocationOf(Reopen(2, kResolved)), std::nullopt);
  EXPECT_EQ(RevocationOf(Reopen(5, kResolved)), std::nullopt);
}

TEST(RevocationOfTest, AReopenWithoutAKnownResolutionCountsNothing) {
  EXPECT_EQ(RevocationOf(Reopen(1, std::nullopt)), std::nullopt);
  EXPECT_EQ(RevocationOf(Reopen(0, kResolved)), std::nullopt) << "inconsistent count";
  EXPECT_EQ(RevocationOf(Reopen(1, kReopened + absl::Seconds(1))), std::nullopt)
      << "a resolution after the reopen is not the one it reopens";
  EXPECT_TRUE(RevocationOf(Reopen(1, kReopened)).has_value()) << "the same instant is fine";
}

TEST(RevocationOfTest, OnlyReopensRevoke) {
  Event resolved = Reopen(1, kResolved);
  resolved.body = ComplaintResolved{.seconds = 60, .sla = SlaMet::kOnTime, .reopens_before = 0};
  EXPECT_EQ(RevocationOf(resolved), std::nullopt);
}

}  // namespace
}  // namespace sqms::metrics::domain
