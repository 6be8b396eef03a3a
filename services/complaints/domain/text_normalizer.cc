#include "services/complaints/domain/text_normalizer.h"

namespace sqms::complaints::domain {

std::string AsciiFoldNormalizer::Normalize(std::string_view utf8) const {
  std::string out(utf8);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

const AsciiFoldNormalizer& AsciiFoldNormalizer::Instance() {
  static const AsciiFoldNormalizer kInstance;
  return kInstance;
}

}  // namespace sqms::complaints::domain
