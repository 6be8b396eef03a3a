#pragma once
// The shipped triage rules with the model trained on the corpus' training
// part (tests/data/triage/train*.jsonl), as the demo and the container run
// them (--triage-training-data). Built once per test binary.

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "services/complaints/config/triage_config.h"
#include "services/complaints/text/fasttext_classifier.h"
#include "services/complaints/text/icu_opencc_normalizer.h"
#include "tests/source_path.h"

namespace sqms::complaints::testing {

// Every tests/data/triage/train*.jsonl, sorted.
inline std::vector<std::string> TrainingFiles() {
  std::vector<std::string> files;
  const std::filesystem::path dir = sqms::testing::SourceFile("tests/data/triage");
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("train") && name.ends_with(".jsonl")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

inline const text::IcuOpenccNormalizer& ShippedNormalizer() {
  static const auto normalizer = text::IcuOpenccNormalizer::Create();
  return **normalizer;
}

inline const text::FastTextClassifier& ShippedClassifier() {
  static const auto classifier =
      text::FastTextClassifier::Train(TrainingFiles(), ShippedNormalizer());
  return **classifier;
}

inline const domain::Triage& ShippedTriage() {
  static const auto config = config::LoadTriageConfig(
      sqms::testing::SourceFile("services/complaints/config/triage.yaml"));
  static const domain::Triage triage(*config, ShippedNormalizer(), &ShippedClassifier());
  return triage;
}

}  // namespace sqms::complaints::testing
