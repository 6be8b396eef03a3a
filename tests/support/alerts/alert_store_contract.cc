// The AlertStore contract, part 1: incident writes (compare-and-set,
// replay by request id, the group index), request id bindings and List.
// Part 2 (deliveries, seen alerts, counting windows, silences) is
// alert_store_contract_more.cc.

#include "tests/support/alerts/alert_store_contract.h"

#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/alerts/contract_helpers.h"

namespace sqms::alerts::testing {

void AlertStoreContractTest::SetUp() {
  store_ = GetParam().make();
  ASSERT_NE(store_, nullptr);
}

namespace {

using ports::WriteOutcome;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Ids(const std::vector<ports::Incident>& incidents) {
  std::vector<std::string> out;
  for (const ports::Incident& i : incidents) out.push_back(i.id);
  return out;
}

TEST_P(AlertStoreContractTest, AnUnknownIncidentReadsAsAbsent) {
  EXPECT_EQ(ValueOf(store().Get("inc-none")), std::nullopt);
  EXPECT_EQ(ValueOf(store().FindGroup("safety|station=none")), "");
}

TEST_P(AlertStoreContractTest, CreateStoresTheDocumentAtVersionOne) {
  ports::IncidentWrite w = CreateOf(SampleIncident("inc-a"));
  ASSERT_EQ(ValueOf(store().Write(w)), WriteOutcome::kWritten);
  EXPECT_EQ(w.incident.version, 1);

  ports::Incident got = ValueOf(store().Get("inc-a")).value();
  EXPECT_EQ(got.version, 1);
  EXPECT_EQ(got.plan_id, "safety");
  EXPECT_EQ(got.title, "Safety complaint — S1");
  EXPECT_EQ(got.state, domain::IncidentState::kTriggered);
  EXPECT_EQ(got.labels, (domain::Labels{{"station", "S1"}}));
  EXPECT_EQ(got.opened_at, kT0);
  EXPECT_EQ(got.acknowledged_at, absl::InfinitePast());
  EXPECT_EQ(got.alerts, (std::map<std::string, bool>{{"fp-1", true}}));
  EXPECT_EQ(got.alert_started,
            (std::map<std::string, absl::Time>{{"fp-1", kT0 - absl::Seconds(30)}}));
  EXPECT_EQ(got.steps.size(), 2u);
}

TEST_P(AlertStoreContractTest, CreateIsRefusedWhenTheIdExists) {
  ports::IncidentWrite first = CreateOf(SampleIncident("inc-a"));
  ASSERT_EQ(ValueOf(store().Write(first)), WriteOutcome::kWritten);

  ports::Incident other = SampleIncident("inc-a");
  other.title = "another";
  ports::IncidentWrite again = CreateOf(other);
  EXPECT_EQ(ValueOf(store().Write(again)), WriteOutcome::kConflict);
  EXPECT_EQ(ValueOf(store().Get("inc-a")).value().title, "Safety complaint — S1");
}

TEST_P(AlertStoreContractTest, AnUpdateAtTheStoredVersionIsWrittenAtTheNext) {
  ports::IncidentWrite create = CreateOf(SampleIncident("inc-a"));
  ASSERT_EQ(ValueOf(store().Write(create)), WriteOutcome::kWritten);

  ports::IncidentWrite ack = UpdateOf(create.incident);
  ack.incident.state = domain::IncidentState::kAcknowledged;
  ASSERT_EQ(ValueOf(store().Write(ack)), WriteOutcome::kWritten);
  EXPECT_EQ(ack.incident.version, 2);
  ports::Incident got = ValueOf(store().Get("inc-a")).value();
  EXPECT_EQ(got.state, domain::IncidentState::kAcknowledged);
  EXPECT_EQ(got.version, 2);
}

TEST_P(AlertStoreContractTest, AnUpdateAtAStaleVersionIsAConflictAndChangesNothing) {
  ports::IncidentWrite create = CreateOf(SampleIncident("inc-a"));
  ASSERT_EQ(ValueOf(store().Write(create)), WriteOutcome::kWritten);
  ports::IncidentWrite ack = UpdateOf(create.incident);
  ack.incident.state = domain::IncidentState::kAcknowledged;
  ASSERT_EQ(ValueOf(store().Write(ack)), WriteOutcome::kWritten);

  // An escalation decided on version 1 loses to the acknowledgement.
  ports::IncidentWrite escalate = UpdateOf(create.incident);
  escalate.incident.escalation_seq = 1;
  escalate.deliveries.push_back(SampleDelivery("dlv-late", "inc-a", "escalated"));
  EXPECT_EQ(ValueOf(store().Write(escalate)), WriteOutcome::kConflict);

  ports::Incident got = ValueOf(store().Get("inc-a")).value();
  EXPECT_EQ(got.version, 2);
  EXPECT_EQ(got.state, domain::IncidentState::kAcknowledged);
  EXPECT_EQ(got.escalation_seq, 0);
  EXPECT_EQ(ValueOf(store().GetDelivery("dlv-late")), std::nullopt);
}

TEST_P(AlertStoreContractTest, AWrittenRequestIdIsRecordedAsACommand) {
  ports::IncidentWrite create = CreateOf(SampleIncident("inc-a"));
  create.request_id = "req-1";
  ASSERT_EQ(ValueOf(store().Write(create)), WriteOutcome::kWritten);
  EXPECT_TRUE(ValueOf(store().Seen("cmd|req-1")).has_value());
  EXPECT_EQ(ValueOf(store().Seen("cmd|req-2")), std::nullopt);
}

TEST_P(AlertStoreContractTest, AWriteWithARecordedRequestIdIsReplayedAndNotApplied) {
  ports::IncidentWrite create = CreateOf(SampleIncident("inc-a"));
  ASSERT_EQ(ValueOf(store().Write(create)), WriteOutcome::kWritten);
  ports::IncidentWrite ack = UpdateOf(create.incident);
  ack.request_id = "req-ack";
  ack.incident.state = domain::IncidentState::kAcknowledged;
  ASSERT_EQ(ValueOf(store().Write(ack)), WriteOutcome::kWritten);

  // The client retries after a lost reply, at the version it has now.
  ports::IncidentWrite retry = UpdateOf(ack.incident);
  retry.request_id = "req-ack";
  retry.incident.state = domain::IncidentState::kMitigating;
  EXPECT_EQ(ValueOf(store().Write(retry)), WriteOutcome::kReplayed);
  ports::Incident got = ValueOf(store().Get("inc-a")).value();
  EXPECT_EQ(got.version, 2);
  EXPECT_EQ(got.state, domain::IncidentState::kAcknowledged);
}

TEST_P(AlertStoreContractTest, ARequestIdIsRecordedOnlyWhenItsWriteIsApplied) {
  ports::IncidentWrite create = CreateOf(SampleIncident("inc-a"));
  ASSERT_EQ(ValueOf(store().Write(create)), WriteOutcome::kWritten);
  ports::IncidentWrite stale = UpdateOf(create.incident);
  stale.expected_version = 7;
  stale.request_id = "req-1";
  ASSERT_EQ(ValueOf(store().Write(stale)), WriteOutcome::kConflict);
  EXPECT_EQ(ValueOf(store().Seen("cmd|req-1")), std::nullopt);

  ports::IncidentWrite retry = UpdateOf(create.incident);
  retry.request_id = "req-1";
  EXPECT_EQ(ValueOf(store().Write(retry)), WriteOutcome::kWritten);
}

TEST_P(AlertStoreContractTest, ARequestIdStaysBoundToTheFirstFingerprintItCameWith) {
  EXPECT_EQ(ValueOf(store().BindRequest("req-1", "fp-ack-inc-a")), "fp-ack-inc-a");
  // A retry of the same command.
  EXPECT_EQ(ValueOf(store().BindRequest("req-1", "fp-ack-inc-a")), "fp-ack-inc-a");
  // Another command under the same id: the first binding stands.
  EXPECT_EQ(ValueOf(store().BindRequest("req-1", "fp-resolve-inc-a")), "fp-ack-inc-a");
  EXPECT_EQ(ValueOf(store().BindRequest("req-1", "fp-ack-inc-a")), "fp-ack-inc-a");
  EXPECT_EQ(ValueOf(store().BindRequest("req-2", "fp-resolve-inc-a")), "fp-resolve-inc-a");
}

TEST_P(AlertStoreContractTest, ABindingIsNotACommandRecord) {
  // Bound before its command is applied: the write is still the first.
  ASSERT_EQ(ValueOf(store().BindRequest("req-1", "fp")), "fp");
  EXPECT_EQ(ValueOf(store().Seen("cmd|req-1")), std::nullopt);
  ports::IncidentWrite create = CreateOf(SampleIncident("inc-a"));
  create.request_id = "req-1";
  EXPECT_EQ(ValueOf(store().Write(create)), WriteOutcome::kWritten);
  EXPECT_EQ(ValueOf(store().BindRequest("req-1", "fp")), "fp");
}

TEST_P(AlertStoreContractTest, ClaimingAGroupPointsItAtTheIncident) {
  ports::IncidentWrite create = CreateOf(SampleIncident("inc-a"));
  create.claim_group = true;
  ASSERT_EQ(ValueOf(store().Write(create)), WriteOutcome::kWritten);
  EXPECT_EQ(ValueOf(store().FindGroup("safety|station=S1")), "inc-a");

  // Claiming its own group again (a later change) is fine.
  ports::IncidentWrite update = UpdateOf(create.incident);
  update.claim_group = true;
  EXPECT_EQ(ValueOf(store().Write(update)), WriteOutcome::kWritten);
  EXPECT_EQ(ValueOf(store().FindGroup("safety|station=S1")), "inc-a");
}

TEST_P(AlertStoreContractTest, AGroupHeldByAnotherIncidentIsTakenAndNothingIsWritten) {
  ports::IncidentWrite first = CreateOf(SampleIncident("inc-a"));
  first.claim_group = true;
  ASSERT_EQ(ValueOf(store().Write(first)), WriteOutcome::kWritten);

  // A second replica opened the same group a moment later.
  ports::IncidentWrite second = CreateOf(SampleIncident("inc-b"));
  second.incident.group_key = "safety|station=S1";
  second.claim_group = true;
  second.deliveries.push_back(SampleDelivery("dlv-b", "inc-b", "triggered"));
  EXPECT_EQ(ValueOf(store().Write(second)), WriteOutcome::kGroupTaken);
  EXPECT_EQ(ValueOf(store().Get("inc-b")), std::nullopt);
  EXPECT_EQ(ValueOf(store().GetDelivery("dlv-b")), std::nullopt);
  EXPECT_EQ(ValueOf(store().FindGroup("safety|station=S1")), "inc-a");
}

TEST_P(AlertStoreContractTest, ReleasingAGroupRemovesItOnlyWhenItPointsAtTheIncident) {
  ports::IncidentWrite a = CreateOf(SampleIncident("inc-a"));
  a.claim_group = true;
  ASSERT_EQ(ValueOf(store().Write(a)), WriteOutcome::kWritten);
  ports::IncidentWrite b = CreateOf(SampleIncident("inc-b"));
  b.incident.group_key = "safety|station=S1";
  b.release_group = true;
  ASSERT_EQ(ValueOf(store().Write(b)), WriteOutcome::kWritten);
  EXPECT_EQ(ValueOf(store().FindGroup("safety|station=S1")), "inc-a");

  ports::IncidentWrite resolve = UpdateOf(a.incident);
  resolve.incident.state = domain::IncidentState::kResolved;
  resolve.release_group = true;
  ASSERT_EQ(ValueOf(store().Write(resolve)), WriteOutcome::kWritten);
  EXPECT_EQ(ValueOf(store().FindGroup("safety|station=S1")), "");

  ports::IncidentWrite reopen = UpdateOf(b.incident);
  reopen.claim_group = true;
  EXPECT_EQ(ValueOf(store().Write(reopen)), WriteOutcome::kWritten);
  EXPECT_EQ(ValueOf(store().FindGroup("safety|station=S1")), "inc-b");
}

// Three incidents of two plans, opened a minute apart; inc-2 resolved.
void CreateThree(ports::AlertStore& store) {
  for (int n = 1; n <= 3; ++n) {
    ports::Incident i = SampleIncident(absl::StrCat("inc-", n));
    i.opened_at = kT0 + absl::Minutes(n);
    if (n == 3) i.plan_id = "outage";
    if (n == 2) i.state = domain::IncidentState::kResolved;
    ports::IncidentWrite w = CreateOf(i);
    ASSERT_EQ(ValueOf(store.Write(w)), WriteOutcome::kWritten);
  }
}

TEST_P(AlertStoreContractTest, ListIsNewestFirst) {
  CreateThree(store());
  EXPECT_THAT(Ids(ValueOf(store().List({}))), ElementsAre("inc-3", "inc-2", "inc-1"));
}

TEST_P(AlertStoreContractTest, ListActiveOnlyLeavesOutResolvedIncidents) {
  CreateThree(store());
  EXPECT_THAT(Ids(ValueOf(store().List(
                  {.active_only = true, .plan_id = "", .limit = 100, .after = std::nullopt}))),
              ElementsAre("inc-3", "inc-1"));

  // Resolving one later takes it out of the active list too.
  ports::Incident three = ValueOf(store().Get("inc-3")).value();
  ports::IncidentWrite resolve = UpdateOf(three);
  resolve.incident.state = domain::IncidentState::kResolved;
  ASSERT_EQ(ValueOf(store().Write(resolve)), WriteOutcome::kWritten);
  EXPECT_THAT(Ids(ValueOf(store().List(
                  {.active_only = true, .plan_id = "", .limit = 100, .after = std::nullopt}))),
              ElementsAre("inc-1"));
}

TEST_P(AlertStoreContractTest, ListByPlanKeepsOnlyThatPlansIncidents) {
  CreateThree(store());
  EXPECT_THAT(
      Ids(ValueOf(store().List(
          {.active_only = false, .plan_id = "safety", .limit = 100, .after = std::nullopt}))),
      ElementsAre("inc-2", "inc-1"));
  EXPECT_THAT(Ids(ValueOf(store().List(
                  {.active_only = false, .plan_id = "none", .limit = 100, .after = std::nullopt}))),
              IsEmpty());
}

TEST_P(AlertStoreContractTest, ListByPlanFindsItsIncidentsBehindThousandsOfNewerOnes) {
  ports::Incident old = SampleIncident("inc-old");
  old.opened_at = kT0;
  ports::IncidentWrite first = CreateOf(old);
  ASSERT_EQ(ValueOf(store().Write(first)), WriteOutcome::kWritten);
  for (int n = 1; n <= 5100; ++n) {  // more than Redis used to read (5,000)
    ports::Incident i = SampleIncident(absl::StrCat("inc-", n));
    i.plan_id = "outage";
    i.group_key = absl::StrCat("outage|n=", n);
    i.opened_at = kT0 + absl::Seconds(n);
    ports::IncidentWrite w = CreateOf(i);
    ASSERT_EQ(ValueOf(store().Write(w)), WriteOutcome::kWritten) << n;
  }
  EXPECT_THAT(
      Ids(ValueOf(store().List(
          {.active_only = false, .plan_id = "safety", .limit = 10, .after = std::nullopt}))),
      ElementsAre("inc-old"));
  EXPECT_THAT(Ids(ValueOf(store().List(
                  {.active_only = false, .plan_id = "outage", .limit = 2, .after = std::nullopt}))),
              ElementsAre("inc-5100", "inc-5099"));
}

TEST_P(AlertStoreContractTest, ListLimitKeepsTheNewest) {
  CreateThree(store());
  EXPECT_THAT(Ids(ValueOf(store().List(
                  {.active_only = false, .plan_id = "", .limit = 2, .after = std::nullopt}))),
              ElementsAre("inc-3", "inc-2"));
}

// Paging: from the position of a page's last incident, the next page
// holds each incident once, in the same order, incidents opened in one
// millisecond included (ordered by id), on the whole history and on the
// active ones alike.
TEST_P(AlertStoreContractTest, ListAfterAPositionContinuesWhereThePageEnded) {
  for (const std::string id : {"inc-a", "inc-b", "inc-c", "inc-d", "inc-e"}) {
    ports::Incident i = SampleIncident(id);
    i.group_key = absl::StrCat("safety|", id);
    // a, b and c in one millisecond (sub-millisecond apart), d and e later.
    i.opened_at =
        id < "inc-d" ? kT0 + absl::Microseconds(id[4] - 'a') : kT0 + absl::Seconds(id[4] - 'a');
    ports::IncidentWrite w = CreateOf(i);
    ASSERT_EQ(ValueOf(store().Write(w)), WriteOutcome::kWritten) << id;
  }
  for (const bool active_only : {false, true}) {
    std::vector<std::string> seen;
    std::optional<runtime::PagePosition> after;
    for (int page = 0; page < 5; ++page) {
      std::vector<ports::Incident> listed = ValueOf(store().List(
          {.active_only = active_only, .plan_id = "safety", .limit = 2, .after = after}));
      if (listed.empty()) break;
      EXPECT_LE(listed.size(), 2u);
      for (const ports::Incident& i : listed) seen.push_back(i.id);
      after = ports::ListPosition(listed.back());
    }
    EXPECT_THAT(seen, ElementsAre("inc-e", "inc-d", "inc-c", "inc-b", "inc-a"))
        << "active_only " << active_only;
  }
}

}  // namespace
}  // namespace sqms::alerts::testing
