#pragma once
// The trained half of triage (ADR 0007): a fastText supervised model over
// the tokens of normalised text (domain::ModelTokens), trained at start-up
// from labelled complaints in the corpus format of tests/data/triage
// (JSON Lines: title, content, category). Training is single-threaded with
// a fixed seed, so the same files always give the same model; 1,720 items
// train in about 1.3 s.
//
// Thread-safe after Train() returns (prediction is const in fastText).

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/complaints/domain/text_classifier.h"
#include "services/complaints/domain/text_normalizer.h"

namespace fasttext {
class FastText;
}

namespace sqms::complaints::text {

// fastText's training parameters. The defaults are the shipped ones,
// chosen by cross-validation over the training corpus (tools/triage-cv,
// ADR 0007).
struct TrainingOptions {
  int epoch = 50;
  double lr = 0.5;
  int dim = 50;
  int word_ngrams = 2;  // over tokens: CJK character bigrams, English word bigrams
  int minn = 0;         // sub-word character n-grams of English words (0: none)
  int maxn = 0;
  int bucket = 200000;  // the default 2M buckets would cost 400 MB at dim 50
  std::string loss = "softmax";  // softmax | ova | hs | ns
  int seed = 1;
};

// One labelled example: a category name and its normalised text.
struct LabelledText {
  std::string category;
  std::string normalized_text;
};

class FastTextClassifier final : public domain::TextClassifier {
 public:
  // Trains on every item of `files`. NOT_FOUND naming an unreadable file;
  // INVALID_ARGUMENT "<file>:<line>: <problem>" for a bad item (unparseable,
  // unknown category, no text); FAILED_PRECONDITION when fastText refuses
  // (e.g. fewer than two categories).
  static absl::StatusOr<std::unique_ptr<FastTextClassifier>> Train(
      const std::vector<std::string>& files, const domain::TextNormalizer& normalizer,
      const TrainingOptions& options = {});
  // Trains on `examples` (categories by name, texts normalised).
  static absl::StatusOr<std::unique_ptr<FastTextClassifier>> Train(
      const std::vector<LabelledText>& examples, const TrainingOptions& options = {});
  // The labelled items of one corpus file (tests/data/triage format), text
  // normalised; errors as Train's.
  static absl::StatusOr<std::vector<LabelledText>> ReadExamples(
      const std::string& file, const domain::TextNormalizer& normalizer);
  ~FastTextClassifier() override;

  std::vector<domain::CategoryProbability> Predict(std::string_view normalized_text,
                                                   int k) const override;
  int examples() const { return examples_; }

 private:
  FastTextClassifier(std::unique_ptr<fasttext::FastText> model, int examples);
  std::unique_ptr<fasttext::FastText> model_;
  int examples_;
};

}  // namespace sqms::complaints::text
