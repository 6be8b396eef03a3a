// The AlertStore contract, part 2: deliveries (claim, cancel, attempts),
// seen alerts and silences (counting windows: alert_store_contract_counting.cc).

#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "tests/support/alerts/alert_store_contract.h"
#include "tests/support/alerts/contract_helpers.h"

namespace sqms::alerts::testing {
namespace {

using ports::DeliveryClaim;
using ports::WriteOutcome;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

// Writes a triggered incident "inc-a" with one page and one resolved notice.
void CreateWithDeliveries(ports::AlertStore& store) {
  ports::IncidentWrite w = CreateOf(SampleIncident("inc-a"));
  w.deliveries.push_back(SampleDelivery("dlv-page", "inc-a", "triggered"));
  w.deliveries.push_back(SampleDelivery("dlv-notice", "inc-a", "resolved"));
  w.incident.deliveries = {"dlv-page", "dlv-notice"};
  ASSERT_EQ(ValueOf(store.Write(w)), WriteOutcome::kWritten);
}

void SetState(ports::AlertStore& store, const std::string& id, domain::IncidentState state) {
  std::optional<ports::Incident> current = ValueOf(store.Get(id));
  ASSERT_TRUE(current.has_value());
  ports::IncidentWrite w = UpdateOf(*current);
  w.incident.state = state;
  ASSERT_EQ(ValueOf(store.Write(w)), WriteOutcome::kWritten);
}

const absl::Time kRetryAt = kT0 + absl::Seconds(30);

// An acknowledgement of "inc-a" (as stored) decided on its page
// "dlv-page" being unclaimed.
ports::IncidentWrite AcknowledgementCountingOnAnUnclaimedPage(ports::AlertStore& store) {
  ports::IncidentWrite w = UpdateOf(ValueOf(store.Get("inc-a")).value());
  w.incident.state = domain::IncidentState::kAcknowledged;
  w.unclaimed_pages = {"dlv-page"};
  return w;
}

TEST_P(AlertStoreContractTest, AWrittenDeliveryIsPendingWithNoAttempts) {
  CreateWithDeliveries(store());
  ports::Delivery d = ValueOf(store().GetDelivery("dlv-page")).value();
  EXPECT_EQ(d.status, "pending");
  EXPECT_EQ(d.attempts, 0);
  EXPECT_EQ(d.incident_id, "inc-a");
  EXPECT_EQ(d.target, "sink");
  EXPECT_EQ(d.kind, "triggered");
  EXPECT_THAT(d.recipients, ElementsAre("duty-manager"));
  EXPECT_EQ(d.created_at, kT0);
  EXPECT_EQ(ValueOf(store().GetDelivery("dlv-none")), std::nullopt);
}

TEST_P(AlertStoreContractTest, ClaimingAPendingPageCountsAnAttemptAndReturnsTheIncident) {
  CreateWithDeliveries(store());
  DeliveryClaim claim = ValueOf(store().ClaimDelivery("dlv-page", kRetryAt));
  EXPECT_EQ(claim.kind, DeliveryClaim::Kind::kClaimed);
  EXPECT_EQ(claim.delivery.attempts, 1);
  EXPECT_EQ(claim.incident.id, "inc-a");
  EXPECT_EQ(claim.incident.state, domain::IncidentState::kTriggered);
  EXPECT_EQ(ValueOf(store().GetDelivery("dlv-page")).value().attempts, 1);
}

TEST_P(AlertStoreContractTest, AClaimNotFollowedByARecordIsClaimedAgainByTheSafetyNet) {
  CreateWithDeliveries(store());
  ASSERT_EQ(ValueOf(store().ClaimDelivery("dlv-page", kRetryAt)).kind,
            DeliveryClaim::Kind::kClaimed);
  // The process died sending: the retry timer claims it once more.
  DeliveryClaim again = ValueOf(store().ClaimDelivery("dlv-page", kRetryAt + absl::Seconds(30)));
  EXPECT_EQ(again.kind, DeliveryClaim::Kind::kClaimed);
  EXPECT_EQ(again.delivery.attempts, 2);
}

TEST_P(AlertStoreContractTest, ADeliveredDeliveryIsNotClaimedAgain) {
  CreateWithDeliveries(store());
  DeliveryClaim claim = ValueOf(store().ClaimDelivery("dlv-page", kRetryAt));
  ports::Delivery after = claim.delivery;
  after.status = "delivered";
  after.last_http_status = 200;
  ASSERT_TRUE(store().RecordAttempt(after, kRetryAt).ok());

  DeliveryClaim again = ValueOf(store().ClaimDelivery("dlv-page", kRetryAt));
  EXPECT_EQ(again.kind, DeliveryClaim::Kind::kDone);
  EXPECT_EQ(ValueOf(store().GetDelivery("dlv-page")).value().attempts, 1);
}

TEST_P(AlertStoreContractTest, AnUnknownDeliveryIsDone) {
  EXPECT_EQ(ValueOf(store().ClaimDelivery("dlv-none", kRetryAt)).kind,
            DeliveryClaim::Kind::kDone);
}

TEST_P(AlertStoreContractTest, APageOfAnAcknowledgedIncidentIsCancelledNotClaimed) {
  CreateWithDeliveries(store());
  SetState(store(), "inc-a", domain::IncidentState::kAcknowledged);

  DeliveryClaim claim = ValueOf(store().ClaimDelivery("dlv-page", kRetryAt));
  EXPECT_EQ(claim.kind, DeliveryClaim::Kind::kCancelled);
  EXPECT_EQ(claim.delivery.status, "cancelled");
  ports::Delivery stored = ValueOf(store().GetDelivery("dlv-page")).value();
  EXPECT_EQ(stored.status, "cancelled");
  EXPECT_EQ(stored.attempts, 0);
  EXPECT_EQ(ValueOf(store().ClaimDelivery("dlv-page", kRetryAt)).kind,
            DeliveryClaim::Kind::kDone);
}

TEST_P(AlertStoreContractTest, AWriteNamingAnUnclaimedPageIsWrittenWhileItIsUnclaimed) {
  CreateWithDeliveries(store());
  ports::IncidentWrite w = AcknowledgementCountingOnAnUnclaimedPage(store());
  EXPECT_EQ(ValueOf(store().Write(w)), WriteOutcome::kWritten);
  // Once written, the page is cancelled by its claim, never sent.
  EXPECT_EQ(ValueOf(store().ClaimDelivery("dlv-page", kRetryAt)).kind,
            DeliveryClaim::Kind::kCancelled);
}

TEST_P(AlertStoreContractTest, AWriteNamingAPageClaimedSinceIsAConflictAndChangesNothing) {
  CreateWithDeliveries(store());
  ports::IncidentWrite w = AcknowledgementCountingOnAnUnclaimedPage(store());
  w.deliveries.push_back(SampleDelivery("dlv-ack", "inc-a", "acknowledged"));
  w.events.push_back(ports::IncidentEventKind::kAcknowledged);
  ASSERT_EQ(ValueOf(store().ClaimDelivery("dlv-page", kRetryAt)).kind,
            DeliveryClaim::Kind::kClaimed);  // the dispatcher, in between

  EXPECT_EQ(ValueOf(store().Write(w)), WriteOutcome::kConflict);
  ports::Incident stored = ValueOf(store().Get("inc-a")).value();
  EXPECT_EQ(stored.state, domain::IncidentState::kTriggered);
  EXPECT_EQ(stored.version, 1);
  EXPECT_EQ(ValueOf(store().GetDelivery("dlv-ack")), std::nullopt);
}

TEST_P(AlertStoreContractTest, AResolvedNoticeIsClaimedWhateverTheIncidentsState) {
  CreateWithDeliveries(store());
  SetState(store(), "inc-a", domain::IncidentState::kResolved);

  DeliveryClaim claim = ValueOf(store().ClaimDelivery("dlv-notice", kRetryAt));
  EXPECT_EQ(claim.kind, DeliveryClaim::Kind::kClaimed);
  EXPECT_EQ(claim.delivery.attempts, 1);
  EXPECT_EQ(claim.incident.state, domain::IncidentState::kResolved);
}

// Attempt 1's process stalls past the safety net; attempt 2 is claimed and
// records its result (`second`, HTTP `second_http`); then attempt 1's late
// result (`first`, HTTP `first_http`) comes. Returns the page as stored.
ports::Delivery ResultsOutOfOrder(ports::AlertStore& store, const std::string& second,
                                  int second_http, const std::string& first, int first_http) {
  CreateWithDeliveries(store);
  ports::Delivery one = ValueOf(store.ClaimDelivery("dlv-page", kRetryAt)).delivery;
  ports::Delivery two =
      ValueOf(store.ClaimDelivery("dlv-page", kRetryAt + absl::Minutes(1))).delivery;
  EXPECT_EQ(two.attempts, 2);
  two.status = second;
  two.last_http_status = second_http;
  EXPECT_TRUE(store.RecordAttempt(two, kRetryAt + absl::Minutes(2)).ok());
  one.status = first;
  one.last_http_status = first_http;
  EXPECT_TRUE(store.RecordAttempt(one, kRetryAt + absl::Minutes(2)).ok());
  return ValueOf(store.GetDelivery("dlv-page")).value();
}

// Attempt 2 delivers; attempt 1's failure, coming last, changes nothing: no
// second send, no "failed" over a delivery.
TEST_P(AlertStoreContractTest, ALateAttemptsResultDoesNotOverwriteALaterClaims) {
  ports::Delivery stored = ResultsOutOfOrder(store(), "delivered", 200, "pending", 503);
  EXPECT_EQ(stored.status, "delivered");
  EXPECT_EQ(stored.last_http_status, 200);
  EXPECT_EQ(ValueOf(store().ClaimDelivery("dlv-page", kRetryAt)).kind, DeliveryClaim::Kind::kDone);
}

// The mirror image: attempt 2 fails first (a retry is scheduled), then
// attempt 1's late 200 arrives. Delivered: no third send, no "failed".
TEST_P(AlertStoreContractTest, ALateAttemptsDeliveryIsRecordedOverALaterClaimsFailure) {
  ports::Delivery stored = ResultsOutOfOrder(store(), "pending", 503, "delivered", 200);
  EXPECT_EQ(stored.status, "delivered");
  EXPECT_EQ(stored.last_http_status, 200);
  EXPECT_EQ(ValueOf(store().ClaimDelivery("dlv-page", kRetryAt)).kind, DeliveryClaim::Kind::kDone);
}

TEST_P(AlertStoreContractTest, RecordAttemptKeepsTheResultAndTheClaimsAttemptCount) {
  CreateWithDeliveries(store());
  DeliveryClaim claim = ValueOf(store().ClaimDelivery("dlv-page", kRetryAt));
  ports::Delivery after = claim.delivery;
  after.status = "failed";
  after.last_http_status = 503;
  after.last_error = "HTTP 503";
  after.last_latency_ms = 42;
  ASSERT_TRUE(store().RecordAttempt(after, kRetryAt).ok());

  ports::Delivery stored = ValueOf(store().GetDelivery("dlv-page")).value();
  EXPECT_EQ(stored.status, "failed");
  EXPECT_EQ(stored.attempts, 1);
  EXPECT_EQ(stored.last_http_status, 503);
  EXPECT_EQ(stored.last_error, "HTTP 503");
  EXPECT_EQ(stored.last_latency_ms, 42);
}

TEST_P(AlertStoreContractTest, APendingAttemptLeavesTheDeliveryClaimableForTheRetry) {
  CreateWithDeliveries(store());
  DeliveryClaim claim = ValueOf(store().ClaimDelivery("dlv-page", kRetryAt));
  ports::Delivery after = claim.delivery;
  after.status = "pending";
  after.last_http_status = 502;
  ASSERT_TRUE(store().RecordAttempt(after, kRetryAt).ok());

  DeliveryClaim retry = ValueOf(store().ClaimDelivery("dlv-page", kRetryAt + absl::Minutes(1)));
  EXPECT_EQ(retry.kind, DeliveryClaim::Kind::kClaimed);
  EXPECT_EQ(retry.delivery.attempts, 2);
  EXPECT_EQ(retry.delivery.last_http_status, 502);
}

TEST_P(AlertStoreContractTest, AnAlertIsUnseenUntilMarkedThenReadsItsAnswer) {
  EXPECT_EQ(ValueOf(store().Seen("alert-1")), std::nullopt);
  ASSERT_TRUE(store().MarkSeen("alert-1", "fp\nsafety\t0\tinc-a\t\t").ok());
  EXPECT_EQ(ValueOf(store().Seen("alert-1")), "fp\nsafety\t0\tinc-a\t\t");
  EXPECT_EQ(ValueOf(store().Seen("alert-2")), std::nullopt);
}

TEST_P(AlertStoreContractTest, MarkingAnAlertAgainReplacesItsAnswer) {
  // A delivery that was silenced, decided again once the silence ended.
  ASSERT_TRUE(store().MarkSeen("alert-1", "fp\nsafety\t3\t\tsil-1\t").ok());
  ASSERT_TRUE(store().MarkSeen("alert-1", "fp\nsafety\t0\tinc-a\t\t").ok());
  EXPECT_EQ(ValueOf(store().Seen("alert-1")), "fp\nsafety\t0\tinc-a\t\t");
}

domain::Matcher M(const std::string& label, const std::string& op, const std::string& value) {
  auto m = domain::Matcher::Make(label, op, value);
  EXPECT_TRUE(m.ok()) << m.status();
  return *m;
}

std::vector<std::string> MatcherTexts(const domain::Silence& s) {
  std::vector<std::string> out;
  for (const domain::Matcher& m : s.matchers) out.push_back(m.ToString());
  return out;
}

domain::Silence MaintenanceWindow() {
  domain::Silence s;
  s.id = "sil-1";
  s.matchers = {M("alertname", "=", "AnswerRateLow"), M("department", "=~", "ticket.*")};
  s.starts_at = kT0;
  s.ends_at = kT0 + absl::Hours(24 * 30);
  s.created_by = "ops";
  s.comment = "Sunday maintenance";
  s.recurrence = domain::Recurrence{{absl::Weekday::sunday}, 60, absl::Hours(2)};
  return s;
}

TEST_P(AlertStoreContractTest, ASilenceRoundTripsWithItsRecurrence) {
  ASSERT_TRUE(store().PutSilence(MaintenanceWindow()).ok());
  std::vector<domain::Silence> all = ValueOf(store().ListSilences());
  ASSERT_EQ(all.size(), 1u);
  const domain::Silence& s = all[0];
  EXPECT_EQ(s.id, "sil-1");
  EXPECT_THAT(MatcherTexts(s),
              ElementsAre("alertname=\"AnswerRateLow\"", "department=~\"ticket.*\""));
  EXPECT_EQ(s.starts_at, kT0);
  EXPECT_EQ(s.ends_at, kT0 + absl::Hours(24 * 30));
  EXPECT_EQ(s.created_by, "ops");
  EXPECT_EQ(s.comment, "Sunday maintenance");
  ASSERT_TRUE(s.recurrence.has_value());
  EXPECT_THAT(s.recurrence->weekdays, ElementsAre(absl::Weekday::sunday));
  EXPECT_EQ(s.recurrence->start_minute, 60);
  EXPECT_EQ(s.recurrence->duration, absl::Hours(2));
}

TEST_P(AlertStoreContractTest, PuttingASilenceAgainReplacesItById) {
  domain::Silence s = MaintenanceWindow();
  ASSERT_TRUE(store().PutSilence(s).ok());
  domain::Silence other = MaintenanceWindow();
  other.id = "sil-2";
  other.recurrence.reset();
  ASSERT_TRUE(store().PutSilence(other).ok());
  s.ends_at = kT0 + absl::Hours(1);  // expired early
  ASSERT_TRUE(store().PutSilence(s).ok());

  std::vector<domain::Silence> all = ValueOf(store().ListSilences());
  std::vector<std::string> ids;
  for (const domain::Silence& x : all) {
    ids.push_back(x.id);
    if (x.id == "sil-1") {
      EXPECT_EQ(x.ends_at, kT0 + absl::Hours(1));
    } else {
      EXPECT_FALSE(x.recurrence.has_value());
    }
  }
  EXPECT_THAT(ids, UnorderedElementsAre("sil-1", "sil-2"));
}

TEST_P(AlertStoreContractTest, AddingASilenceKeepsTheOneStoredUnderItsId) {
  domain::Silence first = MaintenanceWindow();
  first.starts_at = kT0;
  EXPECT_EQ(ValueOf(store().AddSilence(first)).starts_at, kT0);
  domain::Silence racing = first;
  racing.starts_at = kT0 + absl::Seconds(1);  // another attempt's "now"
  EXPECT_EQ(ValueOf(store().AddSilence(racing)).starts_at, kT0);

  first.ends_at = kT0 + absl::Minutes(5);  // expired meanwhile
  ASSERT_TRUE(store().PutSilence(first).ok());
  EXPECT_EQ(ValueOf(store().AddSilence(racing)).ends_at, kT0 + absl::Minutes(5))
      << "a late attempt does not bring it back";
  std::vector<domain::Silence> all = ValueOf(store().ListSilences());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].ends_at, kT0 + absl::Minutes(5));
}

