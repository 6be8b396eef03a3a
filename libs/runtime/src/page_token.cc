#include "sqms/runtime/page_token.h"

#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/hmac.h"

namespace sqms::runtime {
namespace {

constexpr size_t kFiltersDigits = 16;
constexpr size_t kMaxTokenBytes = 1024;

}  // namespace

std::string PageFilters(std::string_view purpose, std::string_view canonical_filters) {
  return HmacSha256Hex(purpose, canonical_filters).substr(0, kFiltersDigits);
}

std::string EncodePageToken(const PageToken& token) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(token.kind, ":", token.filters, ":", token.after.at, ":", token.after.key));
}

std::optional<PageToken> ParsePageToken(std::string_view text) {
  std::string raw;
  if (text.size() > kMaxTokenBytes ||
      !absl::WebSafeBase64Unescape(absl::string_view(text.data(), text.size()), &raw)) {
    return std::nullopt;
  }
  std::vector<std::string> parts = absl::StrSplit(raw, absl::MaxSplits(':', 3));
  PageToken token;
  if (parts.size() != 4 || parts[0].empty() || parts[1].size() != kFiltersDigits ||
      !absl::SimpleAtoi(parts[2], &token.after.at)) {
    return std::nullopt;
  }
  token.kind = std::move(parts[0]);
  token.filters = std::move(parts[1]);
  token.after.key = std::move(parts[3]);
  return token;
}

absl::Status NotAPageToken() {
  return InvalidArgument({{"page_token", "not a token from next_page_token"}});
}

absl::Status PageTokenOfOtherFilters(std::string_view resend) {
  return InvalidArgument(
      {{"page_token", absl::StrCat("belongs to other filters: send it with ",
                                   absl::string_view(resend.data(), resend.size()))}});
}

std::string PageTokens::Encode(std::string_view canonical_filters,
                               const PagePosition& after) const {
  return EncodePageToken({.kind = std::string(kind_),
                          .filters = PageFilters(purpose_, canonical_filters),
                          .after = after});
}

absl::StatusOr<std::optional<PagePosition>> PageTokens::Decode(
    std::string_view text, std::string_view canonical_filters) const {
  if (text.empty()) return std::optional<PagePosition>();
  std::optional<PageToken> token = ParsePageToken(text);
  if (!token || token->kind != kind_) return NotAPageToken();
  if (token->filters != PageFilters(purpose_, canonical_filters)) {
    return PageTokenOfOtherFilters(resend_);
  }
  return std::optional<PagePosition>(std::move(token->after));
}

}  // namespace sqms::runtime
