#include "services/complaints/text/fasttext_classifier.h"

#include <fasttext/args.h>
#include <fasttext/fasttext.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace sqms::complaints::text {
namespace {

constexpr std::string_view kLabelPrefix = "__label__";

// One labelled example a line, as fastText reads them.
absl::Status AppendExamples(const std::string& file, const domain::TextNormalizer& normalizer,
                            std::ostream& out, int* count) {
  std::ifstream in(file);
  if (!in) return absl::NotFoundError(absl::StrCat(file, ": cannot read the file"));
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty()) continue;
    const std::string where = absl::StrCat(file, ":", line_number, ": ");
    nlohmann::json item = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (item.is_discarded() || !item.is_object()) {
      return absl::InvalidArgumentError(where + "not a JSON object");
    }
    const std::string category = item.value("category", "");
    if (domain::CategoryFromName(category) == domain::Category::kUnspecified) {
      return absl::InvalidArgumentError(where + "unknown category \"" + category + "\"");
    }
    const std::string tokens = domain::ModelTokens(normalizer.Normalize(
        absl::StrCat(item.value("title", ""), "\n", item.value("content", ""))));
    if (tokens.empty()) return absl::InvalidArgumentError(where + "no title or content");
    out << kLabelPrefix << category << ' ' << tokens << '\n';
    ++*count;
  }
  return absl::OkStatus();
}

fasttext::Args TrainingArgs(const std::string& input) {
  fasttext::Args args;
  args.input = input;
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.minCount = 1;
  args.minn = 0;  // CJK tokens are single characters; no sub-words needed
  args.maxn = 0;
  args.wordNgrams = 2;  // character bigrams carry most of Chinese
  args.lr = 0.5;
  args.epoch = 50;
  args.dim = 50;
  args.bucket = 200000;  // the default 2M buckets would cost 400 MB at dim 50
  args.thread = 1;       // deterministic
  args.seed = 1;
  args.verbose = 0;
  return args;
}

}  // namespace

absl::StatusOr<std::unique_ptr<FastTextClassifier>> FastTextClassifier::Train(
    const std::vector<std::string>& files, const domain::TextNormalizer& normalizer) {
  std::ostringstream examples;
  int count = 0;
  for (const std::string& file : files) {
    if (auto s = AppendExamples(file, normalizer, examples, &count); !s.ok()) return s;
  }
  // fastText trains from a file only.
  char path[] = "/tmp/sqms-triage-training-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return absl::FailedPreconditionError("cannot create a temporary training file");
  close(fd);
  {
    std::ofstream out(path, std::ios::trunc);
    out << examples.str();
  }
  auto model = std::make_unique<fasttext::FastText>();
  try {
    model->train(TrainingArgs(path));
  } catch (const std::exception& e) {
    std::remove(path);
    return absl::FailedPreconditionError(absl::StrCat("fastText training failed: ", e.what()));
  }
  std::remove(path);
  return std::unique_ptr<FastTextClassifier>(new FastTextClassifier(std::move(model), count));
}

FastTextClassifier::FastTextClassifier(std::unique_ptr<fasttext::FastText> model, int examples)
    : model_(std::move(model)), examples_(examples) {}

FastTextClassifier::~FastTextClassifier() = default;

std::vector<domain::CategoryProbability> FastTextClassifier::Predict(
    std::string_view normalized_text, int k) const {
  std::istringstream in(domain::ModelTokens(normalized_text) + "\n");
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  model_->predictLine(in, predictions, k, 0.0);
  std::vector<domain::CategoryProbability> out;
  for (const auto& [probability, label] : predictions) {
    domain::Category category =
        domain::CategoryFromName(std::string_view(label).substr(kLabelPrefix.size()));
    if (category != domain::Category::kUnspecified) out.push_back({category, probability});
  }
  return out;
}

}  // namespace sqms::complaints::text
