#pragma once
// The UTF-8 facts the text matching needs (term_matcher, text classifier
// tokens): how long a code point is from its lead byte, and what counts as
// an ASCII word character; and, for the normaliser that makes text valid,
// whether a code point is well formed. Pure.

#include <cstddef>
#include <string_view>

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

// Bytes of the well-formed code point at the start of `s` (Unicode's table
// 3-7: no overlong forms, surrogates or values past U+10FFFF), 0 when it
// is not one or `s` is empty.
inline size_t WellFormedLength(std::string_view s) {
  if (s.empty()) return 0;
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  const size_t n = Utf8Length(lead);
  if (n == 1 || lead == 0xC0 || lead == 0xC1 || lead > 0xF4 || s.size() < n) return 0;
  // The second byte's range depends on the lead; the others are 80..BF.
  unsigned char low = 0x80, high = 0xBF;
  if (lead == 0xE0) low = 0xA0;
  if (lead == 0xED) high = 0x9F;
  if (lead == 0xF0) low = 0x90;
  if (lead == 0xF4) high = 0x8F;
  if (byte(1) < low || byte(1) > high) return 0;
  for (size_t i = 2; i < n; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
  }
  return n;
}

// ASCII letter or digit: English words match whole on these boundaries.
inline bool IsAsciiWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace sqms::complaints::domain
