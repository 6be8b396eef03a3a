// An incident a counting trigger opens links the complaints it counted:
// a surge of 20 complaints of one department in 10 minutes links those 20
// (oldest first, each once), not only the one that reached the count.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/alerts/app/alerts_app_fixture.h"

namespace sqms::alerts::app::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

// TestCatalog() and "surge": 20 complaints of one department within 10
// minutes (the shipped complaint-surge plan's trigger).
CatalogData SurgeCatalog() {
  CatalogData c = TestCatalog();
  domain::Plan surge =
      MakePlan("surge", {M("alertname", "=", "complaint_submitted"), M("category", "=", "service")},
               {"department"});
  surge.triggers[0].count = 20;
  surge.triggers[0].within = absl::Minutes(10);
  c.plans.push_back(surge);
  return c;
}

class SurgeLinksTest : public AlertsAppTest {
 protected:
  SurgeLinksTest() : AlertsAppTest(SurgeCatalog()) {}

  // A complaint alert of department "ticketing" raised now; no complaint_id
  // label when `complaint` is "".
  domain::Alert Complaint(const std::string& id, const std::string& complaint,
                          const std::string& channel = "app") const {
    domain::Labels labels = {{"alertname", "complaint_submitted"},
                             {"category", "service"},
                             {"department", "ticketing"},
                             {"channel", channel}};
    if (!complaint.empty()) labels["complaint_id"] = complaint;
    return WithLabels(id, labels, clock_.Now());
  }
  // `n` complaints c-<first>… one every 20 s; the decision of the last.
  Decision Surge(int first, int n) {
    Decision last;
    for (int i = first; i < first + n; ++i) {
      last = Decide(Complaint(absl::StrCat("evt-", i), absl::StrCat("c-", i)));
      clock_.Advance(absl::Seconds(20));
    }
    return last;
  }
  static std::vector<std::string> Ids(int first, int n) {
    std::vector<std::string> out;
    for (int i = first; i < first + n; ++i) out.push_back(absl::StrCat("c-", i));
    return out;
  }
};

TEST_F(SurgeLinksTest, AnIncidentOpenedByACountingTriggerLinksEveryCountedComplaint) {
  EXPECT_EQ(Surge(10, 19).outcome, Outcome::kCounted);
  Decision opened = Surge(29, 1);
  ASSERT_EQ(opened.outcome, Outcome::kOpened);
  EXPECT_THAT(Incident(opened.incident_id).linked_complaints, ElementsAreArray(Ids(10, 20)))
      << "the 20 complaints of the surge, oldest first";

  // One more joins and is linked after them, as before.
  Decision joined = Surge(30, 1);
  ASSERT_EQ(joined.outcome, Outcome::kGrouped);
  EXPECT_THAT(Incident(opened.incident_id).linked_complaints, ElementsAreArray(Ids(10, 21)));
}

TEST_F(SurgeLinksTest, ComplaintsThatLeftTheWindowAreNotLinked) {
  ASSERT_EQ(Surge(10, 5).outcome, Outcome::kCounted);
  clock_.Advance(absl::Minutes(10));  // c-10…c-14 fall out of the window
  Decision opened = Surge(20, 20);
  ASSERT_EQ(opened.outcome, Outcome::kOpened);
  EXPECT_THAT(Incident(opened.incident_id).linked_complaints, ElementsAreArray(Ids(20, 20)));
}

TEST_F(SurgeLinksTest, AlertsWithoutAComplaintCountButLinkNothing) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(Decide(Complaint(absl::StrCat("bare-", i), "", absl::StrCat("ch", i))).outcome,
              Outcome::kCounted);
  }
  Decision opened = Surge(10, 10);
  ASSERT_EQ(opened.outcome, Outcome::kOpened) << "10 without a complaint id and 10 with one";
  EXPECT_THAT(Incident(opened.incident_id).linked_complaints, ElementsAreArray(Ids(10, 10)));
}

TEST_F(SurgeLinksTest, AComplaintCountedTwiceIsLinkedOnce) {
  // c-1 through two channels: two alerts (two fingerprints), one complaint.
  ASSERT_EQ(Decide(Complaint("evt-a", "c-1", "app")).outcome, Outcome::kCounted);
  clock_.Advance(absl::Seconds(20));
  ASSERT_EQ(Decide(Complaint("evt-b", "c-1", "phone")).outcome, Outcome::kCounted);
  clock_.Advance(absl::Seconds(20));
  Decision opened = Surge(2, 18);
  ASSERT_EQ(opened.outcome, Outcome::kOpened);
  std::vector<std::string> want = {"c-1"};
  for (const std::string& id : Ids(2, 18)) want.push_back(id);
  EXPECT_THAT(Incident(opened.incident_id).linked_complaints, ElementsAreArray(want));
}

TEST_F(SurgeLinksTest, ADrillSkipsCountingAndLinksOnlyItsOwnComplaint) {
  ASSERT_EQ(Surge(10, 5).outcome, Outcome::kCounted);
  domain::Alert drill = Complaint("drill-1", "c-drill");
  drill.drill = true;
  Decision opened = Decide(drill);
  ASSERT_EQ(opened.outcome, Outcome::kOpened);
  EXPECT_THAT(Incident(opened.incident_id).linked_complaints, ElementsAre("c-drill"));
}

TEST_F(SurgeLinksTest, APlanThatDoesNotCountLinksTheOpeningComplaintOnly) {
  EXPECT_EQ(Surge(10, 5).outcome, Outcome::kCounted);
  Decision opened = Decide(Safety("s1", "S1", "c-safety"));
  ASSERT_EQ(opened.outcome, Outcome::kOpened);
  EXPECT_THAT(Incident(opened.incident_id).linked_complaints, ElementsAre("c-safety"));
}

}  // namespace
}  // namespace sqms::alerts::app::testing
