// Triage cost per complaint, for scripts/bench.sh: the time of
// Triage::Assess over every complaint of the corpus (tests/data/triage),
// rules only and rules with the trained model, beside its raw floor in the
// same run — normalising the text alone (ICU + OpenCC), which every
// assessment does first. Prints one JSON object.
//
//   triage_bench <source-dir> [rounds]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "services/complaints/config/triage_config.h"
#include "services/complaints/text/fasttext_classifier.h"
#include "services/complaints/text/icu_opencc_normalizer.h"

namespace {

using namespace sqms::complaints;
using Clock = std::chrono::steady_clock;

std::vector<domain::Submission> LoadCorpus(const std::filesystem::path& dir,
                                           std::vector<std::string>* training) {
  std::vector<domain::Submission> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".jsonl") continue;
    if (entry.path().filename().string().starts_with("train")) training->push_back(entry.path());
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      auto j = nlohmann::json::parse(line);
      domain::Submission s;
      s.title = j.value("title", "");
      s.content = j.value("content", "");
      out.push_back(std::move(s));
    }
  }
  std::sort(training->begin(), training->end());
  return out;
}

// Microseconds per call of `fn` over every submission, best of `rounds`.
template <typename Fn>
double MicrosPerItem(const std::vector<domain::Submission>& items, int rounds, Fn fn) {
  double best = 1e18;
  for (int r = 0; r < rounds; ++r) {
    const auto start = Clock::now();
    for (const domain::Submission& s : items) fn(s);
    const double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
    best = std::min(best, us / static_cast<double>(items.size()));
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: triage_bench <source-dir> [rounds]\n");
    return 2;
  }
  const std::filesystem::path root = argv[1];
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  std::vector<std::string> training;
  const auto items = LoadCorpus(root / "tests/data/triage", &training);
  auto normalizer = text::IcuOpenccNormalizer::Create();
  auto config = config::LoadTriageConfig(root / "services/complaints/config/triage.yaml");
  if (!normalizer.ok() || !config.ok() || items.empty()) {
    std::fprintf(stderr, "triage_bench: cannot load the corpus or the config\n");
    return 1;
  }
  const auto train_start = Clock::now();
  auto classifier = text::FastTextClassifier::Train(training, **normalizer);
  const double train_ms =
      std::chrono::duration<double, std::milli>(Clock::now() - train_start).count();
  if (!classifier.ok()) {
    std::fprintf(stderr, "triage_bench: %s\n", classifier.status().ToString().c_str());
    return 1;
  }
  const domain::Triage rules(*config, **normalizer);
  const domain::Triage with_model(*config, **normalizer, classifier->get());

  size_t sink = 0;  // keeps the work from being optimised away
  const double normalize_us = MicrosPerItem(items, rounds, [&](const domain::Submission& s) {
    sink += rules.NormalizedText(s).size();
  });
  const double rules_us = MicrosPerItem(items, rounds, [&](const domain::Submission& s) {
    sink += static_cast<size_t>(rules.Assess(s).category);
  });
  const double model_us = MicrosPerItem(items, rounds, [&](const domain::Submission& s) {
    sink += static_cast<size_t>(with_model.Assess(s).category);
  });
  nlohmann::json out = {{"items", items.size()},
                        {"rounds", rounds},
                        {"training_examples", (*classifier)->examples()},
                        {"training_ms", train_ms},
                        {"normalize_us_per_complaint", normalize_us},
                        {"rules_us_per_complaint", rules_us},
                        {"rules_and_model_us_per_complaint", model_us},
                        {"sink", sink % 2}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
