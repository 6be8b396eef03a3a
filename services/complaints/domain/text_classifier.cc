#include "services/complaints/domain/text_classifier.h"

#include <algorithm>

#include "services/complaints/domain/utf8.h"

namespace sqms::complaints::domain {
namespace {

// A model token also keeps apostrophes and hyphens ("don't", "e-ticket").
bool IsWordByte(char c) { return IsAsciiWordChar(c) || c == '\'' || c == '-'; }

}  // namespace

void ForEachModelToken(std::string_view text, absl::FunctionRef<void(std::string_view token)> fn) {
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (IsWordByte(text[i])) {
      size_t end = i;
      while (end < text.size() && IsWordByte(text[end])) ++end;
      fn(text.substr(i, end - i));
      i = end;
      continue;
    }
    const size_t n = std::min(Utf8Length(c), text.size() - i);
    // CJK and other scripts from U+2E80 (3-byte lead >= 0xE2 0xBA): one
    // token a character; punctuation and symbols below it are dropped.
    if (n >= 3 && (c > 0xE2 || (c == 0xE2 && static_cast<unsigned char>(text[i + 1]) >= 0xBA))) {
      // Full-width and CJK punctuation (U+3000-U+303F, U+FF00-U+FF0F …) are
      // not words.
      const bool punctuation = (c == 0xE3 && static_cast<unsigned char>(text[i + 1]) == 0x80) ||
                               (c == 0xEF && static_cast<unsigned char>(text[i + 1]) == 0xBC);
      if (!punctuation) fn(text.substr(i, n));
    }
    i += n;
  }
}

std::string ModelTokens(std::string_view text) {
  std::string out;
  ForEachModelToken(text, [&out](std::string_view token) {
    if (!out.empty()) out += ' ';
    out.append(token);
  });
  return out;
}

}  // namespace sqms::complaints::domain
