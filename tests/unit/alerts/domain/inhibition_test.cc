#include "services/alerts/domain/inhibition.h"

#include <gtest/gtest.h>

#include "tests/unit/alerts/domain/test_matchers.h"

namespace sqms::alerts::domain {
namespace {

using testing::M;

// An open platform-outage incident suppresses answer-rate breaches of the
// same department.
InhibitRule OutageRule() {
  return InhibitRule{{M("plan", "=", "platform-outage")},
                     {M("alertname", "=", "kpi_breached"), M("kpi", "=", "answer_rate")},
                     {"department"}};
}

Labels Breach(const std::string& department) {
  Labels l = {{"alertname", "kpi_breached"}, {"kpi", "answer_rate"}, {"source", "metrics"}};
  if (!department.empty()) l["department"] = department;
  return l;
}

ActiveIncident Outage(const std::string& id, const std::string& department) {
  ActiveIncident i{id, {{"plan", "platform-outage"}, {"alertname", "SqmsComplaintsDown"}}};
  if (!department.empty()) i.labels["department"] = department;
  return i;
}

TEST(InhibitedByTest, SuppressesWhenTheEqualLabelsAgree) {
  const std::vector<InhibitRule> rules = {OutageRule()};
  EXPECT_EQ(InhibitedBy(rules, Breach("ticketing-center"), {Outage("inc-1", "ticketing-center")}),
            "inc-1");
  EXPECT_EQ(InhibitedBy(rules, Breach("dispatch-center"), {Outage("inc-1", "ticketing-center")}),
            "");
}

TEST(InhibitedByTest, AbsentOnBothSidesIsNotEqual) {
  const std::vector<InhibitRule> rules = {OutageRule()};
  EXPECT_EQ(InhibitedBy(rules, Breach(""), {Outage("inc-1", "")}), "");
  EXPECT_EQ(InhibitedBy(rules, Breach("ticketing-center"), {Outage("inc-1", "")}), "");
  EXPECT_EQ(InhibitedBy(rules, Breach(""), {Outage("inc-1", "ticketing-center")}), "");
}

TEST(InhibitedByTest, NoEqualLabelsMeansAnyMatchingIncident) {
  InhibitRule rule = OutageRule();
  rule.equal.clear();
  EXPECT_EQ(InhibitedBy({rule}, Breach(""), {Outage("inc-1", "")}), "inc-1");
}

TEST(InhibitedByTest, SourceAndTargetMustMatch) {
  const std::vector<InhibitRule> rules = {OutageRule()};
  Labels other_kpi = Breach("ticketing-center");
  other_kpi["kpi"] = "satisfaction_rate";
  EXPECT_EQ(InhibitedBy(rules, other_kpi, {Outage("inc-1", "ticketing-center")}), "");
  ActiveIncident not_outage = Outage("inc-2", "ticketing-center");
  not_outage.labels["plan"] = "safety-complaint";
  EXPECT_EQ(InhibitedBy(rules, Breach("ticketing-center"), {not_outage}), "");
  EXPECT_EQ(InhibitedBy({}, Breach("ticketing-center"), {Outage("inc-1", "ticketing-center")}), "");
}

TEST(InhibitedByTest, AnIncidentNeverInhibitsItsOwnAlert) {
  // A rule whose source and target both match the same alert.
  const InhibitRule rule{
      {M("alertname", "=", "kpi_breached")}, {M("alertname", "=", "kpi_breached")}, {"department"}};
  const Labels alert = Breach("ticketing-center");
  EXPECT_EQ(InhibitedBy({rule}, alert, {ActiveIncident{"inc-1", alert}}), "");
  Labels sibling = alert;
  sibling["unit"] = "ticketing-center";
  EXPECT_EQ(InhibitedBy({rule}, sibling, {ActiveIncident{"inc-1", alert}}), "inc-1");
}

TEST(InhibitedByTest, TheFirstInhibitingIncidentWins) {
  const std::vector<InhibitRule> rules = {OutageRule()};
  EXPECT_EQ(InhibitedBy(rules, Breach("ticketing-center"),
                        {Outage("inc-0", "dispatch-center"), Outage("inc-1", "ticketing-center"),
                         Outage("inc-2", "ticketing-center")}),
            "inc-1");
}

}  // namespace
}  // namespace sqms::alerts::domain
