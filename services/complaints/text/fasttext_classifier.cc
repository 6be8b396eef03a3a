#include "services/complaints/text/fasttext_classifier.h"

#include <fasttext/args.h>
#include <fasttext/fasttext.h>
#include <unistd.h>

#include <algorithm>
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

fasttext::loss_name LossName(std::string_view loss) {
  if (loss == "ova") return fasttext::loss_name::ova;
  if (loss == "hs") return fasttext::loss_name::hs;
  if (loss == "ns") return fasttext::loss_name::ns;
  return fasttext::loss_name::softmax;
}

fasttext::Args TrainingArgs(const std::string& input, const TrainingOptions& o) {
  fasttext::Args args;
  args.input = input;
  args.model = fasttext::model_name::sup;
  args.loss = LossName(o.loss);
  args.minCount = 1;
  args.minn = o.minn;
  args.maxn = o.maxn;
  args.wordNgrams = o.word_ngrams;
  args.lr = o.lr;
  args.epoch = o.epoch;
  args.dim = o.dim;
  args.bucket = o.bucket;
  args.thread = 1;  // deterministic
  args.seed = o.seed;
  args.verbose = 0;
  return args;
}

}  // namespace

absl::StatusOr<std::vector<LabelledText>> FastTextClassifier::ReadExamples(
    const std::string& file, const domain::TextNormalizer& normalizer) {
  std::ifstream in(file);
  if (!in) return absl::NotFoundError(absl::StrCat(file, ": cannot read the file"));
  std::vector<LabelledText> out;
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
    std::string text = normalizer.Normalize(
        absl::StrCat(item.value("title", ""), "\n", item.value("content", "")));
    if (domain::ModelTokens(text).empty()) {
      return absl::InvalidArgumentError(where + "no title or content");
    }
    out.push_back({category, std::move(text)});
  }
  return out;
}

absl::StatusOr<std::unique_ptr<FastTextClassifier>> FastTextClassifier::Train(
    const std::vector<std::string>& files, const domain::TextNormalizer& normalizer,
    const TrainingOptions& options) {
  std::vector<LabelledText> examples;
  for (const std::string& file : files) {
    auto items = ReadExamples(file, normalizer);
    if (!items.ok()) return items.status();
    for (LabelledText& item : *items) examples.push_back(std::move(item));
  }
  return Train(examples, options);
}

absl::StatusOr<std::unique_ptr<FastTextClassifier>> FastTextClassifier::Train(
    const std::vector<LabelledText>& examples, const TrainingOptions& options) {
  // One labelled example a line, as fastText reads them; fastText trains
  // from a file only.
  std::ostringstream lines;
  int count = 0;
  for (const LabelledText& example : examples) {
    const std::string tokens = domain::ModelTokens(example.normalized_text);
    if (tokens.empty()) continue;
    lines << kLabelPrefix << example.category << ' ' << tokens << '\n';
    ++count;
  }
  char path[] = "/tmp/sqms-triage-training-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return absl::FailedPreconditionError("cannot create a temporary training file");
  close(fd);
  {
    std::ofstream out(path, std::ios::trunc);
    out << lines.str();
  }
  auto model = std::make_unique<fasttext::FastText>();
  try {
    model->train(TrainingArgs(path, options));
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
    // fastText returns exp(log p) in float: a sure answer can read
    // 1.000008. A probability is at most 1.
    const double p = std::min<double>(probability, 1.0);
    if (category != domain::Category::kUnspecified) out.push_back({category, p});
  }
  return out;
}

}  // namespace sqms::complaints::text
