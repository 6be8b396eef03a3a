#include "services/complaints/domain/text_normalizer.h"

#include "services/complaints/domain/utf8.h"

namespace sqms::complaints::domain {

std::string AsciiFoldNormalizer::Normalize(std::string_view utf8) const {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size();) {
    const char c = utf8[i];
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
      ++i;
    } else if (const size_t n = WellFormedLength(utf8.substr(i)); n > 0) {
      out.append(utf8.substr(i, n));
      i += n;
    } else {  // each byte of a broken sequence becomes one U+FFFD
      out.append(kReplacement);
      ++i;
    }
  }
  return out;
}

const AsciiFoldNormalizer& AsciiFoldNormalizer::Instance() {
  static const AsciiFoldNormalizer kInstance;
  return kInstance;
}

}  // namespace sqms::complaints::domain
