// The AlertStore contract, part 5: counting windows — Count (distinct
// members within `within` of the window's newest, idempotent per member,
// late members refused) and the complaint ids
// kept with their members (CountedComplaints: oldest first, each once,
// dropped with their members).

#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/alerts/alert_store_contract.h"
#include "tests/support/alerts/contract_helpers.h"

namespace sqms::alerts::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Duration kWithin = absl::Minutes(10);

absl::Time At(int minutes) { return kT0 + absl::Minutes(minutes); }

TEST_P(AlertStoreContractTest, CountCountsDistinctMembersInTheWindow) {
  EXPECT_EQ(ValueOf(store().Count("w", "a", "", At(0), kWithin)), 1);
  EXPECT_EQ(ValueOf(store().Count("w", "b", "", At(1), kWithin)), 2);
  EXPECT_EQ(ValueOf(store().Count("w", "c", "", At(2), kWithin)), 3);
}

TEST_P(AlertStoreContractTest, CountIsIdempotentPerMember) {
  EXPECT_EQ(ValueOf(store().Count("w", "a", "c-a", At(0), kWithin)), 1);
  EXPECT_EQ(ValueOf(store().Count("w", "a", "c-a", At(0), kWithin)), 1);
  EXPECT_EQ(ValueOf(store().Count("w", "a", "c-a", At(1), kWithin)), 1);
  EXPECT_THAT(ValueOf(store().CountedComplaints("w", At(1), kWithin, 10)), ElementsAre("c-a"));
}

TEST_P(AlertStoreContractTest, CountDropsMembersOlderThanTheWindow) {
  ASSERT_EQ(ValueOf(store().Count("w", "a", "", At(0), kWithin)), 1);
  ASSERT_EQ(ValueOf(store().Count("w", "b", "", At(1), kWithin)), 2);
  // At +11 min the window starts at +1 min: "a" is out, "b" (exactly at
  // the start) still in.
  EXPECT_EQ(ValueOf(store().Count("w", "c", "", At(11), kWithin)), 2);
  EXPECT_EQ(ValueOf(store().Count("w", "d", "", At(30), kWithin)), 1);
}

TEST_P(AlertStoreContractTest, ALateMemberCountsWithinTheWindowOfTheNewest) {
  ASSERT_EQ(ValueOf(store().Count("w", "a", "c-a", At(30), kWithin)), 1);
  // Earlier than "a" but inside its window (+20 .. +30 min): counts.
  EXPECT_EQ(ValueOf(store().Count("w", "b", "c-b", At(25), kWithin)), 2);
  EXPECT_EQ(ValueOf(store().Count("w", "c", "c-c", At(20), kWithin)), 3)
      << "exactly at the window's start is inside";
  // Before +20 min: too late, it changes nothing.
  EXPECT_EQ(ValueOf(store().Count("w", "d", "c-d", At(15), kWithin)), 0);
  EXPECT_THAT(ValueOf(store().CountedComplaints("w", At(30), kWithin, 10)),
              ElementsAre("c-c", "c-b", "c-a"));
  EXPECT_EQ(ValueOf(store().Count("w", "e", "", At(31), kWithin)), 3) << "c left, d never came";
}

TEST_P(AlertStoreContractTest, AMemberCountedLateDoesNotStretchTheWindow) {
  // Two alerts at +115 and +118 min; then an alert kept since +0 (muted)
  // is decided again and counted at its own time. Counting it with the
  // two would be three alerts within 10 minutes that lie two hours apart.
  ASSERT_EQ(ValueOf(store().Count("w", "b", "c-b", At(115), kWithin)), 1);
  ASSERT_EQ(ValueOf(store().Count("w", "c", "c-c", At(118), kWithin)), 2);
  EXPECT_EQ(ValueOf(store().Count("w", "a", "c-a", At(0), kWithin)), 0);
  EXPECT_THAT(ValueOf(store().CountedComplaints("w", At(0), kWithin, 10)),
              ElementsAre("c-b", "c-c"));
}

