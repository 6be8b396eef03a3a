// Flap protection (plan resolve_after): an alert that resolves and fires
// again keeps its incident — no second incident, no second page — and the
// incident resolves only after every alert stayed resolved that long.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/alerts/app/alerts_app_fixture.h"

namespace sqms::alerts::app::testing {
namespace {

using ::testing::IsEmpty;

class FlapProtectionTest : public AlertsAppTest {
 protected:
  void SetUp() override {
    CatalogData data = TestCatalog();
    domain::Plan flappy = MakePlan("flappy", {M("alertname", "=", "Flappy")}, {"service"});
    flappy.resolve_after = absl::Minutes(5);
    std::vector<domain::Plan> plans = data.plans;
    plans.push_back(flappy);
    catalog_.ReplacePlans(std::move(plans));
  }
  domain::Alert Flappy(const std::string& id, bool firing) {
    domain::Alert a = WithLabels(id, {{"alertname", "Flappy"}, {"service", "ivr"}}, clock_.Now());
    a.firing = firing;
    return a;
  }
  std::vector<std::string> QuietTimers() const {
    std::vector<std::string> out;
    for (const auto& [id, due] : IncidentTimers()) {
      if (id.starts_with("quiet|")) out.push_back(id);
    }
    return out;
  }
};

TEST_F(FlapProtectionTest, AFlappingAlertKeepsOneIncidentAndPagesOnce) {
  const Decision opened = Decide(Flappy("f1", true));
  ASSERT_EQ(opened.outcome, Outcome::kOpened);
  const size_t pages = Pages(opened.incident_id).size();

  for (int flap = 0; flap < 3; ++flap) {
    clock_.Advance(absl::Minutes(1));
    ASSERT_EQ(Decide(Flappy(absl::StrCat("r", flap), false)).outcome, Outcome::kResolved);
    EXPECT_EQ(Incident(opened.incident_id).state, domain::IncidentState::kTriggered)
        << "not resolved while the quiet spell runs";
    clock_.Advance(absl::Minutes(1));
    FireDueTimers();  // the quiet timer is not due yet
    const Decision again = Decide(Flappy(absl::StrCat("f", flap + 2), true));
    EXPECT_EQ(again.outcome, Outcome::kGrouped);
    EXPECT_EQ(again.incident_id, opened.incident_id) << "no second incident";
  }
  EXPECT_EQ(Pages(opened.incident_id).size(), pages) << "no page for a flap";
  clock_.Advance(absl::Minutes(10));
  FireDueTimers();  // quiet timers of ended spells find an alert firing
  EXPECT_EQ(Incident(opened.incident_id).state, domain::IncidentState::kTriggered);
}

TEST_F(FlapProtectionTest, ItResolvesOnceEveryAlertStayedResolvedLongEnough) {
  const Decision opened = Decide(Flappy("f1", true));
  clock_.Advance(absl::Minutes(1));
  ASSERT_EQ(Decide(Flappy("r1", false)).outcome, Outcome::kResolved);
  const absl::Time quiet = clock_.Now();
  EXPECT_EQ(QuietTimers().size(), 1u);
  clock_.Advance(absl::Minutes(4));
  FireDueTimers();
  EXPECT_EQ(Incident(opened.incident_id).state, domain::IncidentState::kTriggered);
  clock_.Advance(absl::Minutes(1));
  FireDueTimers();
  const ports::Incident resolved = Incident(opened.incident_id);
  EXPECT_EQ(resolved.state, domain::IncidentState::kResolved);
  EXPECT_EQ(resolved.resolved_at, quiet + absl::Minutes(5));
  EXPECT_THAT(QuietTimers(), IsEmpty());
  EXPECT_EQ(store_.FindGroup(resolved.group_key).value(), "") << "its group is released";
  EXPECT_EQ(Decide(Flappy("f9", true)).outcome, Outcome::kOpened)
      << "after the resolution a new alert opens a new incident";
}

TEST_F(FlapProtectionTest, WithoutResolveAfterTheLastResolutionResolvesAtOnce) {
  const std::string id = OpenSafety();
  ASSERT_EQ(Decide(Resolved(Safety("open-S1", "S1", "c-1"), "r1")).outcome, Outcome::kResolved);
  EXPECT_EQ(Incident(id).state, domain::IncidentState::kResolved);
  EXPECT_THAT(QuietTimers(), IsEmpty());
}

}  // namespace
}  // namespace sqms::alerts::app::testing
