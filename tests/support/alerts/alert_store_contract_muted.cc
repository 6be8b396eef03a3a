// The AlertStore contract, part 4: kept muted alerts (KeepMuted, GetMuted,
// ListMuted, DropMuted, DropResolved, RecordedEnd).

#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "tests/support/alerts/alert_store_contract.h"
#include "tests/support/alerts/contract_helpers.h"

namespace sqms::alerts::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// A KPI breach of answer_rate at department D, muted for plan "answer" by
// incident inc-outage.
ports::MutedAlert AnswerRateBreach(const std::string& fingerprint, const std::string& department) {
  ports::MutedAlert m;
  m.fingerprint = fingerprint;
  m.alert.id = "evt-1";
  m.alert.source = "metrics";
  m.alert.labels = {
      {"alertname", "kpi_breached"}, {"kpi", "answer_rate"}, {"department", department}};
  m.alert.annotations = {{"value", "71.5"}, {"threshold", "90"}};
  m.alert.at = kT0;
  m.mutes = {{.plan_id = "answer", .silence_id = "", .inhibited_by = "inc-outage"}};
  m.kept_at = kT0 + absl::Seconds(1);
  return m;
}

TEST_P(AlertStoreContractTest, AKeptMutedAlertRoundTrips) {
  ports::MutedAlert kept = AnswerRateBreach("fp-1", "ticketing");
  kept.mutes.push_back({.plan_id = "manual", .silence_id = "sil-1", .inhibited_by = ""});
  ASSERT_TRUE(store().KeepMuted(kept, absl::InfiniteFuture()).ok());

  std::optional<ports::MutedAlert> got = ValueOf(store().GetMuted("fp-1"));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->fingerprint, "fp-1");
  EXPECT_EQ(got->alert.id, "evt-1");
  EXPECT_EQ(got->alert.source, "metrics");
  EXPECT_EQ(got->alert.labels, kept.alert.labels);
  EXPECT_EQ(got->alert.annotations, kept.alert.annotations);
  EXPECT_TRUE(got->alert.firing);
  EXPECT_FALSE(got->alert.drill);
  EXPECT_EQ(got->alert.at, kT0);
  EXPECT_EQ(got->kept_at, kT0 + absl::Seconds(1));
  ASSERT_EQ(got->mutes.size(), 2u);
  EXPECT_EQ(got->mutes[0].plan_id, "answer");
  EXPECT_EQ(got->mutes[0].inhibited_by, "inc-outage");
  EXPECT_EQ(got->mutes[0].silence_id, "");
  EXPECT_EQ(got->mutes[1].plan_id, "manual");
  EXPECT_EQ(got->mutes[1].silence_id, "sil-1");
  EXPECT_EQ(ValueOf(store().GetMuted("fp-none")), std::nullopt);
}

TEST_P(AlertStoreContractTest, KeepingAMutedAlertAgainReplacesItByFingerprint) {
  ASSERT_TRUE(store().KeepMuted(AnswerRateBreach("fp-1", "ticketing"), kT0).ok());
  ASSERT_TRUE(store().KeepMuted(AnswerRateBreach("fp-2", "hotline"), kT0).ok());
  ports::MutedAlert again = AnswerRateBreach("fp-1", "ticketing");
  again.mutes = {{.plan_id = "answer", .silence_id = "sil-9", .inhibited_by = ""}};
  ASSERT_TRUE(store().KeepMuted(again, kT0 + absl::Hours(1)).ok());

  std::vector<ports::MutedAlert> all = ValueOf(store().ListMuted());
  std::vector<std::string> fingerprints;
  for (const ports::MutedAlert& m : all) {
    fingerprints.push_back(m.fingerprint);
    if (m.fingerprint == "fp-1") {
      ASSERT_EQ(m.mutes.size(), 1u);
      EXPECT_EQ(m.mutes[0].silence_id, "sil-9");
    }
  }
  EXPECT_THAT(fingerprints, UnorderedElementsAre("fp-1", "fp-2"));
}

TEST_P(AlertStoreContractTest, ADroppedMutedAlertIsGoneAndDroppingNoneIsOk) {
  ASSERT_TRUE(store().KeepMuted(AnswerRateBreach("fp-1", "ticketing"), kT0).ok());
  ASSERT_TRUE(store().KeepMuted(AnswerRateBreach("fp-2", "hotline"), kT0).ok());
  ASSERT_TRUE(store().DropMuted("fp-1", "evt-1").ok());
  ASSERT_TRUE(store().DropMuted("fp-1", "evt-1").ok());
  ASSERT_TRUE(store().DropMuted("fp-none", "evt-1").ok());

  EXPECT_EQ(ValueOf(store().GetMuted("fp-1")), std::nullopt);
  std::vector<std::string> left;
  for (const ports::MutedAlert& m : ValueOf(store().ListMuted())) left.push_back(m.fingerprint);
  EXPECT_THAT(left, ElementsAre("fp-2"));
  ASSERT_TRUE(store().DropMuted("fp-2", "evt-1").ok());
  EXPECT_THAT(ValueOf(store().ListMuted()), IsEmpty());
}