TEST_P(AlertStoreContractTest, AMemberCountedAgainAtAnEarlierTimeKeepsItsLatest) {
  ASSERT_EQ(ValueOf(store().Count("w", "a", "c-a", At(5), kWithin)), 1);
  ASSERT_EQ(ValueOf(store().Count("w", "b", "c-b", At(6), kWithin)), 2);
  ASSERT_EQ(ValueOf(store().Count("w", "a", "c-a", At(0), kWithin)), 2);
  // The window is now +4 .. +14 min: "a" is still at +5, so inside.
  EXPECT_EQ(ValueOf(store().Count("w", "c", "c-c", At(14), kWithin)), 3);
}

TEST_P(AlertStoreContractTest, CountWindowsAreIndependentPerKey) {
  ASSERT_EQ(ValueOf(store().Count("w1", "a", "c-1", At(0), kWithin)), 1);
  EXPECT_EQ(ValueOf(store().Count("w2", "a", "c-2", At(0), kWithin)), 1);
  EXPECT_EQ(ValueOf(store().Count("w2", "b", "c-3", At(0), kWithin)), 2);
  EXPECT_THAT(ValueOf(store().CountedComplaints("w1", At(0), kWithin, 10)), ElementsAre("c-1"));
  EXPECT_THAT(ValueOf(store().CountedComplaints("w2", At(0), kWithin, 10)),
              ElementsAre("c-2", "c-3"));
}

TEST_P(AlertStoreContractTest, CountedComplaintsAreTheMembersOldestFirst) {
  ASSERT_EQ(ValueOf(store().Count("w", "m-z", "c-1", At(0), kWithin)), 1);
  ASSERT_EQ(ValueOf(store().Count("w", "m-y", "c-2", At(1), kWithin)), 2);
  ASSERT_EQ(ValueOf(store().Count("w", "m-x", "c-3", At(2), kWithin)), 3);
  EXPECT_THAT(ValueOf(store().CountedComplaints("w", At(2), kWithin, 10)),
              ElementsAre("c-1", "c-2", "c-3"))
      << "by time, not by member";
}

TEST_P(AlertStoreContractTest, CountedComplaintsOfOneTimeComeByMember) {
  ASSERT_EQ(ValueOf(store().Count("w", "m-2", "c-2", At(0), kWithin)), 1);
  ASSERT_EQ(ValueOf(store().Count("w", "m-1", "c-1", At(0), kWithin)), 2);
  EXPECT_THAT(ValueOf(store().CountedComplaints("w", At(0), kWithin, 10)),
              ElementsAre("c-1", "c-2"));
}

TEST_P(AlertStoreContractTest, MembersWithoutAComplaintIdCountButLinkNothing) {
  ASSERT_EQ(ValueOf(store().Count("w", "a", "c-a", At(0), kWithin)), 1);
  ASSERT_EQ(ValueOf(store().Count("w", "b", "", At(1), kWithin)), 2);
  ASSERT_EQ(ValueOf(store().Count("w", "c", "c-c", At(2), kWithin)), 3);
  EXPECT_THAT(ValueOf(store().CountedComplaints("w", At(2), kWithin, 10)),
              ElementsAre("c-a", "c-c"));
  ASSERT_EQ(ValueOf(store().Count("w2", "a", "", At(0), kWithin)), 1);
  EXPECT_THAT(ValueOf(store().CountedComplaints("w2", At(0), kWithin, 10)), IsEmpty());
}

TEST_P(AlertStoreContractTest, AWindowNeverCountedHasNoComplaints) {
  EXPECT_THAT(ValueOf(store().CountedComplaints("none", At(0), kWithin, 10)), IsEmpty());
}

