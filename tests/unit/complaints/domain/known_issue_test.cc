// Known issues: which new complaint an active incident explains, the link
// at creation, the SLA hold while the incident is active (never of a P1 or
// safety complaint), and its release.
#include "services/complaints/domain/known_issue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "services/complaints/domain/lifecycle.h"
#include "tests/unit/complaints/domain/test_config.h"

namespace sqms::complaints::domain {
namespace {

using test_support::At;
using test_support::TestTriageConfig;

ActiveIncident Incident(const std::string& id, absl::Time opened) {
  ActiveIncident i;
  i.id = id;
  i.title = "Safety complaint — Changsha South";
  i.plan_id = "safety-complaint";
  i.level = "I";
  i.labels = {{"station", "长沙南"}};
  i.categories = {Category::kSafety, Category::kTimeliness};
  i.opened_at = opened;
  return i;
}

class KnownIssueTest : public ::testing::Test {
 protected:
  // A complaint by app at `station`, as triage assesses `title` and `content`.
  Created SubmitText(const std::string& title, const std::string& content,
                     const std::string& station, absl::Time now) {
    Submission s;
    s.channel = Channel::kApp;
    s.title = title;
    s.content = content;
    s.location.station = station;
    return CreateComplaint(s, "c-1", "agent-1", now, triage_);
  }
  // A safety complaint ("车厢冒烟": P1 on the always-open clock) at `station`.
  Created Submit(const std::string& station, absl::Time now) {
    return SubmitText("车厢冒烟", "三号车厢有烟", station, now);
  }
  // A delay complaint ("列车晚点": timeliness, P3 on business hours) at `station`.
  Created SubmitDelay(const std::string& station, absl::Time now) {
    Created c = SubmitText("列车晚点", "列车晚点两个小时", station, now);
    EXPECT_EQ(c.complaint.category, Category::kTimeliness);
    EXPECT_EQ(c.complaint.priority, Priority::kP3);
    return c;
  }
  static bool Breached(const std::vector<Event>& events, SlaTarget target) {
    return std::any_of(events.begin(), events.end(), [&](const Event& e) {
      return e.type == EventType::kSlaBreached && e.sla_target == target;
    });
  }

