#include "services/complaints/domain/text_normalizer.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"

#include "services/complaints/domain/utf8.h"

namespace sqms::complaints::domain {
namespace {

constexpr char kFffd[] = "\xEF\xBF\xBD";  // U+FFFD

std::string Fold(std::string_view text) { return AsciiFoldNormalizer::Instance().Normalize(text); }

TEST(AsciiFoldNormalizerTest, LowerCasesAsciiAndKeepsEveryOtherCodePoint) {
  EXPECT_EQ(Fold("No SIGNAL at 北京南站 😀"), "no signal at 北京南站 😀");
}

TEST(AsciiFoldNormalizerTest, ReplacesEachByteOfAnIllFormedSequence) {
  // A lead byte without its continuation, a stray continuation byte.
  EXPECT_EQ(Fold("A\xE4" "B"), absl::StrCat("a", kFffd, "b"));
  EXPECT_EQ(Fold("\x80x"), absl::StrCat(kFffd, "x"));
  // A truncated sequence at the end.
  EXPECT_EQ(Fold("\xE4\xB8"), absl::StrCat(kFffd, kFffd));
  // Overlong "/" (C0 AF), a surrogate (ED A0 80), past U+10FFFF (F4 90 80 80).
  EXPECT_EQ(Fold("\xC0\xAF"), absl::StrCat(kFffd, kFffd));
  EXPECT_EQ(Fold("\xED\xA0\x80"), absl::StrCat(kFffd, kFffd, kFffd));
  EXPECT_EQ(Fold("\xF4\x90\x80\x80"), absl::StrCat(kFffd, kFffd, kFffd, kFffd));
}

TEST(Utf8Test, WellFormedLengthFollowsUnicodesTable) {
  EXPECT_EQ(WellFormedLength(""), 0u);
  EXPECT_EQ(WellFormedLength("a"), 1u);
  EXPECT_EQ(WellFormedLength("\xC2\x80"), 2u);          // U+0080, the first of two bytes
  EXPECT_EQ(WellFormedLength("\xE0\xA0\x80"), 3u);      // U+0800
  EXPECT_EQ(WellFormedLength("\xED\x9F\xBF"), 3u);      // U+D7FF, below the surrogates
  EXPECT_EQ(WellFormedLength("\xF0\x90\x80\x80"), 4u);  // U+10000
  EXPECT_EQ(WellFormedLength("\xF4\x8F\xBF\xBF"), 4u);  // U+10FFFF
  EXPECT_EQ(WellFormedLength("\xC1\xBF"), 0u);          // overlong
  EXPECT_EQ(WellFormedLength("\xE0\x9F\xBF"), 0u);      // overlong
  EXPECT_EQ(WellFormedLength("\xF0\x8F\xBF\xBF"), 0u);  // overlong
  EXPECT_EQ(WellFormedLength("\xF5\x80\x80\x80"), 0u);  // no such lead
  EXPECT_EQ(WellFormedLength("\xE4\xB8"), 0u);          // cut short
  EXPECT_EQ(WellFormedLength("\xE4\x41\x80"), 0u);      // not a continuation
}

}  // namespace
}  // namespace sqms::complaints::domain