TEST_P(AlertStoreContractTest, AMemberCountedAgainMovesToItsLatestTime) {
  ASSERT_EQ(ValueOf(store().Count("w", "a", "c-a", At(0), kWithin)), 1);
  ASSERT_EQ(ValueOf(store().Count("w", "b", "c-b", At(1), kWithin)), 2);
  ASSERT_EQ(ValueOf(store().Count("w", "a", "c-a", At(2), kWithin)), 2);
  EXPECT_THAT(ValueOf(store().CountedComplaints("w", At(2), kWithin, 10)),
              ElementsAre("c-b", "c-a"));
  // Counted again without a complaint id: it has none any more.
  ASSERT_EQ(ValueOf(store().Count("w", "b", "", At(3), kWithin)), 2);
  EXPECT_THAT(ValueOf(store().CountedComplaints("w", At(3), kWithin, 10)), ElementsAre("c-a"));
}

TEST_P(AlertStoreContractTest, ACountedComplaintComesOnceAtItsOldestMember) {
  ASSERT_EQ(ValueOf(store().Count("w", "a", "c-1", At(0), kWithin)), 1);
  ASSERT_EQ(ValueOf(store().Count("w", "b", "c-2", At(1), kWithin)), 2);
  ASSERT_EQ(ValueOf(store().Count("w", "c", "c-1", At(2), kWithin)), 3);
  EXPECT_THAT(ValueOf(store().CountedComplaints("w", At(2), kWithin, 10)),
              ElementsAre("c-1", "c-2"));
}

TEST_P(AlertStoreContractTest, CountedComplaintsStopAtTheLimitOfDistinctIds) {
  // 300 members (more than one page of the Redis script), two per complaint.
  for (int i = 0; i < 300; ++i) {
    ASSERT_EQ(ValueOf(store().Count("w", absl::StrCat("m-", 1000 + i),
                                    absl::StrCat("c-", 1000 + i / 2), At(0), kWithin)),
              i + 1);
  }
  std::vector<std::string> want;
  for (int i = 0; i < 140; ++i) want.push_back(absl::StrCat("c-", 1000 + i));
  EXPECT_EQ(ValueOf(store().CountedComplaints("w", At(0), kWithin, 140)), want);
  EXPECT_EQ(ValueOf(store().CountedComplaints("w", At(0), kWithin, 1000)).size(), 150u);
  EXPECT_THAT(ValueOf(store().CountedComplaints("w", At(0), kWithin, 0)), IsEmpty());
}

TEST_P(AlertStoreContractTest, CountedComplaintsLeaveOutMembersOutsideTheWindowAtTheirTime) {
  ASSERT_EQ(ValueOf(store().Count("w", "a", "c-a", At(0), kWithin)), 1);
  ASSERT_EQ(ValueOf(store().Count("w", "b", "c-b", At(5), kWithin)), 2);
  // At +12 min "a" is outside the window though no Count dropped it yet.
  EXPECT_THAT(ValueOf(store().CountedComplaints("w", At(12), kWithin, 10)), ElementsAre("c-b"));
  EXPECT_THAT(ValueOf(store().CountedComplaints("w", At(10), kWithin, 10)),
              ElementsAre("c-a", "c-b"))
      << "exactly at the window's start is inside";
}

TEST_P(AlertStoreContractTest, CountDropsTheComplaintIdsOfTheMembersItDrops) {
  ASSERT_EQ(ValueOf(store().Count("w", "a", "c-a", At(0), kWithin)), 1);
  ASSERT_EQ(ValueOf(store().Count("w", "b", "c-b", At(1), kWithin)), 2);
  ASSERT_EQ(ValueOf(store().Count("w", "c", "c-c", At(11), kWithin)), 2);
  // Asked at a time whose window would still hold "a": it is gone.
  EXPECT_THAT(ValueOf(store().CountedComplaints("w", At(0), kWithin, 10)),
              ElementsAre("c-b", "c-c"));
  // Counted again, "a" comes back with its complaint id from that Count only.
  ASSERT_EQ(ValueOf(store().Count("w", "a", "", At(11), kWithin)), 3);
  EXPECT_THAT(ValueOf(store().CountedComplaints("w", At(11), kWithin, 10)),
              ElementsAre("c-b", "c-c"));
}

}  // namespace
}  // namespace sqms::alerts::testing
