#include "services/complaints/text/icu_opencc_normalizer.h"

#include <opencc/opencc.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <utility>

#include "absl/strings/str_cat.h"

namespace sqms::complaints::text {

struct IcuOpenccNormalizer::Handles {
  const icu::Normalizer2* nfkc_casefold = nullptr;  // owned by ICU
  opencc_t opencc = reinterpret_cast<opencc_t>(-1);
  ~Handles() {
    if (opencc != reinterpret_cast<opencc_t>(-1)) opencc_close(opencc);
  }
};

absl::StatusOr<std::unique_ptr<IcuOpenccNormalizer>> IcuOpenccNormalizer::Create(
    const std::string& opencc_config) {
  auto handles = std::make_unique<Handles>();
  UErrorCode status = U_ZERO_ERROR;
  handles->nfkc_casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status) || handles->nfkc_casefold == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("ICU NFKC_Casefold unavailable: ", u_errorName(status)));
  }
  handles->opencc = opencc_open(opencc_config.c_str());
  if (handles->opencc == reinterpret_cast<opencc_t>(-1)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "OpenCC config ", opencc_config, " cannot be opened: ", opencc_error(),
        " (install libopencc-data)"));
  }
  return std::unique_ptr<IcuOpenccNormalizer>(new IcuOpenccNormalizer(std::move(handles)));
}

IcuOpenccNormalizer::IcuOpenccNormalizer(std::unique_ptr<Handles> handles)
    : handles_(std::move(handles)) {}

IcuOpenccNormalizer::~IcuOpenccNormalizer() = default;

std::string IcuOpenccNormalizer::Normalize(std::string_view utf8) const {
  // fromUTF8 replaces invalid sequences with U+FFFD, so the output is valid.
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString folded = handles_->nfkc_casefold->normalize(in, status);
  std::string out;
  (U_SUCCESS(status) ? folded : in).toUTF8String(out);
  return Convert(out);
}

std::string IcuOpenccNormalizer::Convert(const std::string& folded) const {
  char* converted = nullptr;
  {
    absl::MutexLock lock(&opencc_mu_);
    converted = opencc_convert_utf8(handles_->opencc, folded.data(), folded.size());
  }
  if (converted == nullptr) return folded;  // conversion error: keep the folded text
  std::string out(converted);
  opencc_convert_utf8_free(converted);
  return out;
}

}  // namespace sqms::complaints::text
