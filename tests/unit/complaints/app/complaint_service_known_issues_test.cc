// ComplaintService and known issues: a new complaint matching an active
// incident is linked in its creating write and sets no SLA timers (unless
// it is P1 or safety: linked, timers kept); the incident's resolution
// releases every linked complaint once, and their timers come back.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "services/complaints/app/known_issues.h"
#include "services/complaints/domain/known_issue.h"
#include "tests/unit/complaints/app/complaint_service_fixture.h"
#include "tests/unit/complaints/app/in_memory_incident_registry.h"

namespace sqms::complaints::app::testing {
namespace {

using domain::EventType;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class KnownIssuesServiceTest : public ComplaintServiceTest {
 protected:
  void SetUp() override {
    ComplaintServiceTest::SetUp();
    if (HasFatalFailure()) return;
    service_ = ServiceWith(known_);
  }
  // A service (a replica) on the fixture's store whose known issues are `known`.
  std::unique_ptr<ComplaintService> ServiceWith(KnownIssues& known) {
    return std::make_unique<ComplaintService>(repo_, *triage_, clock_, "test-pii-key",
                                              ComplaintObserver{}, domain::ValidationLimits{},
                                              &known);
  }

  // An incident at SafetyReport()'s station explaining safety and delays.
  domain::IncidentChange Opened(const std::string& id) const {
    domain::IncidentChange change;
    change.incident.id = id;
    change.incident.title = "Safety complaint — Beijing South";
    change.incident.plan_id = "safety-complaint";
    change.incident.level = "I";
    change.incident.labels = {{"station", "Beijing South"}};
    change.incident.categories = {domain::Category::kSafety, domain::Category::kTimeliness};
    change.incident.opened_at = opened_at_;
    return change;
  }
  domain::IncidentChange Ended(const std::string& id) const {
    domain::IncidentChange change = Opened(id);
    change.ended = true;
    return change;
  }
  // A delay at SafetyReport()'s station: timeliness, not P1.
  static domain::Submission DelayReport(std::string idempotency_key = "",
                                        std::string phone = "13800138000") {
    domain::Submission s = SafetyReport(std::move(idempotency_key));
    s.title = "Train delayed";
    s.content = "G101 left Beijing South two hours late and nobody told us why.";
    s.category = domain::Category::kTimeliness;
    s.complainant.phone = std::move(phone);
    return s;
  }
  bool HasTimer(const std::string& id) const {
    auto timers = repo_.timers();
    return std::any_of(timers.begin(), timers.end(),
                       [&](const auto& t) { return t.second.starts_with(id + "|"); });
  }

  const absl::Time opened_at_ = StartTime() - absl::Minutes(1);
  InMemoryIncidentRegistry registry_;
  KnownIssues known_{registry_, absl::Hours(1), clock_};
};

TEST_F(KnownIssuesServiceTest, WithoutAnActiveIncidentNothingIsLinked) {
  const domain::Complaint c = Submitted(SafetyReport());
  EXPECT_FALSE(c.known_issue.has_value());
  EXPECT_THAT(EventTypes(c.id), ElementsAre(EventType::kSubmitted));
  EXPECT_TRUE(HasTimer(c.id));
}

TEST_F(KnownIssuesServiceTest, AMatchingComplaintIsLinkedInItsCreatingWriteWithoutTimers) {
  ASSERT_TRUE(service_->ApplyIncidentChange(Opened("inc-1")).ok());
  const domain::Complaint linked = Submitted(DelayReport());
  ASSERT_NE(linked.priority, domain::Priority::kP1);
  ASSERT_TRUE(linked.known_issue.has_value());
  EXPECT_EQ(linked.known_issue->incident_id, "inc-1");
  EXPECT_TRUE(domain::SlaHeld(linked));
  EXPECT_EQ(linked.version, 1);
  EXPECT_THAT(EventTypes(linked.id), ElementsAre(EventType::kSubmitted, EventType::kIncidentLinked));
  EXPECT_THAT(AuditActions(linked.id), ElementsAre("submit", "incident_linked"));
  EXPECT_FALSE(HasTimer(linked.id)) << "its SLA escalations are held";

  const domain::Complaint elsewhere = Submitted(HygieneReport());
  EXPECT_FALSE(elsewhere.known_issue.has_value());
  EXPECT_TRUE(HasTimer(elsewhere.id));
}

// A second delay report of the same passenger is a duplicate and a known
// issue: the submit entry says the first, the incident link keeps its own
// note (why the complaint never breached).
TEST_F(KnownIssuesServiceTest, ALinkedDuplicateKeepsBothNotes) {
  const domain::Complaint first = Submitted(DelayReport());
  clock_.Advance(absl::Minutes(30));
  ASSERT_TRUE(service_->ApplyIncidentChange(Opened("inc-1")).ok());
  clock_.Advance(absl::Minutes(30));
  const domain::Complaint dup = Submitted(DelayReport("k-2"));
  ASSERT_EQ(dup.duplicate_of, first.id);
  ASSERT_TRUE(dup.known_issue.has_value());
  auto stored = repo_.Get(dup.id, /*with_audit=*/true);
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_EQ(stored->audit.size(), 2u);
  EXPECT_EQ(stored->audit[0].action, "submit");
  EXPECT_EQ(stored->audit[0].note, "duplicate of " + first.id);
  EXPECT_EQ(stored->audit[1].action, "incident_linked");
  EXPECT_THAT(stored->audit[1].note, ::testing::HasSubstr("known issue: incident inc-1"));
}

TEST_F(KnownIssuesServiceTest, ResolutionReleasesEachLinkedComplaintOnceAndItsTimersReturn) {
  ASSERT_TRUE(service_->ApplyIncidentChange(Opened("inc-1")).ok());
  const std::string a = Submitted(DelayReport()).id;
  // Another person (not a duplicate), and a safety report: linked, not held.
  const std::string b = Submitted(DelayReport("", "13700137000")).id;
  const std::string safety = Submitted(SafetyReport()).id;
  ASSERT_FALSE(HasTimer(a));
  ASSERT_TRUE(HasTimer(safety));

  clock_.Advance(absl::Hours(24 * 14));  // past every deadline
  ASSERT_TRUE(service_->ApplyIncidentChange(Ended("inc-1")).ok());
  for (const std::string& id : {a, b}) {
    auto c = service_->Get(id);
    ASSERT_TRUE(c.ok()) << c.status();
    ASSERT_TRUE(c->known_issue.has_value());
    EXPECT_FALSE(c->known_issue->active()) << id;
    EXPECT_EQ(c->version, 2);
    EXPECT_TRUE(HasTimer(id)) << "timers resume: the missed deadlines fire next";
    const std::vector<EventType> events = EventTypes(id);
    EXPECT_EQ(std::count(events.begin(), events.end(), EventType::kIncidentResolved), 1);
  }

  // Redelivered: nothing more happens.
  ASSERT_TRUE(service_->ApplyIncidentChange(Ended("inc-1")).ok());
  ASSERT_TRUE(service_->ApplyIncidentChange(Opened("inc-1")).ok()) << "a late opening";
  EXPECT_EQ(StoredVersion(a), 2);
  EXPECT_FALSE(Submitted(DelayReport("k-after")).known_issue.has_value())
      << "an ended incident is never revived by a late event";
}

// Two replicas on one store: replica B's snapshot still has the incident
// when replica A ends it and runs its release scan, and B takes a matching
// complaint meanwhile.
class StaleSnapshotTest : public KnownIssuesServiceTest {
 protected:
  void SetUp() override {
    KnownIssuesServiceTest::SetUp();
    if (HasFatalFailure()) return;
    replica_b_ = ServiceWith(known_b_);
  }
  // B refreshed while inc-1 was active; A ended it (its scan found nothing
  // held); B, not refreshed since, takes a delay report.
  absl::StatusOr<SubmitResult> SubmitThroughStaleSnapshot() {
    EXPECT_TRUE(service_->ApplyIncidentChange(Opened("inc-1")).ok());
    EXPECT_TRUE(known_b_.Refresh().ok());
    EXPECT_TRUE(service_->ApplyIncidentChange(Ended("inc-1")).ok());
    return replica_b_->Submit(DelayReport(), "agent-1");
  }

