#pragma once
// The two UTF-8 facts the text matching needs (term_matcher, text
// classifier tokens): how long a code point is from its lead byte, and what
// counts as an ASCII word character. Pure; no validation (invalid input was
// replaced by the normaliser).

#include <cstddef>

namespace sqms::complaints::domain {

// Bytes of the code point that starts with `lead`; 1 for ASCII and for a
// stray continuation byte, so a scan always advances.
inline size_t Utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

// ASCII letter or digit: English words match whole on these boundaries.
inline bool IsAsciiWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace sqms::complaints::domain
