#pragma once
// The trained half of triage (ADR 0007): a fastText supervised model over
// the tokens of normalised text (domain::ModelTokens), trained at start-up
// from labelled complaints in the corpus format of tests/data/triage
// (JSON Lines: title, content, category). Training is single-threaded with
// a fixed seed, so the same files always give the same model; ~700 items
// train in well under a second.
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

class FastTextClassifier final : public domain::TextClassifier {
 public:
  // Trains on every item of `files`. NOT_FOUND naming an unreadable file;
  // INVALID_ARGUMENT "<file>:<line>: <problem>" for a bad item (unparseable,
  // unknown category, no text); FAILED_PRECONDITION when fastText refuses
  // (e.g. fewer than two categories).
  static absl::StatusOr<std::unique_ptr<FastTextClassifier>> Train(
      const std::vector<std::string>& files, const domain::TextNormalizer& normalizer);
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
