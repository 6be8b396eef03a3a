#pragma once
// The port through which triage asks a trained model (ADR 0007) for
// category probabilities of a normalised text. The rules stay in charge:
// triage.h decides when the model's answer counts. Implementations are
// immutable after construction and thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "services/complaints/domain/model.h"

namespace sqms::complaints::domain {

struct CategoryProbability {
  Category category = Category::kUnspecified;
  double probability = 0;
};

class TextClassifier {
 public:
  virtual ~TextClassifier() = default;
  // The `k` most probable categories of `normalized_text` (text_normalizer.h),
  // most probable first; empty when the model knows no token of the text.
  virtual std::vector<CategoryProbability> Predict(std::string_view normalized_text,
                                                   int k) const = 0;
};

// The model's view of a normalised text: every CJK character and every ASCII
// word (letters, digits, ' and -) is a token, everything else dropped.
// fn(token) for each, in order; a token is a view into `normalized_text`
// and holds no whitespace.
void ForEachModelToken(std::string_view normalized_text,
                       absl::FunctionRef<void(std::string_view token)> fn);
// The tokens joined by single spaces: the line fastText trains on and
// reads (training and prediction both use it).
std::string ModelTokens(std::string_view normalized_text);

}  // namespace sqms::complaints::domain