// A decision made again from a kept copy keeps it only while it is kept:
// a resolution that dropped it meanwhile stays final.
TEST_P(AlertStoreContractTest, KeepingIfKeptBringsBackNoDroppedAlert) {
  ASSERT_TRUE(store().KeepMuted(AnswerRateBreach("fp-1", "ticketing"), kT0).ok());
  ports::MutedAlert again = AnswerRateBreach("fp-1", "ticketing");
  again.mutes = {{.plan_id = "answer", .silence_id = "sil-9", .inhibited_by = ""}};
  EXPECT_TRUE(ValueOf(store().KeepMutedIfKept(again, kT0 + absl::Hours(1))));
  std::optional<ports::MutedAlert> got = ValueOf(store().GetMuted("fp-1"));
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->mutes.size(), 1u);
  EXPECT_EQ(got->mutes[0].silence_id, "sil-9") << "replaced";

  ASSERT_TRUE(store().DropMuted("fp-1", "evt-1").ok());
  EXPECT_FALSE(ValueOf(store().KeepMutedIfKept(again, kT0 + absl::Hours(2))));
  EXPECT_EQ(ValueOf(store().GetMuted("fp-1")), std::nullopt);
  EXPECT_THAT(ValueOf(store().ListMuted()), IsEmpty());
}

// A decision made again from an old firing's kept copy, after its
// resolution dropped it and a newer firing of the same labels was kept,
// neither replaces nor drops the newer one; its own alert (same id) it
// does, whatever its start (a RaiseAlert retry is stamped anew).
TEST_P(AlertStoreContractTest, KeepingIfKeptAndDroppingTouchOnlyTheSameAlert) {
  ports::MutedAlert newer = AnswerRateBreach("fp-1", "ticketing");
  newer.alert.id = "evt-2";
  newer.alert.at = kT0 + absl::Hours(1);
  ASSERT_TRUE(ValueOf(store().KeepMuted(newer, kT0 + absl::Hours(3))));
  ports::MutedAlert old = AnswerRateBreach("fp-1", "ticketing");  // evt-1
  old.mutes = {{.plan_id = "answer", .silence_id = "sil-9", .inhibited_by = ""}};
  EXPECT_FALSE(ValueOf(store().KeepMutedIfKept(old, kT0 + absl::Hours(2))));
  ASSERT_TRUE(store().DropMuted("fp-1", "evt-1").ok());
  std::optional<ports::MutedAlert> got = ValueOf(store().GetMuted("fp-1"));
  ASSERT_TRUE(got.has_value()) << "the newer firing stays kept";
  EXPECT_EQ(got->alert.id, "evt-2");
  EXPECT_EQ(got->mutes[0].inhibited_by, "inc-outage") << "not replaced";

  ports::MutedAlert retried = newer;
  retried.alert.at = kT0 + absl::Hours(1) + absl::Seconds(7);
  retried.mutes = old.mutes;
  EXPECT_TRUE(ValueOf(store().KeepMutedIfKept(retried, kT0 + absl::Hours(2))));
  EXPECT_EQ(ValueOf(store().GetMuted("fp-1"))->mutes[0].silence_id, "sil-9");
  ASSERT_TRUE(store().DropMuted("fp-1", "evt-2").ok());
  EXPECT_EQ(ValueOf(store().GetMuted("fp-1")), std::nullopt);
  EXPECT_THAT(ValueOf(store().ListMuted()), IsEmpty());
}

TEST_P(AlertStoreContractTest, TheRecordedEndIsTheLatestOneInMilliseconds) {
  EXPECT_EQ(ValueOf(store().RecordedEnd("fp-1")), absl::InfinitePast()) << "none yet";
  ASSERT_TRUE(store().DropResolved("fp-1", kT0 + absl::Microseconds(9500)).ok());
  EXPECT_EQ(ValueOf(store().RecordedEnd("fp-1")), kT0 + absl::Milliseconds(9));
  ASSERT_TRUE(store().DropResolved("fp-1", kT0).ok()) << "an older one, late";
  EXPECT_EQ(ValueOf(store().RecordedEnd("fp-1")), kT0 + absl::Milliseconds(9));
  ASSERT_TRUE(store().DropMuted("fp-1", "evt-1").ok());
  EXPECT_EQ(ValueOf(store().RecordedEnd("fp-1")), kT0 + absl::Milliseconds(9))
      << "dropping a kept alert records no end";
  EXPECT_EQ(ValueOf(store().RecordedEnd("fp-2")), absl::InfinitePast());
}

