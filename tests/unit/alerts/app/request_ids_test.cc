// A request id names one command (app/request_ids.h): a retry of the same
// command gets its first outcome, the same id with a different command —
// another kind, incident, plan, payload or actor — is FAILED_PRECONDITION
// on "request_id" and changes nothing. The cases a reviewer ran through
// sqmsctl, where a reused id silently did nothing or failed with a wrong
// error, each have a test here.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/alerts/app/alerts_app_fixture.h"

namespace sqms::alerts::app::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

class RequestIdTest : public AlertsAppTest {
 protected:
  void SetUp() override {
    a_ = OpenSafety("S1");
    b_ = OpenSafety("S2");
  }
  // The refusal every reuse must get: the field and why, nothing written.
  template <typename T>
  void ExpectRefused(const absl::StatusOr<T>& result, int writes_before) {
    EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition) << result.status();
    EXPECT_THAT(Fields(result.status()), ElementsAre("request_id"));
    EXPECT_THAT(result.status().message(), HasSubstr("already used for a different command"));
    EXPECT_EQ(store_.writes(), writes_before);
  }
  std::string a_;
  std::string b_;
};

TEST_F(RequestIdTest, AnIdUsedToAcknowledgeIsRefusedForAResolve) {
  ASSERT_TRUE(commands_.Acknowledge(a_, Ctx("ack-1"), "").ok());
  const int writes = store_.writes();
  ExpectRefused(commands_.Resolve(a_, Ctx("ack-1"), ""), writes);
  EXPECT_EQ(Incident(a_).state, domain::IncidentState::kAcknowledged);
}

TEST_F(RequestIdTest, AnIdUsedForOneIncidentIsRefusedForAnother) {
  ASSERT_TRUE(commands_.Acknowledge(a_, Ctx("ack-1"), "").ok());
  const int writes = store_.writes();
  ExpectRefused(commands_.Acknowledge(b_, Ctx("ack-1"), ""), writes);
  EXPECT_EQ(Incident(b_).state, domain::IncidentState::kTriggered);
}

TEST_F(RequestIdTest, AnIdIsRefusedWithAnotherPayloadOrActor) {
  ASSERT_TRUE(commands_.AddNote(a_, Ctx("note-1"), "crew on site").ok());
  const int writes = store_.writes();
  ExpectRefused(commands_.AddNote(a_, Ctx("note-1"), "crew left"), writes);
  ExpectRefused(commands_.AddNote(a_, Ctx("note-1", "bob"), "crew on site"), writes);
  ASSERT_TRUE(commands_.CompleteStep(a_, Ctx("step-1"), 0).ok());
  const int after_step = store_.writes();
  ExpectRefused(commands_.CompleteStep(a_, Ctx("step-1"), 1), after_step);
}

TEST_F(RequestIdTest, ARetryOfTheSameCommandStillGetsItsFirstOutcome) {
  ports::Incident acked = commands_.Acknowledge(a_, Ctx("ack-1"), "on it").value();
  const int writes = store_.writes();
  auto retried = commands_.Acknowledge(a_, Ctx("ack-1"), "on it");
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->version, acked.version);
  EXPECT_EQ(retried->state, domain::IncidentState::kAcknowledged);
  EXPECT_EQ(store_.writes(), writes);
}

// Was: NOT_FOUND for an incident "drill-…" nobody asked about.
TEST_F(RequestIdTest, AnIdUsedForAnIncidentCommandIsRefusedForADrill) {
  ASSERT_TRUE(commands_.Acknowledge(a_, Ctx("ack-1"), "").ok());
  const int writes = store_.writes();
  ExpectRefused(commands_.StartDrill("safety", {{"station", "S9"}}, Ctx("ack-1")), writes);
  EXPECT_THAT(store_.List({}).value(), SizeIs(2));
}

TEST_F(RequestIdTest, ADrillIdIsRefusedForAnotherPlanOrOtherLabels) {
  ports::Incident drill = commands_.StartDrill("safety", {{"station", "S9"}}, Ctx("d-1")).value();
  const int writes = store_.writes();
  ExpectRefused(commands_.StartDrill("outage", {{"station", "S9"}}, Ctx("d-1")), writes);
  ExpectRefused(commands_.StartDrill("safety", {{"station", "S8"}}, Ctx("d-1")), writes);
  // And a drill's id is no incident command's.
  ExpectRefused(commands_.Acknowledge(drill.id, Ctx("d-1"), ""), writes);
  auto retried = commands_.StartDrill("safety", {{"station", "S9"}}, Ctx("d-1"));
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->id, drill.id);
}

TEST_F(RequestIdTest, ASilenceIdIsRefusedForOtherMatchersAndRetriedForTheSame) {
  domain::Silence s;
  s.matchers = {M("station", "=", "S1")};
  s.ends_at = kT0 + absl::Hours(2);
  s.comment = "works";
  domain::Silence created = commands_.CreateSilence(s, Ctx("sil-1", "ops")).value();
  clock_.Advance(absl::Minutes(1));  // starts_at was left to the service: a retry is the same
  auto retried = commands_.CreateSilence(s, Ctx("sil-1", "ops"));
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->id, created.id);
  EXPECT_EQ(retried->starts_at, kT0);

  domain::Silence other = s;
  other.matchers = {M("station", "=", "S2")};
  const int writes = store_.writes();
  ExpectRefused(commands_.CreateSilence(other, Ctx("sil-1", "ops")), writes);
  EXPECT_THAT(store_.ListSilences().value(), SizeIs(1));
}

// Was: the first alert's fingerprint and incident, the second alert lost.
TEST_F(RequestIdTest, ARaiseIdIsRefusedForAnotherAlertAndRetriedForTheSame) {
  const domain::Alert first =
      WithLabels("api|rid-1", {{"alertname", "Manual"}, {"service", "billing"}}, kT0);
  auto raised = processor_.Raise(first, Ctx("rid-1", "svc"));
  ASSERT_TRUE(raised.ok()) << raised.status();
  ASSERT_THAT(raised->decisions, SizeIs(1));
  EXPECT_EQ(raised->decisions[0].outcome, Outcome::kOpened);

  const int writes = store_.writes();
  ExpectRefused(processor_.Raise(
                    WithLabels("api|rid-1", {{"alertname", "Manual"}, {"service", "other"}}, kT0),
                    Ctx("rid-1", "svc")),
                writes);
  domain::Alert resolved = first;
  resolved.firing = false;
  ExpectRefused(processor_.Raise(resolved, Ctx("rid-1", "svc")), writes);
  // Nor may an incident command take a raise's id, or a raise an ack's.
  ExpectRefused(commands_.Acknowledge(raised->decisions[0].incident_id, Ctx("rid-1", "svc"), ""),
                writes);
  ASSERT_TRUE(commands_.Acknowledge(a_, Ctx("ack-1"), "").ok());
  const int after_ack = store_.writes();
  ExpectRefused(processor_.Raise(WithLabels("api|ack-1", {{"alertname", "Manual"}}, kT0),
                                 Ctx("ack-1", "svc")),
                after_ack);

  auto retried = processor_.Raise(first, Ctx("rid-1", "svc"));
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_TRUE(retried->replayed);
  EXPECT_EQ(retried->fingerprint, raised->fingerprint);
  EXPECT_EQ(retried->decisions[0].incident_id, raised->decisions[0].incident_id);
}

}  // namespace
}  // namespace sqms::alerts::app::testing
