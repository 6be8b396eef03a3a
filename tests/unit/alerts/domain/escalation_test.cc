#include "services/alerts/domain/escalation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sqms::alerts::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

const absl::Time kOpened = absl::FromUnixSeconds(1767225600);  // 2026-01-01T00:00Z

// Tier 0 paged twice (repeats 1) five minutes apart, then tier 1 once,
// then tier 2 three times.
std::vector<Tier> Chain() {
  return {Tier{{"rotation:noc"}, {}, absl::Minutes(5), 1},
          Tier{{"role:duty-manager"}, {}, absl::Minutes(10), 0},
          Tier{{"role:director"}, {}, absl::Minutes(15), 2}};
}

TEST(NextStepTest, RepeatsATierBeforeMovingOn) {
  const auto chain = Chain();
  EXPECT_EQ(NextStep(chain, {0, 0}), (EscalationStep{0, 1}));
  EXPECT_EQ(NextStep(chain, {0, 1}), (EscalationStep{1, 0}));
  EXPECT_EQ(NextStep(chain, {1, 0}), (EscalationStep{2, 0}));
  EXPECT_EQ(NextStep(chain, {2, 1}), (EscalationStep{2, 2}));
}

TEST(NextStepTest, TheChainEndsAfterTheLastTiersLastRepeat) {
  EXPECT_EQ(NextStep(Chain(), {2, 2}), std::nullopt);
}

// The chain's end is not the end of the paging: the docs and the alert
// rules promise paging "until someone acknowledges".
TEST(NextDueTest, PastTheChainsEndTheLastTierIsDueAgainEveryItsAckTimeout) {
  const auto chain = Chain();
  EXPECT_EQ(DueStep(chain, {2, 2}), (EscalationStep{2, 2}));
  EXPECT_EQ(NextDue(chain, {2, 2}, kOpened), kOpened + absl::Minutes(15));
  EXPECT_EQ(NextDue(chain, {2, 2}, kOpened + absl::Minutes(15)), kOpened + absl::Minutes(30));

  const std::vector<Tier> one = {Tier{{"role:noc"}, {}, absl::Minutes(5), 0}};
  EXPECT_EQ(DueStep(one, {0, 0}), (EscalationStep{0, 0}));
  EXPECT_EQ(NextDue(one, {0, 0}, kOpened), kOpened + absl::Minutes(5));
}

TEST(NextDueTest, AStepOutsideTheChainIsDueByTheTierItMapsOnto) {
  const auto chain = Chain();
  EXPECT_EQ(NextDue(chain, {3, 0}, kOpened), kOpened + absl::Minutes(15)) << "tier 2";
  EXPECT_EQ(NextDue(chain, {-1, 0}, kOpened), kOpened + absl::Minutes(5)) << "tier 0";
  EXPECT_EQ(NextDue({}, {0, 0}, kOpened), std::nullopt) << "no chain, nothing due";
}

TEST(NextStepTest, AStepOutsideTheChainHasNoSuccessor) {
  const auto chain = Chain();
  EXPECT_EQ(NextStep(chain, {3, 0}), std::nullopt);
  EXPECT_EQ(NextStep(chain, {-1, 0}), std::nullopt);
  EXPECT_EQ(NextStep(chain, {1, 1}), std::nullopt);  // tier 1 has no repeats
  EXPECT_EQ(NextStep(chain, {0, -1}), std::nullopt);
  EXPECT_EQ(NextStep({}, {0, 0}), std::nullopt);
}

TEST(ClampStepTest, MapsAStepOntoAChainThatNoLongerContainsIt) {
  const auto chain = Chain();
  EXPECT_EQ(ClampStep(chain, {0, 1}), (EscalationStep{0, 1})) << "in the chain: unchanged";
  EXPECT_EQ(ClampStep(chain, {1, 3}), (EscalationStep{1, 0})) << "tier 1 has no repeats";
  EXPECT_EQ(ClampStep(chain, {5, 7}), (EscalationStep{2, 2})) << "past the last tier";
  EXPECT_EQ(ClampStep(chain, {-1, -1}), (EscalationStep{0, 0}));
}

TEST(DueStepTest, IsTheNextStepWhileTheChainIsUnchanged) {
  const auto chain = Chain();
  for (EscalationStep s : {EscalationStep{0, 0}, EscalationStep{0, 1}, EscalationStep{1, 0},
                           EscalationStep{2, 1}}) {
    EXPECT_EQ(DueStep(chain, s), NextStep(chain, s));
  }
}

TEST(DueStepTest, ContinuesWhenTheChainLostTheCurrentRepeat) {
  // Tier 0 paged twice under repeats 1; the plan now has tier 0 repeats 0.
  std::vector<Tier> changed = Chain();
  changed[0].repeats = 0;
  EXPECT_EQ(DueStep(changed, {0, 1}), (EscalationStep{1, 0}));
}

TEST(DueStepTest, RepeatsTheLastStepWhenTheChainNowEndsBeforeIt) {
  std::vector<Tier> shorter = Chain();
  shorter.resize(2);  // tiers 0 and 1 (no repeats)
  EXPECT_EQ(DueStep(shorter, {2, 1}), (EscalationStep{1, 0}));
  EXPECT_EQ(DueStep(shorter, {1, 0}), (EscalationStep{1, 0}));
  EXPECT_EQ(DueStep({}, {0, 0}), std::nullopt);
}

TEST(NextDueTest, IsTheCurrentTiersAckTimeoutAfterItsNotification) {
  const auto chain = Chain();
  EXPECT_EQ(NextDue(chain, {0, 0}, kOpened), kOpened + absl::Minutes(5));
  EXPECT_EQ(NextDue(chain, {1, 0}, kOpened), kOpened + absl::Minutes(10));
  EXPECT_EQ(NextDue(chain, {2, 0}, kOpened), kOpened + absl::Minutes(15));
}

// The chain once: the last tier's pages after its end (NextDue) go on
// until an acknowledgement and are not listed.
TEST(ScheduleTest, ListsEveryStepUntilTheEndOfTheChain) {
  EXPECT_THAT(Schedule(Chain(), kOpened),
              ElementsAre(Pair(EscalationStep{0, 0}, kOpened),
                          Pair(EscalationStep{0, 1}, kOpened + absl::Minutes(5)),
                          Pair(EscalationStep{1, 0}, kOpened + absl::Minutes(10)),
                          Pair(EscalationStep{2, 0}, kOpened + absl::Minutes(20)),
                          Pair(EscalationStep{2, 1}, kOpened + absl::Minutes(35)),
                          Pair(EscalationStep{2, 2}, kOpened + absl::Minutes(50))));
}

TEST(ScheduleTest, OneTierWithoutRepeatsIsOneNotification) {
  EXPECT_THAT(Schedule({Tier{{"role:noc"}, {}, absl::Seconds(30), 0}}, kOpened),
              ElementsAre(Pair(EscalationStep{0, 0}, kOpened)));
  EXPECT_THAT(Schedule({}, kOpened), IsEmpty());
}

}  // namespace
}  // namespace sqms::alerts::domain
