// IcuOpenccNormalizer's shortcut (a text without a witness character skips
// OpenCC) changes no output: every text of the triage corpus, and every
// entry of the t2s dictionaries inside a Simplified sentence, normalises
// exactly as ICU's NFKC_Casefold followed by OpenCC's own C API does.

#include <gtest/gtest.h>
#include <opencc/Config.hpp>
#include <opencc/Conversion.hpp>
#include <opencc/ConversionChain.hpp>
#include <opencc/Converter.hpp>
#include <opencc/DictGroup.hpp>
#include <opencc/Lexicon.hpp>
#include <opencc/opencc.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "services/complaints/text/icu_opencc_normalizer.h"
#include "tests/source_path.h"

namespace sqms::complaints::text {
namespace {

constexpr const char* kConfig = "/usr/share/opencc/t2s.json";

// The normaliser without its shortcut: ICU, then OpenCC on every text.
class Reference {
 public:
  Reference() : opencc_(opencc_open(kConfig)) {}
  ~Reference() { opencc_close(opencc_); }

  std::string Normalize(const std::string& utf8) const {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* fold = icu::Normalizer2::getNFKCCasefoldInstance(status);
    icu::UnicodeString folded = fold->normalize(icu::UnicodeString::fromUTF8(utf8), status);
    std::string out;
    folded.toUTF8String(out);
    char* converted = opencc_convert_utf8(opencc_, out.data(), out.size());
    std::string result(converted);
    opencc_convert_utf8_free(converted);
    return result;
  }

 private:
  opencc_t opencc_;
};

std::vector<std::string> CorpusTexts() {
  std::vector<std::string> texts;
  const auto dir = sqms::testing::SourceFile("tests/data/triage");
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    if (file.path().extension() != ".jsonl") continue;
    std::ifstream in(file.path());
    for (std::string line; std::getline(in, line);) {
      const auto item = nlohmann::json::parse(line);
      texts.push_back(item.value("title", "") + "\n" + item.value("content", ""));
    }
  }
  return texts;
}

void Keys(const opencc::DictPtr& dict, std::vector<std::string>& out) {
  if (auto group = std::dynamic_pointer_cast<opencc::DictGroup>(dict)) {
    for (const auto& member : group->GetDicts()) Keys(member, out);
    return;
  }
  for (const auto& entry : *dict->GetLexicon()) out.push_back(entry->Key());
}

std::vector<std::string> DictionaryKeys() {
  opencc::Config config;
  std::vector<std::string> keys;
  for (const auto& step : config.NewFromFile(kConfig)->GetConversionChain()->GetConversions()) {
    Keys(step->GetDict(), keys);
  }
  return keys;
}

const IcuOpenccNormalizer& Normalizer() {
  static const auto made = IcuOpenccNormalizer::Create(kConfig);
  return **made;
}

TEST(IcuOpenccNormalizerTest, EveryCorpusTextNormalisesAsIcuThenOpencc) {
  const Reference reference;
  const std::vector<std::string> texts = CorpusTexts();
  ASSERT_GT(texts.size(), 1000u);
  for (const std::string& text : texts) {
    EXPECT_EQ(Normalizer().Normalize(text), reference.Normalize(text)) << text;
  }
}

TEST(IcuOpenccNormalizerTest, EveryDictionaryEntryInContextNormalisesAsOpencc) {
  const Reference reference;
  const std::vector<std::string> keys = DictionaryKeys();
  ASSERT_GT(keys.size(), 4000u);
  for (const std::string& key : keys) {
    const std::string text = "旅客反映" + key + "的问题";
    EXPECT_EQ(Normalizer().Normalize(text), reference.Normalize(text)) << key;
  }
}

TEST(IcuOpenccNormalizerTest, ConvertsTraditionalAndKeepsWhatNeedsNoConversion) {
  EXPECT_GT(Normalizer().WitnessCount(), 4000u);
  EXPECT_EQ(Normalizer().Normalize("車廂冒煙，網路斷了"), "车厢冒烟,网路断了");  // NFKC: ，→ ,
  EXPECT_EQ(Normalizer().Normalize("车厢冒烟"), "车厢冒烟");
  EXPECT_EQ(Normalizer().Normalize("ＡＣ Broken at １２３０６"), "ac broken at 12306");
  EXPECT_EQ(Normalizer().Normalize(""), "");
  // A NUL does not cut the text, whether or not OpenCC runs on it.
  using std::string_literals::operator""s;
  EXPECT_EQ(Normalizer().Normalize("abc\0def"s), "abc\0def"s);
  EXPECT_EQ(Normalizer().Normalize("車\0火車"s), "车\0火车"s);
  EXPECT_EQ(Normalizer().Normalize("abc\0車廂"s), "abc\0车厢"s);
  EXPECT_EQ(Normalizer().Normalize("bad \xff byte"), "bad \xef\xbf\xbd byte");  // U+FFFD
}

}  // namespace
}  // namespace sqms::complaints::text
