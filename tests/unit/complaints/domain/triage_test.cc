#include "services/complaints/domain/triage.h"

#include <gtest/gtest.h>

#include "tests/unit/complaints/domain/test_config.h"

namespace sqms::complaints::domain {
namespace {

using test_support::TestTriageConfig;

Submission Text(const std::string& title, const std::string& content = "") {
  Submission s;
  s.title = title;
  s.content = content;
  return s;
}

class TriageTest : public ::testing::Test {
 protected:
  Triage triage_{TestTriageConfig()};
};

TEST_F(TriageTest, ChineseKeywordsMatch) {
  Assessment a = triage_.Assess(Text("投诉", "列车车厢冒烟"));
  EXPECT_EQ(a.category, Category::kSafety);
  EXPECT_FALSE(a.category_overridden);
  EXPECT_EQ(a.priority, Priority::kP1);
  EXPECT_EQ(a.department, "safety-office");
}

TEST_F(TriageTest, EnglishKeywordsAreCaseInsensitive) {
  EXPECT_EQ(triage_.Assess(Text("The conductor was RUDE")).category,
            Category::kServiceAttitude);
  EXPECT_EQ(triage_.Assess(Text("", "Train DeLaYed by 2 hours")).category,
            Category::kTimeliness);
}

TEST_F(TriageTest, SafetyIsDecisiveWhateverElseScores) {
  // Three ticketing terms against one safety keyword: safety still wins.
  Assessment a = triage_.Assess(Text("退票 ticket refund, and a fire in the office"));
  EXPECT_EQ(a.category, Category::kSafety);
  EXPECT_EQ(a.explanation.category_rule, "decisive");
}

TEST_F(TriageTest, BestEvidenceWinsNotTheFirstListed) {
  // Ticketing is listed before billing, but the billing evidence is stronger
  // and "12306" is only a weak hint (the hotline's name).
  Assessment a = triage_.Assess(Text("打12306投诉", "话费 bill"));
  EXPECT_EQ(a.category, Category::kBilling);
  EXPECT_EQ(a.explanation.category_rule, "best_score");
  ASSERT_GE(a.explanation.scores.size(), 2u);
  EXPECT_EQ(a.explanation.scores[0].category, Category::kBilling);
  EXPECT_DOUBLE_EQ(a.explanation.scores[0].score, 4.0);
  EXPECT_EQ(a.explanation.scores[1].category, Category::kTicketing);
  EXPECT_DOUBLE_EQ(a.explanation.scores[1].score, 0.5);
}

TEST_F(TriageTest, TiesGoToTheCategoryListedFirst) {
  EXPECT_EQ(triage_.Assess(Text("rude and delay")).category, Category::kServiceAttitude);
}

TEST_F(TriageTest, NegatedEvidenceDoesNotCount) {
  Assessment a = triage_.Assess(Text("", "不是安全问题，就是厕所太脏了"));
  EXPECT_EQ(a.category, Category::kHygiene);
  ASSERT_FALSE(a.explanation.scores.empty());
  const CategoryScore* safety = nullptr;
  for (const CategoryScore& s : a.explanation.scores) {
    if (s.category == Category::kSafety) safety = &s;
  }
  ASSERT_NE(safety, nullptr);
  EXPECT_DOUBLE_EQ(safety->score, 0);
  EXPECT_EQ(safety->evidence[0].negated_by, "不是");
  EXPECT_EQ(triage_.Assess(Text("It is not a fire, the toilet is dirty")).category,
            Category::kHygiene);
}

TEST_F(TriageTest, PseudoNegationAndContrastKeepTheEvidence) {
  EXPECT_EQ(triage_.Assess(Text("", "不是第一次冒烟了")).category, Category::kSafety);
  EXPECT_EQ(triage_.Assess(Text("", "not rude but there was smoke")).category,
            Category::kSafety);
  EXPECT_EQ(triage_.Assess(Text("", "不是态度问题但是车厢冒烟")).category, Category::kSafety);
}

TEST_F(TriageTest, LongestTermWinsSoCigaretteButtsAreNotSmoke) {
  // 烟头 (hygiene) is longer than any safety term starting there.
  EXPECT_EQ(triage_.Assess(Text("", "地上全是烟头")).category, Category::kHygiene);
}

TEST_F(TriageTest, EnglishTermsMatchWholeWordsWithInflections) {
  EXPECT_EQ(triage_.Assess(Text("", "my train was delayed")).category, Category::kTimeliness);
  EXPECT_EQ(triage_.Assess(Text("", "fires everywhere")).category, Category::kSafety);
  // "fire" inside another word is no evidence.
  EXPECT_EQ(triage_.Assess(Text("", "firewall settings")).category, Category::kOther);
}

TEST_F(TriageTest, NoKeywordGivesTheDefaultCategory) {
  Assessment a = triage_.Assess(Text("你好", "hello"));
  EXPECT_EQ(a.category, Category::kOther);
  EXPECT_EQ(a.department, "customer-service");
}

TEST_F(TriageTest, OverrideWins) {
  Submission s = Text("车票问题");
  s.category = Category::kHygiene;
  Assessment a = triage_.Assess(s);
  EXPECT_EQ(a.category, Category::kHygiene);
  EXPECT_TRUE(a.category_overridden);
  EXPECT_EQ(a.importance, Level::kLow);
}

TEST_F(TriageTest, ASubmittedCategoryNeverLowersSafety) {
  // A web form's drop-down said hygiene; the text reports smoke.
  Submission s = Text("插座冒烟", "有焦糊味");
  s.category = Category::kHygiene;
  Assessment a = triage_.Assess(s);
  EXPECT_EQ(a.category, Category::kSafety);
  EXPECT_FALSE(a.category_overridden);
  EXPECT_EQ(a.priority, Priority::kP1);
  EXPECT_EQ(a.explanation.category_rule, "decisive_over_submitted");
  EXPECT_EQ(a.explanation.suggested_category, Category::kSafety);
  EXPECT_EQ(a.department, "safety-office");
  // Raising to safety is the client's to make.
  Submission raised = Text("车票问题");
  raised.category = Category::kSafety;
  EXPECT_EQ(triage_.Assess(raised).category, Category::kSafety);
  EXPECT_EQ(triage_.Assess(raised).explanation.category_rule, "submitted");
}

TEST_F(TriageTest, SafetyIsAlwaysP1) {
  Submission s = Text("安全隐患");
  s.urgency = Level::kLow;
  s.importance = Level::kLow;
  EXPECT_EQ(triage_.Assess(s).priority, Priority::kP1);
}

TEST_F(TriageTest, SignalsRaiseUrgencyAndImportance) {
  Assessment a = triage_.Assess(Text("厕所 dirty, everyone complains"));
  EXPECT_EQ(a.importance, Level::kHigh);
  EXPECT_EQ(a.explanation.importance_source, "signal:many_affected");
  EXPECT_EQ(a.urgency, Level::kMedium);
  EXPECT_EQ(a.explanation.urgency_source, "default");
  EXPECT_EQ(a.priority, Priority::kP2);
  EXPECT_EQ(a.explanation.priority_rule, "matrix");
  ASSERT_EQ(a.explanation.signals.size(), 1u);
  EXPECT_EQ(a.explanation.signals[0].term, "everyone");
}

TEST_F(TriageTest, UrgencyFromKeywordsDefaultAndOverride) {
  EXPECT_EQ(triage_.Assess(Text("退票 紧急")).urgency, Level::kHigh);
  EXPECT_EQ(triage_.Assess(Text("Refund URGENT")).urgency, Level::kHigh);
  EXPECT_EQ(triage_.Assess(Text("退票")).urgency, Level::kMedium);
  Submission s = Text("退票 紧急");
  s.urgency = Level::kLow;
  EXPECT_EQ(triage_.Assess(s).urgency, Level::kLow);
}

TEST_F(TriageTest, PriorityMatrix) {
  struct Case {
    Level urgency, importance;
    Priority expected;
  } cases[] = {{Level::kLow, Level::kLow, Priority::kP4},
               {Level::kMedium, Level::kMedium, Priority::kP3},
               {Level::kMedium, Level::kHigh, Priority::kP2},
               {Level::kHigh, Level::kLow, Priority::kP2},
               {Level::kHigh, Level::kHigh, Priority::kP1}};
  for (const Case& c : cases) {
    Submission s = Text("退票");
    s.urgency = c.urgency;
    s.importance = c.importance;
    EXPECT_EQ(triage_.Assess(s).priority, c.expected)
        << static_cast<int>(c.urgency) << "x" << static_cast<int>(c.importance);
  }
  // Importance from the category: hygiene is low, urgency medium → P3.
  EXPECT_EQ(triage_.Assess(Text("厕所很脏 dirty")).priority, Priority::kP3);
}

TEST_F(TriageTest, RoutingMostSpecificWins) {
  struct Case {
    std::string title, region, station, department;
  } cases[] = {
      {"退票", "华北", "北京南", "beijing-south-ticketing"},  // category + station
      {"退票", "华北", "天津", "north-ticketing"},             // category + region
      {"退票", "华东", "上海", "ticketing-center"},            // category
      {"晚点", "华北", "北京南", "beijing-south-station"},     // station
      {"晚点", "华北", "天津", "north-region"},                // region
      {"晚点", "华东", "上海", "customer-service"},            // default
  };
  for (const Case& c : cases) {
    Submission s = Text(c.title);
    s.location.region = c.region;
    s.location.station = c.station;
    EXPECT_EQ(triage_.Assess(s).department, c.department) << c.title << " " << c.station;
  }
  Submission s = Text("退票");
  s.location.station = "北京南";
  Assessment a = triage_.Assess(s);
  ASSERT_TRUE(a.explanation.routing_rule.has_value());
  EXPECT_EQ(a.explanation.routing_rule->category, Category::kTicketing);
  EXPECT_EQ(a.explanation.routing_rule->station, "北京南");
  EXPECT_FALSE(triage_.Assess(Text("晚点")).explanation.routing_rule.has_value());
}

TEST_F(TriageTest, PolicyAndCalendar) {
  EXPECT_EQ(triage_.Policy(Priority::kP1).first_response, absl::Minutes(30));
  EXPECT_FALSE(triage_.Policy(Priority::kP1).business_hours);
  absl::Time sunday = test_support::At(2026, 11, 22, 3);
  EXPECT_TRUE(triage_.CalendarFor(Priority::kP1).IsOpen(sunday));
  EXPECT_FALSE(triage_.CalendarFor(Priority::kP3).IsOpen(sunday));
}


// A model that answers from the words it sees: "ticket" is ticketing,
// "slipped" (without a ticket) safety, anything else billing — enough to
// drive each step.
class ScriptedClassifier final : public TextClassifier {
 public:
  std::vector<CategoryProbability> Predict(std::string_view text, int k) const override {
    std::vector<CategoryProbability> out;
    if (text.find("ticket") != std::string_view::npos) {
      out = {{Category::kTicketing, 0.7}, {Category::kBilling, 0.2}, {Category::kSafety, 0.1}};
    } else if (text.find("slipped") != std::string_view::npos) {
      out = {{Category::kSafety, 0.9}, {Category::kTicketing, 0.05}, {Category::kBilling, 0.05}};
    } else {
      out = {{Category::kBilling, 0.6}, {Category::kTicketing, 0.3}, {Category::kSafety, 0.1}};
    }
    if (static_cast<int>(out.size()) > k) out.resize(k);
    return out;
  }
};

TEST(TriageModelTest, CombinedScoreAddsTheWeightedProbabilityToTheRules) {
  TriageConfig config = test_support::TestTriageConfig();
  config.model.model_weight = 4;
  config.model.rules_win_score = 6;
  ScriptedClassifier model;
  Triage triage(config, AsciiFoldNormalizer::Instance(), &model);
  // Rules: attitude 1 ("rude"); model: billing 0.6 -> 2.4 beats 1.
  Assessment a = triage.Assess(Text("", "rude people here"));
  EXPECT_EQ(a.category, Category::kBilling);
  EXPECT_EQ(a.explanation.category_rule, "combined");
  EXPECT_EQ(a.explanation.model.size(), 3u);  // the explanation keeps the top three
  // Rules: ticketing 1 ("ticket") + 4 * 0.7 beats billing 4 * 0.2.
  EXPECT_EQ(triage.Assess(Text("", "my ticket")).category, Category::kTicketing);
  // Strong rule evidence outweighs the model: 话费 3 + bill 1 + 4 * 0.2 > 1 + 4 * 0.7.
  Assessment strong = triage.Assess(Text("", "ticket 话费 bill"));
  EXPECT_EQ(strong.category, Category::kBilling);
  EXPECT_EQ(strong.explanation.category_rule, "combined");
  // From rules_win_score on, the rules decide without the model.
  config.model.rules_win_score = 4;
  Triage rules_first(config, AsciiFoldNormalizer::Instance(), &model);
  EXPECT_EQ(rules_first.Assess(Text("", "ticket 话费 bill")).explanation.category_rule,
            "best_score");
}

TEST(TriageModelTest, ASureSentenceOfItsOwnMakesSafety) {
  TriageConfig config = test_support::TestTriageConfig();
  config.model.model_weight = 4;
  ScriptedClassifier model;
  const std::string text = "I want a refund of my ticket. Also a man slipped on the stairs.";
  {
    Triage triage(config, AsciiFoldNormalizer::Instance(), &model);
    // The whole text reads as ticketing (no sentence check configured).
    EXPECT_EQ(triage.Assess(Text("", text)).category, Category::kTicketing);
  }
  config.model.sentence_safety_probability = 0.8;
  Triage triage(config, AsciiFoldNormalizer::Instance(), &model);
  Assessment a = triage.Assess(Text("", text));
  EXPECT_EQ(a.category, Category::kSafety);
  EXPECT_EQ(a.explanation.category_rule, "model_safety_sentence");
  EXPECT_EQ(a.priority, Priority::kP1);
  // One sentence only: the whole-text rules apply, not the sentence check.
  EXPECT_EQ(triage.Assess(Text("", "my ticket refund")).category, Category::kTicketing);
}

TEST(TriageModelTest, WithoutModelWeightTheRulesThenTheModelDecide) {
  TriageConfig config = test_support::TestTriageConfig();
  ScriptedClassifier model;
  Triage triage(config, AsciiFoldNormalizer::Instance(), &model);
  // Weak rule evidence (1 < rules_win_score 3): the model's top (0.6 >= 0.5).
  Assessment a = triage.Assess(Text("", "rude people here"));
  EXPECT_EQ(a.category, Category::kBilling);
  EXPECT_EQ(a.explanation.category_rule, "model");
  config.model.rules_win_score = 1;
  Triage rules_first(config, AsciiFoldNormalizer::Instance(), &model);
  EXPECT_EQ(rules_first.Assess(Text("", "rude people here")).category,
            Category::kServiceAttitude);
}

}  // namespace
}  // namespace sqms::complaints::domain
