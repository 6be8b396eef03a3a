#pragma once
// The trained half of triage (ADR 0007): a fastText supervised model over
// the tokens of normalised text (domain::ModelTokens), trained at start-up
// from labelled complaints in the corpus format of tests/data/triage
// (JSON Lines: title, content, category). Training is single-threaded with
// a fixed seed, so the same files always give the same model; 1,720 items
// train in about 1.3 s.
//
// Prediction does fastText's predictLine by other means, for speed:
//  - it computes the input ids Dictionary::getLine would read from the
//    tokens: each known token's id, the end-of-line token "</s>", then
//    every word n-gram's bucket, hashed as fastText 0.9.2 hashes them;
//  - it looks tokens up in its own index of the model's words: fastText's
//    word table has 30 million slots (120 MB), a cache miss per token;
//  - it prefetches the rows of the input matrix (40 MB at the shipped
//    200,000 buckets × dim 50) before fastText's own predict sums them.
// PredictLine keeps fastText's path. TriageCorpusTest holds the two equal
// on the whole corpus, so a fastText that reads lines differently fails
// there. A model with sub-words (maxn > 0) predicts through PredictLine.
// Triage's model step took 15.5 µs a complaint through predictLine and
// takes 11 µs this way (bench/triage_bench, alternated runs).
//
// Thread-safe after Train() returns (prediction is const in fastText).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "services/complaints/domain/text_classifier.h"
#include "services/complaints/domain/text_normalizer.h"

namespace fasttext {
class DenseMatrix;
class Dictionary;
class FastText;
}  // namespace fasttext

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
  // The same answer through fastText's predictLine (the reference Predict
  // is tested against; slower).
  std::vector<domain::CategoryProbability> PredictLine(std::string_view normalized_text,
                                                       int k) const;
  int examples() const { return examples_; }

 private:
  FastTextClassifier(std::unique_ptr<fasttext::FastText> model, int examples);
  // The input ids of `normalized_text`, as Dictionary::getLine reads them
  // from ModelTokens(normalized_text) + "\n" (its tokens, then "</s>").
  std::vector<int32_t> InputIds(std::string_view normalized_text) const;

  std::unique_ptr<fasttext::FastText> model_;
  int examples_;
  // Read from the trained model once (fastText hands out copies).
  std::shared_ptr<const fasttext::Dictionary> dict_;
  std::shared_ptr<const fasttext::DenseMatrix> input_;
  // The model's words: id and fastText's hash of the word.
  absl::flat_hash_map<std::string, std::pair<int32_t, uint32_t>> words_;
  std::string label_prefix_;  // a token starting with it is a label, never an input
  int word_ngrams_;
  uint64_t buckets_;
  bool sub_words_;
};

}  // namespace sqms::complaints::text
