// TermMatcher on its own: the candidate index (terms filed by their first
// character) and the negation cues (all cues found in one scan of the
// clause). Triage's behaviour on top of it: triage_test.cc.
#include "services/complaints/domain/term_matcher.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace sqms::complaints::domain {
namespace {

std::vector<std::string> Found(const TermMatcher& m, std::string_view text) {
  std::vector<std::string> out;
  for (const TermMatcher::Match& match : m.FindAll(text)) {
    out.push_back(match.term->text + (match.negation_cue.empty() ? "" : "!" + match.negation_cue));
  }
  return out;
}

TermMatcher::Term T(std::string text, bool absence_negates = false) {
  return {.text = std::move(text), .owner = 0, .weight = 1, .absence_negates = absence_negates};
}

TEST(TermMatcherTest, CharactersSharingTheirFirstBytesMatchOnlyTheirOwnTerms) {
  // 烟 E7 83 9F, 热 E7 83 AD, 火 E7 81 AB: the same first byte, the first
  // two for the first pair.
  TermMatcher m({T("烟"), T("热水"), T("火")}, {});
  EXPECT_EQ(Found(m, "热水冒烟起火"), (std::vector<std::string>{"热水", "烟", "火"}));
  EXPECT_TRUE(Found(m, "热饭").empty());
}

TEST(TermMatcherTest, LongestTermAtAPositionWinsAcrossScripts) {
  TermMatcher m({T("wifi"), T("wifi信号"), T("信号"), T("w")}, {});
  EXPECT_EQ(Found(m, "车上wifi信号差"), (std::vector<std::string>{"wifi信号"}));
  EXPECT_EQ(Found(m, "wifi断了, w 键坏了"), (std::vector<std::string>{"wifi", "w"}));
}

TEST(TermMatcherTest, AOneLetterPrefixTermMatchesWordsStartingWithIt) {
  TermMatcher m({T("x*")}, {});
  EXPECT_EQ(Found(m, "a xray box"), (std::vector<std::string>{"x*"}));
  EXPECT_TRUE(Found(m, "box").empty());
}

TEST(TermMatcherTest, TheFirstConfiguredCueWithinTheWindowNegates) {
  NegationRules rules{.before = {"没", "不是"},
                      .absence = {},
                      .after = {"无关"},
                      .pseudo = {},
                      .contrast = {"但"},
                      .reported = {},
                      .window = 2,
                      .after_window = 3};
  TermMatcher m({T("冒烟")}, rules);
  // Both cues precede the term within the window: the one listed first.
  EXPECT_EQ(Found(m, "不是没冒烟"), (std::vector<std::string>{"冒烟!没"}));
  // ... also when another cue stands nearer to the term.
  EXPECT_EQ(Found(m, "没不是冒烟"), (std::vector<std::string>{"冒烟!没"}));
  // A cue three tokens away is outside a window of two.
  EXPECT_EQ(Found(m, "不是车厢里冒烟"), (std::vector<std::string>{"冒烟"}));
  // The cue's last occurrence counts: the nearer one.
  EXPECT_EQ(Found(m, "不是车厢不是冒烟"), (std::vector<std::string>{"冒烟!不是"}));
  // After the term, within after_window tokens.
  EXPECT_EQ(Found(m, "冒烟和此事无关"), (std::vector<std::string>{"冒烟!无关"}));
  // A contrast word cuts the clause: the cue before it no longer applies.
  EXPECT_EQ(Found(m, "不是但冒烟"), (std::vector<std::string>{"冒烟"}));
  // A clause mark ends the clause, the CJK comma as much as the ASCII one.
  EXPECT_EQ(Found(m, "不是，冒烟"), (std::vector<std::string>{"冒烟"}));
  EXPECT_EQ(Found(m, "不是,冒烟"), (std::vector<std::string>{"冒烟"}));
}

TEST(TermMatcherTest, ACueAfterABrokenSequenceStillNegates) {
  // Text that is not valid UTF-8 (a lead byte without its continuation
  // bytes) is scanned byte by byte there: the cue right after it is found.
  NegationRules rules{.before = {"not", "不是"},
                      .absence = {},
                      .after = {},
                      .pseudo = {},
                      .contrast = {},
                      .reported = {},
                      .window = 3,
                      .after_window = 3};
  TermMatcher m({T("smoke"), T("冒烟")}, rules);
  EXPECT_EQ(Found(m, "\xE4not smoke"), (std::vector<std::string>{"smoke!not"}));
  EXPECT_EQ(Found(m, "\xE4\xB8不是冒烟"), (std::vector<std::string>{"冒烟!不是"}));
}

TEST(TermMatcherTest, EnglishCuesNegateOnWordBoundariesOnly) {
  NegationRules rules{.before = {"not"},
                      .absence = {"no"},
                      .after = {},
                      .pseudo = {"not only"},
                      .contrast = {"but"},
                      .reported = {},
                      .window = 3,
                      .after_window = 3};
  TermMatcher m({T("smoke", true), T("delay")}, rules);
  EXPECT_EQ(Found(m, "there was not smoke"), (std::vector<std::string>{"smoke!not"}));
  EXPECT_EQ(Found(m, "there was no smoke"), (std::vector<std::string>{"smoke!no"}));
  // "no" negates only terms marked absence_negates; "knot" holds no "not".
  EXPECT_EQ(Found(m, "no delay"), (std::vector<std::string>{"delay"}));
  EXPECT_EQ(Found(m, "a knot smoke"), (std::vector<std::string>{"smoke"}));
  // A pseudo-cue is no negation.
  EXPECT_EQ(Found(m, "not only smoke"), (std::vector<std::string>{"smoke"}));
}

TEST(TermMatcherTest, AnEnglishContrastWordCutsTheClauseOnWordBoundariesOnly) {
  NegationRules rules{.before = {"not"},
                      .absence = {},
                      .after = {"fine"},
                      .pseudo = {},
                      .contrast = {"but"},
                      .reported = {},
                      .window = 3,
                      .after_window = 3};
  TermMatcher m({T("smoke")}, rules);
  // Before the term: "but" cuts the cue off; "button" and "rebut" do not.
  EXPECT_EQ(Found(m, "not but smoke"), (std::vector<std::string>{"smoke"}));
  EXPECT_EQ(Found(m, "not button smoke"), (std::vector<std::string>{"smoke!not"}));
  EXPECT_EQ(Found(m, "not rebut smoke"), (std::vector<std::string>{"smoke!not"}));
  // The word nearest the term counts, though a longer one holds it later.
  EXPECT_EQ(Found(m, "not but button smoke"), (std::vector<std::string>{"smoke"}));
  // After the term, the same.
  EXPECT_EQ(Found(m, "smoke but fine"), (std::vector<std::string>{"smoke"}));
  EXPECT_EQ(Found(m, "smoke button fine"), (std::vector<std::string>{"smoke!fine"}));
}

TEST(TermMatcherTest, AnAfterCueInReportedSpeechIsSomeoneElsesAndNegatesNothing) {
  NegationRules rules{.before = {"not"},
                      .absence = {},
                      .after = {"没问题", "is fine"},
                      .pseudo = {},
                      .contrast = {},
                      .reported = {"说", "said"},
                      .window = 3,
                      .after_window = 8};
  TermMatcher m({T("冒烟"), T("smoke")}, rules);
  // The writer's own concession negates; the same words reported do not.
  EXPECT_EQ(Found(m, "冒烟没问题"), (std::vector<std::string>{"冒烟!没问题"}));
  EXPECT_EQ(Found(m, "车厢冒烟乘务员说没问题"), (std::vector<std::string>{"冒烟"}));
  EXPECT_EQ(Found(m, "列车员说冒烟没问题"), (std::vector<std::string>{"冒烟"}));
  EXPECT_EQ(Found(m, "the smoke is fine"), (std::vector<std::string>{"smoke!is fine"}));
  EXPECT_EQ(Found(m, "the guard said the smoke is fine"), (std::vector<std::string>{"smoke"}));
  // A before-cue still negates in reported speech; "saidx" is no speech word.
  EXPECT_EQ(Found(m, "he said not smoke"), (std::vector<std::string>{"smoke!not"}));
  EXPECT_EQ(Found(m, "saidx the smoke is fine"), (std::vector<std::string>{"smoke!is fine"}));
  // Only within the clause: a speech word in another clause changes nothing.
  EXPECT_EQ(Found(m, "he said so. the smoke is fine"), (std::vector<std::string>{"smoke!is fine"}));
}

}  // namespace
}  // namespace sqms::complaints::domain
