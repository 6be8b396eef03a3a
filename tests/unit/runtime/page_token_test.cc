// The keyset page token every paging List of the suite uses: what it
// encodes comes back, and a token of another kind, of other filters, or no
// token at all is refused on page_token with what to do.
#include "sqms/runtime/page_token.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/escaping.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::runtime {
namespace {

using ::testing::HasSubstr;

std::string Violation(const absl::Status& s) {
  std::vector<FieldViolation> v = FieldViolations(s);
  return v.size() == 1 ? v[0].field + ": " + v[0].description : s.ToString();
}

TEST(PageTokenTest, ThePositionComesBackWithItsKindAndFilters) {
  const std::string filters = PageFilters("test-list", "plan=3:abc;");
  // A key may hold the separator: only the first three split.
  const PageToken sent{
      .kind = "i1", .filters = filters, .after = {.at = -1'780'000'123'456, .key = "INC:1:x"}};
  std::optional<PageToken> read = ParsePageToken(EncodePageToken(sent));
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->kind, "i1");
  EXPECT_EQ(read->filters, filters);
  EXPECT_EQ(read->after, sent.after);

  constexpr PageTokens kTokens{"i1", "test-list", "the plan"};
  auto decoded = kTokens.Decode(EncodePageToken(sent), "plan=3:abc;");
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(**decoded, sent.after);
  auto again = kTokens.Decode(kTokens.Encode("plan=3:abc;", sent.after), "plan=3:abc;");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(**again, sent.after);
}

TEST(PageTokenTest, NoTokenIsTheFirstPage) {
  auto first = PageTokens("i1", "test-list", "the plan").Decode("", "");
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->has_value());
}

TEST(PageTokenTest, FiltersAreShortHexStableAndApartPerPurpose) {
  const std::string f = PageFilters("test-list", "plan=3:abc;");
  EXPECT_EQ(f.size(), 16u);
  EXPECT_EQ(f.find_first_not_of("0123456789abcdef"), std::string::npos) << f;
  EXPECT_EQ(PageFilters("test-list", "plan=3:abc;"), f);
  EXPECT_NE(PageFilters("test-list", "plan=3:abd;"), f);
  EXPECT_NE(PageFilters("other-list", "plan=3:abc;"), f);
}

TEST(PageTokenTest, ATokenOfOtherFiltersIsRefusedSayingWhatToSend) {
  const std::string token = EncodePageToken(
      {.kind = "i1", .filters = PageFilters("test-list", "a"), .after = {.at = 1, .key = "k"}});
  auto refused = PageTokens("i1", "test-list", "the same plan_id").Decode(token, "b");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Violation(refused.status()),
            "page_token: belongs to other filters: send it with the same plan_id");
}

TEST(PageTokenTest, WhatIsNotATokenOfTheKindIsSaidSo) {
  const std::string filters = PageFilters("test-list", "a");
  for (const std::string& text :
       {std::string("not base64 !"), absl::WebSafeBase64Escape("i1:" + filters + ":x:k"),
        absl::WebSafeBase64Escape("i1:short:1:k"), absl::WebSafeBase64Escape("i1:1:k"),
        absl::WebSafeBase64Escape(":" + filters + ":1:k"),
        EncodePageToken({.kind = "m1", .filters = filters, .after = {.at = 1, .key = "k"}}),
        std::string(2000, 'A')}) {
    auto refused = PageTokens("i1", "test-list", "the plan").Decode(text, "a");
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(Violation(refused.status()), "page_token: not a token from next_page_token") << text;
  }
  EXPECT_THAT(NotAPageToken().message(), HasSubstr("page_token"));
}

}  // namespace
}  // namespace sqms::runtime
