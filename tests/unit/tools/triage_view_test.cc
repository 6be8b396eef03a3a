#include "tools/sqmsctl/triage_view.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sqms::tools {
namespace {

namespace cv1 = ::sqms::complaints::v1;
using ::testing::HasSubstr;
using ::testing::Not;

cv1::TriageExplanation Explanation() {
  cv1::TriageExplanation e;
  e.set_config_version("3f2a9c1b7d4e");
  e.set_category_rule("decisive");
  cv1::TriageCategoryScore* safety = e.add_scores();
  safety->set_category(cv1::CATEGORY_SAFETY);
  safety->set_score(3);
  cv1::TriageEvidence* smoke = safety->add_evidence();
  smoke->set_term("冒烟");
  smoke->set_weight(3);
  cv1::TriageCategoryScore* hygiene = e.add_scores();
  hygiene->set_category(cv1::CATEGORY_HYGIENE);
  hygiene->set_score(0);
  cv1::TriageEvidence* dirty = hygiene->add_evidence();
  dirty->set_term("脏");
  dirty->set_weight(1);
  dirty->set_negated_by("不是");
  cv1::TriageSignal* signal = e.add_signals();
  signal->set_signal("urgent_wording");
  signal->set_term("马上");
  signal->set_raises(cv1::TriageSignal::RAISES_URGENCY);
  cv1::TriageModelScore* model = e.add_model();
  model->set_category(cv1::CATEGORY_SAFETY);
  model->set_probability(0.91);
  e.set_urgency_source("signal:urgent_wording");
  e.set_importance_source("category");
  e.set_priority_rule("safety_always_p1");
  e.mutable_routing_rule()->set_category(cv1::CATEGORY_SAFETY);
  e.mutable_routing_rule()->set_department("safety-office");
  return e;
}

TEST(TriageViewTest, ShowsEveryPartOfTheDecision) {
  const std::string text = TriageExplanationText(Explanation(), "  ");
  EXPECT_THAT(text, HasSubstr("decisive (safety wins with any evidence)"));
  EXPECT_THAT(text, HasSubstr("safety 3 = 冒烟 3"));
  EXPECT_THAT(text, HasSubstr("hygiene 0 = 脏 1 (negated by 不是)"));
  EXPECT_THAT(text, HasSubstr("urgent_wording \"马上\" → urgency"));
  EXPECT_THAT(text, HasSubstr("safety 91%"));
  EXPECT_THAT(text, HasSubstr("urgency from signal:urgent_wording"));
  EXPECT_THAT(text, HasSubstr("safety is always P1"));
  EXPECT_THAT(text, HasSubstr("category=safety"));
  EXPECT_THAT(text, HasSubstr("3f2a9c1b7d4e"));
}

TEST(TriageViewTest, ExplainShowsOutcomeSlaAndTheTextAsTheRulesSawIt) {
  cv1::ExplainTriageResponse r;
  r.set_category(cv1::CATEGORY_SAFETY);
  r.set_priority(cv1::PRIORITY_P1);
  r.set_urgency(cv1::LEVEL_HIGH);
  r.set_importance(cv1::LEVEL_HIGH);
  r.set_department("safety-office");
  r.set_first_response_seconds(1800);
  r.set_resolution_seconds(4 * 3600);
  r.set_business_hours(false);
  r.set_normalized_text("\n车厢冒烟了");
  *r.mutable_explanation() = Explanation();
  const std::string text = ExplainTriageText(r);
  EXPECT_THAT(text, HasSubstr("category:   safety"));
  EXPECT_THAT(text, HasSubstr("p1 (urgency high, importance high)"));
  EXPECT_THAT(text, HasSubstr("first response 30m, resolution 4h on a 24x7 clock"));
  EXPECT_THAT(text, HasSubstr("text:       车厢冒烟了\n"));
  // Demo and drill targets in seconds are shown as such, not as "0m".
  r.set_first_response_seconds(40);
  r.set_resolution_seconds(3 * 60 + 30);
  EXPECT_THAT(ExplainTriageText(r), HasSubstr("first response 40s, resolution 3m30s on"));
}

TEST(TriageViewTest, NoEvidenceIsSaidPlainly) {
  cv1::TriageExplanation e;
  e.set_category_rule("default");
  EXPECT_THAT(TriageExplanationText(e, ""), HasSubstr("no term matched"));
  EXPECT_THAT(TriageExplanationText(e, ""), Not(HasSubstr("model")));
}

}  // namespace
}  // namespace sqms::tools
