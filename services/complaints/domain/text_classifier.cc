#include "services/complaints/domain/text_classifier.h"

#include <algorithm>

#include "services/complaints/domain/reclassify.h"

namespace sqms::complaints::domain {
namespace {

bool IsWordByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '\'' || c == '-';
}

size_t CodePointLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

}  // namespace

std::string ModelTokens(std::string_view text) {
  std::string out;
  auto add = [&out](std::string_view token) {
    if (!out.empty()) out += ' ';
    out.append(token);
  };
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (IsWordByte(text[i])) {
      size_t end = i;
      while (end < text.size() && IsWordByte(text[end])) ++end;
      add(text.substr(i, end - i));
      i = end;
      continue;
    }
    const size_t n = std::min(CodePointLength(c), text.size() - i);
    // CJK and other scripts from U+2E80 (3-byte lead >= 0xE2 0xBA): one
    // token a character; punctuation and symbols below it are dropped.
    if (n >= 3 && (c > 0xE2 || (c == 0xE2 && static_cast<unsigned char>(text[i + 1]) >= 0xBA))) {
      // Full-width and CJK punctuation (U+3000-U+303F, U+FF00-U+FF0F …) are
      // not words.
      const bool punctuation = (c == 0xE3 && static_cast<unsigned char>(text[i + 1]) == 0x80) ||
                               (c == 0xEF && static_cast<unsigned char>(text[i + 1]) == 0xBC);
      if (!punctuation) add(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

Category CategoryFromName(std::string_view name) {
  for (int c = 1; c <= kCategoryMax; ++c) {
    if (CategoryName(static_cast<Category>(c)) == name) return static_cast<Category>(c);
  }
  return Category::kUnspecified;
}

}  // namespace sqms::complaints::domain
