#include "services/alerts/domain/linked_complaints.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sqms::alerts::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(LinkedOnOpeningTest, TheCountedComplaintsOldestFirstThenTheOpeningOne) {
  EXPECT_THAT(LinkedOnOpening({"c-1", "c-2"}, "c-3", 10), ElementsAre("c-1", "c-2", "c-3"));
}

TEST(LinkedOnOpeningTest, WithoutACountOnlyTheOpeningComplaint) {
  EXPECT_THAT(LinkedOnOpening({}, "c-1", 10), ElementsAre("c-1"));
  EXPECT_THAT(LinkedOnOpening({}, "", 10), IsEmpty());
}

TEST(LinkedOnOpeningTest, EachComplaintOnceAtItsFirstPlace) {
  EXPECT_THAT(LinkedOnOpening({"c-1", "c-2", "c-1", "c-3"}, "c-2", 10),
              ElementsAre("c-1", "c-2", "c-3"));
}

TEST(LinkedOnOpeningTest, EmptyIdsAreSkipped) {
  EXPECT_THAT(LinkedOnOpening({"", "c-1", ""}, "", 10), ElementsAre("c-1"));
}

TEST(LinkedOnOpeningTest, AtTheCapTheNewestCountedMakeRoomForTheOpeningComplaint) {
  EXPECT_THAT(LinkedOnOpening({"c-1", "c-2", "c-3", "c-4"}, "c-9", 3),
              ElementsAre("c-1", "c-2", "c-9"));
  EXPECT_THAT(LinkedOnOpening({"c-1", "c-2", "c-3", "c-4"}, "", 3),
              ElementsAre("c-1", "c-2", "c-3"));
  EXPECT_THAT(LinkedOnOpening({"c-1", "c-2"}, "c-9", 1), ElementsAre("c-9"));
  EXPECT_THAT(LinkedOnOpening({"c-1"}, "c-9", 0), IsEmpty());
}

TEST(LinkedOnOpeningTest, AnOpeningComplaintCountedEarlyTakesNoExtraPlace) {
  EXPECT_THAT(LinkedOnOpening({"c-1", "c-2", "c-3", "c-4"}, "c-2", 3),
              ElementsAre("c-1", "c-2", "c-3"));
  EXPECT_THAT(LinkedOnOpening({"c-1", "c-2", "c-3", "c-4"}, "c-4", 3),
              ElementsAre("c-1", "c-2", "c-4"))
      << "counted past the cap: still linked";
}

}  // namespace
}  // namespace sqms::alerts::domain