  const absl::Time t0_ = At(2026, 11, 22, 10);
  Triage triage_{TestTriageConfig()};
};

TEST_F(KnownIssueTest, AComplaintOfTheCategoryAtTheIncidentsPlaceMatches) {
  Created c = Submit("长沙南", t0_ + absl::Minutes(3));
  ASSERT_EQ(c.complaint.category, Category::kSafety);
  const std::vector<ActiveIncident> active = {Incident("inc-1", t0_)};
  const ActiveIncident* found = FindKnownIssue(c.complaint, active, absl::Hours(1));
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->id, "inc-1");
}

TEST_F(KnownIssueTest, AnotherPlaceCategoryOrAnOlderOccurrenceDoesNotMatch) {
  const std::vector<ActiveIncident> active = {Incident("inc-1", t0_)};
  EXPECT_EQ(FindKnownIssue(Submit("哈尔滨西", t0_).complaint, active, absl::Hours(1)), nullptr)
      << "another station";

  Submission hygiene;
  hygiene.channel = Channel::kApp;
  hygiene.title = "厕所很脏";
  hygiene.location.station = "长沙南";
  Complaint dirty = CreateComplaint(hygiene, "c-2", "agent-1", t0_, triage_).complaint;
  ASSERT_NE(dirty.category, Category::kSafety);
  EXPECT_EQ(FindKnownIssue(dirty, active, absl::Hours(1)), nullptr) << "another category";

  Created early = Submit("长沙南", t0_);
  early.complaint.occurred_at = t0_ - absl::Hours(2);
  EXPECT_EQ(FindKnownIssue(early.complaint, active, absl::Hours(1)), nullptr)
      << "occurred long before the incident";
  early.complaint.occurred_at = t0_ - absl::Minutes(30);
  EXPECT_NE(FindKnownIssue(early.complaint, active, absl::Hours(1)), nullptr)
      << "within the lookback";
}

TEST_F(KnownIssueTest, AnIncidentWithoutAKnownPlaceExplainsNoComplaint) {
  const Complaint c = Submit("长沙南", t0_).complaint;
  ActiveIncident nowhere = Incident("inc-1", t0_);
  nowhere.labels.clear();
  EXPECT_EQ(FindKnownIssue(c, {nowhere}, absl::Hours(1)), nullptr) << "no labels";
  ActiveIncident service = Incident("inc-2", t0_);
  service.labels = {{"station", "长沙南"}, {"service", "12306"}};
  EXPECT_EQ(FindKnownIssue(c, {service}, absl::Hours(1)), nullptr)
      << "a label the complaint has no value for";
  ActiveIncident no_categories = Incident("inc-3", t0_);
  no_categories.categories.clear();
  EXPECT_EQ(FindKnownIssue(c, {no_categories}, absl::Hours(1)), nullptr);
}

TEST_F(KnownIssueTest, OfSeveralTheEarliestOpenedWins) {
  const Complaint c = Submit("长沙南", t0_ + absl::Minutes(30)).complaint;
  ActiveIncident later = Incident("inc-a", t0_ + absl::Minutes(10));
  later.labels = {{"station", "长沙南"}, {"department", c.department}};
  const std::vector<ActiveIncident> active = {later, Incident("inc-z", t0_)};
  ASSERT_NE(FindKnownIssue(c, active, absl::Hours(1)), nullptr);
  EXPECT_EQ(FindKnownIssue(c, active, absl::Hours(1))->id, "inc-z");
}

TEST_F(KnownIssueTest, ALinkedComplaintHasNoTimersAndFiresNothingWhileHeld) {
  Created c = SubmitDelay("长沙南", t0_);
  ASSERT_FALSE(PendingTimers(c.complaint).empty());
  LinkKnownIssue(c.complaint, Incident("inc-1", t0_), "agent-1", t0_, c.events);

  ASSERT_TRUE(c.complaint.known_issue.has_value());
  EXPECT_TRUE(c.complaint.known_issue->active());
  EXPECT_TRUE(SlaHeld(c.complaint));
  EXPECT_EQ(c.complaint.known_issue->incident_id, "inc-1");
  EXPECT_EQ(c.complaint.version, 1) << "linked in the creating write";
  ASSERT_EQ(c.events.size(), 2u);
  EXPECT_EQ(c.events[0].type, EventType::kSubmitted);
  EXPECT_EQ(c.events[1].type, EventType::kIncidentLinked);
  EXPECT_EQ(c.complaint.audit.back().action, "incident_linked");
  EXPECT_THAT(c.complaint.audit.back().note, ::testing::HasSubstr("SLA escalations held"));

  EXPECT_TRUE(PendingTimers(c.complaint).empty());
  EXPECT_TRUE(FireDueTimers(c.complaint, t0_ + absl::Hours(24 * 7), triage_).empty())
      << "no breach is reported while the incident is active";
  EXPECT_FALSE(c.complaint.sla.AnyBreached());
}

TEST_F(KnownIssueTest, ReleaseEndsTheHoldOnceAndTheMissedDeadlinesFireThen) {
  Created c = SubmitDelay("长沙南", t0_);
  LinkKnownIssue(c.complaint, Incident("inc-1", t0_), "agent-1", t0_, c.events);
  const absl::Time resolved = t0_ + absl::Hours(24 * 7);  // past the P3 deadlines

  EXPECT_TRUE(ReleaseKnownIssue(c.complaint, "inc-other", resolved).empty())
      << "another incident's resolution changes nothing";
  std::vector<Event> released = ReleaseKnownIssue(c.complaint, "inc-1", resolved);
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].type, EventType::kIncidentResolved);
  EXPECT_EQ(c.complaint.version, 2);
  EXPECT_EQ(c.complaint.audit.back().action, "incident_resolved");
  EXPECT_EQ(c.complaint.audit.back().version, 2);
  EXPECT_EQ(c.complaint.audit.back().note, "incident inc-1 resolved; SLA escalations resume");
  EXPECT_FALSE(c.complaint.known_issue->active());
  EXPECT_FALSE(SlaHeld(c.complaint));
  EXPECT_EQ(c.complaint.known_issue->released_at, resolved);
  EXPECT_TRUE(ReleaseKnownIssue(c.complaint, "inc-1", resolved).empty()) << "idempotent";

  EXPECT_FALSE(PendingTimers(c.complaint).empty()) << "the timers resume";
  std::vector<Event> fired = FireDueTimers(c.complaint, resolved, triage_);
  EXPECT_TRUE(std::any_of(fired.begin(), fired.end(), [](const Event& e) {
    return e.type == EventType::kSlaBreached;
  })) << "a deadline that passed during the hold is reported now";
}

