#include "services/complaints/text/fasttext_classifier.h"

#include <fasttext/args.h>
#include <fasttext/densematrix.h>
#include <fasttext/dictionary.h>
#include <fasttext/fasttext.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
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

// fastText's answer as categories, most probable first.
std::vector<domain::CategoryProbability> Categories(
    const std::vector<std::pair<fasttext::real, std::string>>& predictions) {
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
    : model_(std::move(model)),
      examples_(examples),
      dict_(model_->getDictionary()),
      input_(model_->getInputMatrix()),
      label_prefix_(model_->getArgs().label),
      word_ngrams_(model_->getArgs().wordNgrams),
      buckets_(static_cast<uint64_t>(model_->getArgs().bucket)),
      sub_words_(model_->getArgs().maxn > 0) {
  // fastText numbers its words 0 … nwords - 1, the labels after them.
  for (int32_t id = 0; id < dict_->nwords(); ++id) {
    std::string word = dict_->getWord(id);
    const uint32_t hash = dict_->hash(word);
    words_.try_emplace(std::move(word), id, hash);
  }
}

FastTextClassifier::~FastTextClassifier() = default;

std::vector<int32_t> FastTextClassifier::InputIds(std::string_view normalized_text) const {
  std::vector<int32_t> ids;
  // Dictionary::getLine keeps each word's hash as an int32_t and widens it
  // to 64 bits with its sign for the n-gram hash; so does this.
  std::vector<int32_t> hashes;
  auto read = [&](std::string_view token) {
    // A label (known or not) is no input; an unknown word has no row of
    // its own (maxn = 0: no sub-words) but takes part in the n-grams.
    if (token.starts_with(label_prefix_)) return;
    if (auto word = words_.find(absl::string_view(token.data(), token.size()));
        word != words_.end()) {
      ids.push_back(word->second.first);
      hashes.push_back(static_cast<int32_t>(word->second.second));
    } else {
      hashes.push_back(static_cast<int32_t>(dict_->hash(std::string(token))));
    }
  };
  domain::ForEachModelToken(normalized_text, read);
  read(fasttext::Dictionary::EOS);
  for (size_t i = 0; i < hashes.size(); ++i) {
    uint64_t h = static_cast<uint64_t>(static_cast<int64_t>(hashes[i]));
    for (size_t j = i + 1; j < hashes.size() && j < i + static_cast<size_t>(word_ngrams_); ++j) {
      h = h * 116049371 + static_cast<uint64_t>(static_cast<int64_t>(hashes[j]));
      ids.push_back(dict_->nwords() + static_cast<int32_t>(h % buckets_));
    }
  }
  return ids;
}

std::vector<domain::CategoryProbability> FastTextClassifier::Predict(
    std::string_view normalized_text, int k) const {
  // InputIds reads no sub-words; a model with them goes fastText's way.
  if (sub_words_) return PredictLine(normalized_text, k);
  const std::vector<int32_t> ids = InputIds(normalized_text);
  // Every row's cache lines requested at once, so the misses overlap
  // instead of coming one row at a time as the model adds them up.
  const fasttext::DenseMatrix& input = *input_;
  const auto row_bytes = static_cast<uintptr_t>(input.cols()) * sizeof(fasttext::real);
  for (int32_t id : ids) {
    const auto row = reinterpret_cast<uintptr_t>(input.data() + id * input.cols());
    for (uintptr_t line = row & ~uintptr_t{63}; line < row + row_bytes; line += 64) {
      __builtin_prefetch(reinterpret_cast<const void*>(line));
    }
  }
  fasttext::Predictions predictions;
  model_->predict(k, ids, predictions, 0.0);
  std::vector<std::pair<fasttext::real, std::string>> labelled;
  for (const auto& [log_probability, label] : predictions) {
    labelled.emplace_back(std::exp(log_probability), dict_->getLabel(label));
  }
  return Categories(labelled);
}

std::vector<domain::CategoryProbability> FastTextClassifier::PredictLine(
    std::string_view normalized_text, int k) const {
  std::istringstream in(domain::ModelTokens(normalized_text) + "\n");
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  model_->predictLine(in, predictions, k, 0.0);
  return Categories(predictions);
}

}  // namespace sqms::complaints::text