  KnownIssues known_b_{registry_, absl::Hours(1), clock_, absl::Seconds(15)};
  std::unique_ptr<ComplaintService> replica_b_;
};

// Nothing of A's will ever release B's complaint: B releases it itself once
// the incident has left its snapshot and the settle time has passed.
TEST_F(StaleSnapshotTest, AComplaintHeldThroughAStaleSnapshotIsReleasedByItsReplica) {
  auto submitted = SubmitThroughStaleSnapshot();
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  const std::string id = submitted->complaint.id;
  ASSERT_TRUE(submitted->complaint.known_issue.has_value());
  ASSERT_TRUE(submitted->complaint.known_issue->active()) << "held through B's stale snapshot";
  ASSERT_FALSE(HasTimer(id));

  ASSERT_TRUE(known_b_.Refresh().ok());  // B learns the incident ended
  ASSERT_TRUE(replica_b_->ReleaseLeftIncidents().ok());
  EXPECT_FALSE(HasTimer(id)) << "not before the settle time";
  clock_.Advance(absl::Seconds(15));
  ASSERT_TRUE(replica_b_->ReleaseLeftIncidents().ok());
  auto c = service_->Get(id);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->known_issue->active());
  EXPECT_TRUE(HasTimer(id)) << "its SLA clock runs again";
  const std::vector<EventType> events = EventTypes(id);
  EXPECT_EQ(std::count(events.begin(), events.end(), EventType::kIncidentResolved), 1);
  ASSERT_TRUE(replica_b_->ReleaseLeftIncidents().ok());  // handed out once
  EXPECT_EQ(StoredVersion(id), c->version);
}

// A release that fails is handed back and retried by a later call.
TEST_F(StaleSnapshotTest, AFailedReleaseOfALeftIncidentIsRetried) {
  auto submitted = SubmitThroughStaleSnapshot();
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  ASSERT_TRUE(known_b_.Refresh().ok());
  clock_.Advance(absl::Seconds(15));
  repo_.SetDown(absl::UnavailableError("down"));
  EXPECT_EQ(replica_b_->ReleaseLeftIncidents().code(), absl::StatusCode::kUnavailable);
  repo_.SetDown(absl::OkStatus());
  clock_.Advance(absl::Seconds(15));
  ASSERT_TRUE(replica_b_->ReleaseLeftIncidents().ok());
  EXPECT_TRUE(HasTimer(submitted->complaint.id));
}

TEST_F(KnownIssuesServiceTest, AStoreOutageIsReportedForARetryThatThenCompletes) {
  registry_.FailNext();
  EXPECT_EQ(service_->ApplyIncidentChange(Opened("inc-1")).code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(service_->ApplyIncidentChange(Opened("inc-1")).ok());
  const std::string id = Submitted(DelayReport()).id;
  repo_.SetDown(absl::UnavailableError("down"));
  EXPECT_EQ(service_->ApplyIncidentChange(Ended("inc-1")).code(), absl::StatusCode::kUnavailable);
  repo_.SetDown(absl::OkStatus());
  ASSERT_TRUE(service_->ApplyIncidentChange(Ended("inc-1")).ok()) << "the retry";
  auto c = service_->Get(id);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->known_issue->active());
}

TEST_F(KnownIssuesServiceTest, ASafetyComplaintIsLinkedButKeepsItsTimers) {
  ASSERT_TRUE(service_->ApplyIncidentChange(Opened("inc-1")).ok());
  const domain::Complaint c = Submitted(SafetyReport());
  ASSERT_EQ(c.priority, domain::Priority::kP1);
  ASSERT_TRUE(c.known_issue.has_value()) << "listed with the incident for its bulk reply";
  EXPECT_EQ(c.known_issue->incident_id, "inc-1");
  EXPECT_FALSE(domain::SlaHeld(c));
  EXPECT_THAT(EventTypes(c.id), ElementsAre(EventType::kSubmitted, EventType::kIncidentLinked));
  EXPECT_TRUE(HasTimer(c.id)) << "a P1 safety complaint's SLA timers are never held";
}

TEST_F(KnownIssuesServiceTest, WithoutKnownIssuesAChangeIsRefused) {
  ComplaintService plain(repo_, *triage_, clock_, "test-pii-key");
  EXPECT_EQ(plain.ApplyIncidentChange(Opened("inc-1")).code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace sqms::complaints::app::testing