// Closed before its incident is resolved, then reopened: the link ended
// with the incident, so the reopened complaint's new deadlines run.
TEST_F(KnownIssueTest, AComplaintClosedBeforeTheIncidentEndsIsReleasedToo) {
  Created c = SubmitDelay("长沙南", t0_);
  LinkKnownIssue(c.complaint, Incident("inc-1", t0_), "agent-1", t0_, c.events);
  c.complaint.status = Status::kClosed;
  const absl::Time resolved = t0_ + absl::Hours(9);
  ASSERT_EQ(ReleaseKnownIssue(c.complaint, "inc-1", resolved).size(), 1u);
  EXPECT_EQ(c.complaint.known_issue->released_at, resolved);
  EXPECT_EQ(c.complaint.audit.back().action, "incident_resolved");
  c.complaint.status = Status::kInProgress;  // as a reopen leaves it
  EXPECT_FALSE(SlaHeld(c.complaint)) << "a reopen's deadlines are not held by an ended incident";
}

TEST_F(KnownIssueTest, ASafetyComplaintIsLinkedButItsP1TimersRunAndItBreaches) {
  // The incident at 长沙南 was opened for another hazard; a later safety
  // report there is linked (one list, one bulk reply) but never held.
  Created c = Submit("长沙南", t0_ + absl::Hours(3));
  ASSERT_EQ(c.complaint.priority, Priority::kP1);
  const std::vector<SlaTimer> before = PendingTimers(c.complaint);
  const std::vector<ActiveIncident> active = {Incident("inc-1", t0_)};
  const ActiveIncident* incident = FindKnownIssue(c.complaint, active, absl::Hours(1));
  ASSERT_NE(incident, nullptr);
  LinkKnownIssue(c.complaint, *incident, "agent-1", t0_ + absl::Hours(3), c.events);

  ASSERT_TRUE(c.complaint.known_issue.has_value());
  EXPECT_EQ(c.complaint.known_issue->incident_id, "inc-1");
  EXPECT_TRUE(c.complaint.known_issue->active());
  EXPECT_FALSE(SlaHeld(c.complaint));
  ASSERT_EQ(c.events.size(), 2u);
  EXPECT_EQ(c.events[1].type, EventType::kIncidentLinked);
  EXPECT_THAT(c.complaint.audit.back().note, ::testing::HasSubstr("SLA timers run"));

  const std::vector<SlaTimer> timers = PendingTimers(c.complaint);
  ASSERT_EQ(timers.size(), before.size()) << "every timer of the unlinked complaint";
  EXPECT_TRUE(std::any_of(timers.begin(), timers.end(), [&](const SlaTimer& t) {
    return t.target == SlaTarget::kFirstResponse && t.breach &&
           t.at == t0_ + absl::Hours(3) + absl::Minutes(30);
  })) << "the 30-minute P1 first response";
  const std::vector<Event> fired =
      FireDueTimers(c.complaint, t0_ + absl::Hours(3) + absl::Minutes(30), triage_);
  EXPECT_TRUE(Breached(fired, SlaTarget::kFirstResponse))
      << "breached while the incident is active";

  // Its release still ends the link once; nothing was held, so nothing resumes.
  std::vector<Event> released = ReleaseKnownIssue(c.complaint, "inc-1", t0_ + absl::Hours(4));
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(c.complaint.audit.back().note, "incident inc-1 resolved");
}

TEST_F(KnownIssueTest, AP1ComplaintOfAnotherCategoryIsNotHeldEither) {
  Created c = SubmitDelay("长沙南", t0_);
  c.complaint.priority = Priority::kP1;  // e.g. urgent and important
  LinkKnownIssue(c.complaint, Incident("inc-1", t0_), "agent-1", t0_, c.events);
  EXPECT_FALSE(SlaHeld(c.complaint));
  EXPECT_FALSE(PendingTimers(c.complaint).empty());
}

TEST_F(KnownIssueTest, ReclassifyingAHeldComplaintToP1LiftsTheHoldAndAMissedDeadlineFires) {
  Created c = SubmitDelay("长沙南", t0_);
  LinkKnownIssue(c.complaint, Incident("inc-1", t0_), "agent-1", t0_, c.events);
  ASSERT_TRUE(SlaHeld(c.complaint));

  Command raise;
  raise.kind = CommandKind::kReclassify;
  raise.actor = "supervisor-1";
  raise.now = t0_ + absl::Hours(2);  // past the 30-minute P1 first response
  raise.priority = Priority::kP1;
  ASSERT_TRUE(Apply(c.complaint, raise, triage_).ok());
  EXPECT_FALSE(SlaHeld(c.complaint));
  EXPECT_TRUE(c.complaint.known_issue->active()) << "still linked";
  EXPECT_THAT(c.complaint.audit.back().note, ::testing::HasSubstr("known issue hold lifted"));
  EXPECT_FALSE(PendingTimers(c.complaint).empty());
  EXPECT_TRUE(Breached(FireDueTimers(c.complaint, raise.now, triage_), SlaTarget::kFirstResponse));
}

}  // namespace
}  // namespace sqms::complaints::domain
