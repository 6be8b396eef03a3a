#pragma once
// The port through which triage folds text before matching: complaint text
// and configured keywords go through the same Normalize(), so a keyword
// written in Traditional Chinese, upper case or full width matches every
// spelling of it. Implementations must be deterministic and thread-safe.

#include <string>
#include <string_view>

namespace sqms::complaints::domain {

class TextNormalizer {
 public:
  virtual ~TextNormalizer() = default;
  // Valid or invalid UTF-8 in, valid UTF-8 out (invalid bytes dropped or
  // replaced). Never fails.
  virtual std::string Normalize(std::string_view utf8) const = 0;
};

// ASCII lower-casing only (and each byte of an ill-formed sequence replaced
// by U+FFFD): for unit tests of pure rules, and the fallback when nothing
// better is wired. Thread-safe.
class AsciiFoldNormalizer final : public TextNormalizer {
 public:
  std::string Normalize(std::string_view utf8) const override;
  static const AsciiFoldNormalizer& Instance();
};

}  // namespace sqms::complaints::domain