// Pruning deletes what ended before the cut, and nothing else: not a
// silence ending at the cut or later, not an open-ended window.
TEST_P(AlertStoreContractTest, PruningDeletesOnlyTheSilencesEndedBeforeTheCut) {
  const absl::Time cut = kT0 + absl::Hours(24 * 14);
  std::vector<std::pair<std::string, absl::Time>> silences = {
      {"ended-long-ago", kT0},
      {"ended-just-before", cut - absl::Seconds(1)},
      {"ends-at-the-cut", cut},
      {"ends-later", cut + absl::Hours(1)},
      {"open-ended", absl::InfiniteFuture()}};
  for (const auto& [id, ends_at] : silences) {
    domain::Silence s = MaintenanceWindow();
    s.id = id;
    s.ends_at = ends_at;
    ASSERT_TRUE(store().PutSilence(s).ok()) << id;
  }
  EXPECT_EQ(ValueOf(store().PruneSilences(cut)), 2);
  std::vector<std::string> left;
  for (const domain::Silence& x : ValueOf(store().ListSilences())) left.push_back(x.id);
  EXPECT_THAT(left, UnorderedElementsAre("ends-at-the-cut", "ends-later", "open-ended"));
  EXPECT_EQ(ValueOf(store().PruneSilences(cut)), 0) << "nothing more to delete";
}

}  // namespace
}  // namespace sqms::alerts::testing
