#include "services/complaints/text/icu_opencc_normalizer.h"

#include <opencc/Config.hpp>
#include <opencc/Conversion.hpp>
#include <opencc/ConversionChain.hpp>
#include <opencc/Converter.hpp>
#include <opencc/DictGroup.hpp>
#include <opencc/Exception.hpp>
#include <opencc/Lexicon.hpp>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <exception>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace sqms::complaints::text {
namespace {

icu::UnicodeString FromUtf8(std::string_view utf8) {
  return icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
}

// The code points of `s`, in order.
std::vector<UChar32> CodePoints(const icu::UnicodeString& s) {
  std::vector<UChar32> out;
  for (int32_t i = 0; i < s.length(); i = s.moveIndex32(i, 1)) out.push_back(s.char32At(i));
  return out;
}

// The witness of an entry that rewrites `key` to `value`: the first
// character of the key that the value changes at its place, or the key's
// first character when the two differ in length.
UChar32 Witness(const std::vector<UChar32>& key, const std::vector<UChar32>& value) {
  if (key.size() == value.size()) {
    for (size_t i = 0; i < key.size(); ++i) {
      if (key[i] != value[i]) return key[i];
    }
  }
  return key.front();
}

// Marks the witnesses of every rewriting entry of `dict` (a group: of each
// of its dictionaries).
void AddWitnesses(const opencc::DictPtr& dict, std::vector<bool>& witnesses) {
  if (auto group = std::dynamic_pointer_cast<opencc::DictGroup>(dict)) {
    for (const opencc::DictPtr& member : group->GetDicts()) AddWitnesses(member, witnesses);
    return;
  }
  for (const std::unique_ptr<opencc::DictEntry>& entry : *dict->GetLexicon()) {
    const std::string key = entry->Key();
    const std::string value = entry->GetDefault();
    if (key.empty() || key == value) continue;  // keeps its key: changes nothing
    const UChar32 w = Witness(CodePoints(FromUtf8(key)), CodePoints(FromUtf8(value)));
    if (w < 0) continue;
    if (static_cast<size_t>(w) >= witnesses.size()) witnesses.resize(w + 1, false);
    witnesses[w] = true;
  }
}

}  // namespace

struct IcuOpenccNormalizer::Handles {
  const icu::Normalizer2* nfkc_casefold = nullptr;  // owned by ICU
  opencc::ConverterPtr converter;
  std::vector<bool> witnesses;  // indexed by code point

  bool HasWitness(const icu::UnicodeString& s) const {
    for (int32_t i = 0; i < s.length(); i = s.moveIndex32(i, 1)) {
      const UChar32 c = s.char32At(i);
      if (c >= 0 && static_cast<size_t>(c) < witnesses.size() && witnesses[c]) return true;
    }
    return false;
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
  try {
    opencc::Config config;
    handles->converter = config.NewFromFile(opencc_config);
    for (const opencc::ConversionPtr& step :
         handles->converter->GetConversionChain()->GetConversions()) {
      AddWitnesses(step->GetDict(), handles->witnesses);
    }
  } catch (const std::exception& e) {
    return absl::FailedPreconditionError(absl::StrCat(
        "OpenCC config ", opencc_config, " cannot be opened: ", e.what(),
        " (install libopencc-data)"));
  }
  return std::unique_ptr<IcuOpenccNormalizer>(new IcuOpenccNormalizer(std::move(handles)));
}

IcuOpenccNormalizer::IcuOpenccNormalizer(std::unique_ptr<Handles> handles)
    : handles_(std::move(handles)) {}

IcuOpenccNormalizer::~IcuOpenccNormalizer() = default;

size_t IcuOpenccNormalizer::WitnessCount() const {
  return static_cast<size_t>(
      std::count(handles_->witnesses.begin(), handles_->witnesses.end(), true));
}

std::string IcuOpenccNormalizer::Normalize(std::string_view utf8) const {
  // fromUTF8 replaces invalid sequences with U+FFFD, so the output is valid.
  const icu::UnicodeString in = FromUtf8(utf8);
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString folded = handles_->nfkc_casefold->normalize(in, status);
  const icu::UnicodeString& text = U_SUCCESS(status) ? folded : in;
  std::string out;
  text.toUTF8String(out);
  if (!handles_->HasWitness(text)) return out;  // OpenCC would return it unchanged
  return Convert(out);
}

std::string IcuOpenccNormalizer::Convert(const std::string& folded) const {
  // OpenCC stops at a NUL (it walks C strings): each piece between NULs is
  // converted on its own, so the whole text is, as when OpenCC is skipped.
  std::string out;
  out.reserve(folded.size());
  absl::MutexLock lock(&opencc_mu_);
  for (size_t begin = 0;;) {
    const size_t end = std::min(folded.find('\0', begin), folded.size());
    const std::string piece = folded.substr(begin, end - begin);
    try {
      out += handles_->converter->Convert(piece);
    } catch (const std::exception&) {
      out += piece;  // conversion error: keep the folded piece
    }
    if (end == folded.size()) return out;
    out.push_back('\0');
    begin = end + 1;
  }
}

}  // namespace sqms::complaints::text