// A resolution handled before the firing it ended (two replicas at once,
// or the firing late): that firing is not kept; a later one is.
TEST_P(AlertStoreContractTest, AResolutionRecordedFirstEndsTheFiringsThatStartedBeforeIt) {
  ASSERT_TRUE(store().DropResolved("fp-1", kT0 + absl::Seconds(5)).ok());
  ports::MutedAlert before = AnswerRateBreach("fp-1", "ticketing");  // started at kT0
  EXPECT_FALSE(ValueOf(store().KeepMuted(before, kT0 + absl::Hours(1))));
  before.alert.at = kT0 + absl::Seconds(5);
  EXPECT_FALSE(ValueOf(store().KeepMuted(before, kT0 + absl::Hours(1)))) << "at its end";
  EXPECT_EQ(ValueOf(store().GetMuted("fp-1")), std::nullopt);

  ports::MutedAlert after = AnswerRateBreach("fp-1", "ticketing");
  after.alert.at = kT0 + absl::Seconds(6);
  EXPECT_TRUE(ValueOf(store().KeepMuted(after, kT0 + absl::Hours(1))));
  EXPECT_TRUE(ValueOf(store().GetMuted("fp-1")).has_value());
  EXPECT_TRUE(ValueOf(store().KeepMuted(AnswerRateBreach("fp-2", "billing"), kT0)))
      << "another fingerprint";
}

TEST_P(AlertStoreContractTest, AResolutionDropsTheKeptAlertAndKeepsTheLatestEnd) {
  ASSERT_TRUE(store().KeepMuted(AnswerRateBreach("fp-1", "ticketing"), kT0).ok());
  ASSERT_TRUE(store().DropResolved("fp-1", kT0 + absl::Seconds(9)).ok());
  EXPECT_EQ(ValueOf(store().GetMuted("fp-1")), std::nullopt);
  ASSERT_TRUE(store().DropResolved("fp-1", kT0 + absl::Seconds(2)).ok()) << "an older one, late";
  ports::MutedAlert firing = AnswerRateBreach("fp-1", "ticketing");
  firing.alert.at = kT0 + absl::Seconds(8);
  EXPECT_FALSE(ValueOf(store().KeepMuted(firing, kT0))) << "the latest end stays";
  ASSERT_TRUE(store().DropResolved("fp-3", absl::InfinitePast()).ok()) << "no end: none recorded";
  EXPECT_TRUE(ValueOf(store().KeepMuted(AnswerRateBreach("fp-3", "billing"), kT0)));
}

// A new firing kept before an older resolution was handled (two
// replicas at once, or the resolution late): it stays kept — if it started
// more than kNewerFiringMargin after that end (host clocks may disagree by
// less than that: a firing's own resolution always drops it).
TEST_P(AlertStoreContractTest, AResolutionDropsNoFiringThatStartedWellAfterItsEnd) {
  ports::MutedAlert newer = AnswerRateBreach("fp-1", "ticketing");
  newer.alert.at = kT0 + absl::Seconds(10);
  ASSERT_TRUE(ValueOf(store().KeepMuted(newer, kT0 + absl::Hours(1))));
  const absl::Time margin_before = newer.alert.at - ports::kNewerFiringMargin;
  ASSERT_TRUE(store().DropResolved("fp-1", margin_before - absl::Milliseconds(1)).ok());
  std::optional<ports::MutedAlert> got = ValueOf(store().GetMuted("fp-1"));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->alert.at, kT0 + absl::Seconds(10));
  ASSERT_TRUE(store().DropResolved("fp-1", margin_before).ok());
  EXPECT_EQ(ValueOf(store().GetMuted("fp-1")), std::nullopt) << "within the margin";
}

TEST_P(AlertStoreContractTest, WakingAnAlertNotKeptKeepsNothing) {
  ASSERT_TRUE(
      store().KeepMuted(AnswerRateBreach("fp-1", "ticketing"), absl::InfiniteFuture()).ok());
  ASSERT_TRUE(store().WakeMuted("fp-1", kT0).ok());
  ASSERT_TRUE(store().DropMuted("fp-1", "evt-1").ok());
  ASSERT_TRUE(store().WakeMuted("fp-1", kT0).ok()) << "dropped meanwhile";
  EXPECT_EQ(ValueOf(store().GetMuted("fp-1")), std::nullopt);
  EXPECT_THAT(ValueOf(store().ListMuted()), IsEmpty());
}

}  // namespace
}  // namespace sqms::alerts::testing
