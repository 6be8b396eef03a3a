// triage-cv: k-fold cross-validation of complaint triage — the rules of a
// triage.yaml plus the fastText model (ADR 0007) — over the TRAINING part of
// the labelled corpus (tests/data/triage/train*.jsonl). heldout.jsonl is
// never opened: tune with this tool, measure on held-out text once, with
// `ctest -R TriageCorpus`.
//
// Each fold trains the model on the other folds only and classifies the
// fold's items with the rules and that model, as the service does. The rules
// themselves were written from all training files, so the rules' share of
// the figures is optimistic; the model's share and the thresholds that
// combine the two are measured fairly.
//
//   triage-cv [--folds=5 | --by-file] [--seed=1] [--config=triage.yaml]
//             [--data=DIR] [--no-model]
//             [--epoch=N --lr=X --dim=N --ngrams=N --minn=N --maxn=N
//              --bucket=N --loss=softmax|ova|hs|ns --model-seed=N]
//             [--safety-prob=X,Y.. --min-prob=X,.. --rules-win=X,..
//              --safety-veto=X,.. --model-weight=X,.. --safety-sure=X,..
//              --sentence-safety=X,..]   (a grid: every combination is measured)
//             [--confusion] [--misses] [--explain=TEXT ...]
//
// Prints, per combination, each fold's accuracy, safety recall and false
// alarms (non-safety filed as safety), and their mean; --confusion adds the
// pooled accuracy per category and the most frequent confusions; --misses
// every misclassified training item with its text and evidence. --explain
// classifies TEXT with the model trained on every training item (the first
// combination of the grid) instead of cross-validating.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "services/complaints/config/triage_config.h"
#include "services/complaints/domain/triage.h"
#include "services/complaints/text/fasttext_classifier.h"
#include "services/complaints/text/icu_opencc_normalizer.h"

namespace {

namespace domain = sqms::complaints::domain;
namespace text = sqms::complaints::text;

struct Item {
  std::string id, title, content, category, file;
  std::string normalized;
  int fold = 0;
};

struct Flags {
  int folds = 5;
  bool by_file = false;
  uint32_t seed = 1;
  std::string config = std::string(SQMS_SOURCE_DIR) + "/services/complaints/config/triage.yaml";
  std::string data = std::string(SQMS_SOURCE_DIR) + "/tests/data/triage";
  bool no_model = false, confusion = false, misses = false;
  std::vector<std::string> explain;
  text::TrainingOptions training;
  std::vector<double> safety_prob, min_prob, rules_win, safety_veto, model_weight, safety_sure,
      sentence_safety;
};

[[noreturn]] void Usage(const std::string& problem) {
  std::cerr << "triage-cv: " << problem
            << "\nusage: triage-cv [--folds=5 | --by-file] [--seed=1] [--config=PATH] "
               "[--data=DIR] [--no-model] [--epoch=N] [--lr=X] [--dim=N] [--ngrams=N] "
               "[--minn=N] [--maxn=N] [--bucket=N] [--loss=softmax|ova|hs|ns] "
               "[--model-seed=N] [--safety-prob=X,..] [--min-prob=X,..] [--rules-win=X,..] "
               "[--safety-veto=X,..] [--model-weight=X,..] [--safety-sure=X,..] [--sentence-safety=X,..] "
               "[--confusion] [--misses] [--explain=TEXT ...]\n";
  std::exit(2);
}

std::vector<double> Doubles(const std::string& flag, const std::string& value) {
  std::vector<double> out;
  for (const std::string& part : std::vector<std::string>(absl::StrSplit(value, ','))) {
    double v = 0;
    if (!absl::SimpleAtod(part, &v)) Usage(flag + ": not a number list");
    out.push_back(v);
  }
  return out;
}

int Int(const std::string& flag, const std::string& value) {
  int v = 0;
  if (!absl::SimpleAtoi(value, &v)) Usage(flag + ": not an integer");
  return v;
}

Flags Parse(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t eq = arg.find('=');
    const std::string key = arg.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    if (key == "--folds") f.folds = Int(key, value);
    else if (key == "--by-file") f.by_file = true;
    else if (key == "--seed") f.seed = static_cast<uint32_t>(Int(key, value));
    else if (key == "--config") f.config = value;
    else if (key == "--data") f.data = value;
    else if (key == "--no-model") f.no_model = true;
    else if (key == "--confusion") f.confusion = true;
    else if (key == "--misses") f.misses = true;
    else if (key == "--explain") f.explain.push_back(value);
    else if (key == "--epoch") f.training.epoch = Int(key, value);
    else if (key == "--lr") f.training.lr = Doubles(key, value).at(0);
    else if (key == "--dim") f.training.dim = Int(key, value);
    else if (key == "--ngrams") f.training.word_ngrams = Int(key, value);
    else if (key == "--minn") f.training.minn = Int(key, value);
    else if (key == "--maxn") f.training.maxn = Int(key, value);
    else if (key == "--bucket") f.training.bucket = Int(key, value);
    else if (key == "--loss") f.training.loss = value;
    else if (key == "--model-seed") f.training.seed = Int(key, value);
    else if (key == "--safety-prob") f.safety_prob = Doubles(key, value);
    else if (key == "--min-prob") f.min_prob = Doubles(key, value);
    else if (key == "--rules-win") f.rules_win = Doubles(key, value);
    else if (key == "--safety-veto") f.safety_veto = Doubles(key, value);
    else if (key == "--model-weight") f.model_weight = Doubles(key, value);
    else if (key == "--safety-sure") f.safety_sure = Doubles(key, value);
    else if (key == "--sentence-safety") f.sentence_safety = Doubles(key, value);
    else Usage("unknown flag " + arg);
  }
  if (!f.by_file && f.folds < 2) Usage("--folds must be at least 2");
  return f;
}

// The training files only: train*.jsonl, sorted. heldout.jsonl is never read.
std::vector<std::string> TrainingFiles(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("train") && name.ends_with(".jsonl")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<Item> Load(const std::vector<std::string>& files, const domain::TextNormalizer& n) {
  std::vector<Item> items;
  for (const std::string& file : files) {
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      auto j = nlohmann::json::parse(line);
      Item item{j.at("id"), j.at("title"), j.at("content"), j.at("category"),
                std::filesystem::path(file).filename().string(), "", 0};
      item.normalized = n.Normalize(item.title + "\n" + item.content);
      items.push_back(std::move(item));
    }
  }
  return items;
}

// Stratified folds: each category's items shuffled (a fixed seed, our own
// Fisher-Yates so every platform gets the same folds) and dealt round-robin.
void AssignFolds(std::vector<Item>& items, const Flags& f) {
  if (f.by_file) {
    std::map<std::string, int> fold_of;
    for (Item& item : items) {
      auto [it, _] = fold_of.emplace(item.file, static_cast<int>(fold_of.size()));
      item.fold = it->second;
    }
    return;
  }
  std::map<std::string, std::vector<Item*>> by_category;
  for (Item& item : items) by_category[item.category].push_back(&item);
  std::mt19937 rng(f.seed);
  int next = 0;
  for (auto& [_, group] : by_category) {
    for (size_t i = group.size(); i > 1; --i) {
      const size_t j = rng() % i;
      std::swap(group[i - 1], group[j]);
    }
    for (Item* item : group) item->fold = next++ % f.folds;
  }
}

struct Tally {
  int right = 0, total = 0, safety_right = 0, safety_total = 0, false_alarms = 0,
      non_safety = 0;
  double Accuracy() const { return total ? static_cast<double>(right) / total : 0; }
  double Recall() const { return safety_total ? static_cast<double>(safety_right) / safety_total : 1; }
  double FalseAlarmRate() const { return non_safety ? static_cast<double>(false_alarms) / non_safety : 0; }
};

struct Combo {
  domain::ModelPolicy policy;
  std::vector<Tally> folds;
  Tally pooled;
  std::map<std::string, std::pair<int, int>> by_category;  // right, total
  std::map<std::pair<std::string, std::string>, int> confusions;
};

std::vector<Combo> Combos(const Flags& f, const domain::ModelPolicy& shipped) {
  auto or_shipped = [](const std::vector<double>& v, double d) {
    return v.empty() ? std::vector<double>{d} : v;
  };
  std::vector<Combo> out;
  for (double sp : or_shipped(f.safety_prob, shipped.safety_probability)) {
    for (double mp : or_shipped(f.min_prob, shipped.min_probability)) {
      for (double rw : or_shipped(f.rules_win, shipped.rules_win_score)) {
        for (double sv : or_shipped(f.safety_veto, shipped.safety_veto_score)) {
         for (double mw : or_shipped(f.model_weight, shipped.model_weight)) {
         for (double ss : or_shipped(f.safety_sure, shipped.safety_sure_probability)) {
         for (double se : or_shipped(f.sentence_safety, shipped.sentence_safety_probability)) {
          Combo c;
          c.policy.model_weight = mw;
          c.policy = shipped;
          c.policy.safety_probability = sp;
          c.policy.min_probability = mp;
          c.policy.rules_win_score = rw;
          c.policy.safety_veto_score = sv;
          c.policy.model_weight = mw;
          c.policy.safety_sure_probability = ss;
          c.policy.sentence_safety_probability = se;
          out.push_back(std::move(c));
         }
         }
         }
        }
      }
    }
  }
  return out;
}

std::string Pct(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", 100 * x);
  return buf;
}

std::string Describe(const domain::ModelPolicy& p) {
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "safety_prob=%.2f safety_sure=%.2f sentence_safety=%.2f min_prob=%.2f "
                "rules_win=%.1f safety_veto=%.1f model_weight=%.1f",
                p.safety_probability, p.safety_sure_probability,
                p.sentence_safety_probability, p.min_probability,
                p.rules_win_score, p.safety_veto_score, p.model_weight);
  return buf;
}

void PrintEvidence(const domain::Assessment& a) {
  for (const domain::CategoryScore& score : a.explanation.scores) {
    std::cout << "      " << domain::CategoryName(score.category) << " " << score.score << ":";
    for (const auto& e : score.evidence) {
      std::cout << " " << e.term << (e.negated_by.empty() ? "" : "(negated)");
    }
    std::cout << "\n";
  }
  for (const auto& [category, p] : a.explanation.model) {
    std::cout << "      model " << domain::CategoryName(category) << " " << p << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Flags f = Parse(argc, argv);
  auto normalizer = text::IcuOpenccNormalizer::Create();
  if (!normalizer.ok()) {
    std::cerr << "triage-cv: " << normalizer.status() << "\n";
    return 1;
  }
  auto config = sqms::complaints::config::LoadTriageConfig(f.config);
  if (!config.ok()) {
    std::cerr << "triage-cv: " << config.status() << "\n";
    return 1;
  }
  const std::vector<std::string> files = TrainingFiles(f.data);
  std::vector<Item> items = Load(files, **normalizer);
  AssignFolds(items, f);
  const int folds = f.by_file ? static_cast<int>(files.size()) : f.folds;
  std::cout << "triage-cv: " << items.size() << " training items from " << files.size()
            << " files, " << folds << (f.by_file ? " folds (one per file)" : " stratified folds")
            << ", model "
            << (f.no_model ? std::string("off")
                           : "epoch=" + std::to_string(f.training.epoch) +
                                 " lr=" + std::to_string(f.training.lr) +
                                 " dim=" + std::to_string(f.training.dim) +
                                 " ngrams=" + std::to_string(f.training.word_ngrams) +
                                 " minn=" + std::to_string(f.training.minn) +
                                 " maxn=" + std::to_string(f.training.maxn) +
                                 " bucket=" + std::to_string(f.training.bucket) +
                                 " loss=" + f.training.loss)
            << "\n";

  std::vector<Combo> combos = Combos(f, config->model);
  if (!f.explain.empty()) {
    std::vector<text::LabelledText> all;
    for (const Item& item : items) all.push_back({item.category, item.normalized});
    auto model = text::FastTextClassifier::Train(all, f.training);
    if (!model.ok()) {
      std::cerr << "triage-cv: " << model.status() << "\n";
      return 1;
    }
    domain::TriageConfig cfg = *config;
    cfg.model = combos.front().policy;
    const domain::Triage triage(std::move(cfg), **normalizer,
                                f.no_model ? nullptr : model->get());
    for (const std::string& t : f.explain) {
      domain::Submission s;
      s.content = t;
      const domain::Assessment a = triage.Assess(s);
      std::cout << domain::CategoryName(a.category) << " (" << a.explanation.category_rule
                << ") | " << t << "\n";
      PrintEvidence(a);
    }
    return 0;
  }
  for (Combo& c : combos) c.folds.resize(folds);
  double training_seconds = 0;
  for (int fold = 0; fold < folds; ++fold) {
    std::unique_ptr<text::FastTextClassifier> model;
    if (!f.no_model) {
      std::vector<text::LabelledText> examples;
      for (const Item& item : items) {
        if (item.fold != fold) examples.push_back({item.category, item.normalized});
      }
      const auto start = std::chrono::steady_clock::now();
      auto trained = text::FastTextClassifier::Train(examples, f.training);
      training_seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (!trained.ok()) {
        std::cerr << "triage-cv: " << trained.status() << "\n";
        return 1;
      }
      model = *std::move(trained);
    }
    for (Combo& c : combos) {
      domain::TriageConfig cfg = *config;
      cfg.model = c.policy;
      const domain::Triage triage(std::move(cfg), **normalizer, model.get());
      Tally& t = c.folds[fold];
      for (const Item& item : items) {
        if (item.fold != fold) continue;
        domain::Submission s;
        s.title = item.title;
        s.content = item.content;
        const domain::Assessment a = triage.Assess(s);
        const std::string got(domain::CategoryName(a.category));
        const bool right = got == item.category;
        for (Tally* x : {&t, &c.pooled}) {
          x->total += 1;
          x->right += right;
          if (item.category == "safety") {
            x->safety_total += 1;
            x->safety_right += right;
          } else {
            x->non_safety += 1;
            x->false_alarms += a.category == domain::Category::kSafety;
          }
        }
        auto& [r, n] = c.by_category[item.category];
        r += right;
        n += 1;
        if (!right) {
          c.confusions[{item.category, got}] += 1;
          if (f.misses && combos.size() == 1) {
            std::cout << "  miss " << item.id << " (fold " << fold << "): want " << item.category
                      << ", got " << got << " (" << a.explanation.category_rule << ") | "
                      << item.title << " | " << item.content << "\n";
            PrintEvidence(a);
          }
        }
      }
    }
  }

  for (const Combo& c : combos) {
    double accuracy = 0, recall = 0, false_alarms = 0;
    for (int fold = 0; fold < folds; ++fold) {
      const Tally& t = c.folds[fold];
      if (combos.size() == 1) {
        std::cout << "  fold " << fold << ": accuracy " << t.right << "/" << t.total << " = "
                  << Pct(t.Accuracy()) << "; safety recall " << t.safety_right << "/"
                  << t.safety_total << "; false alarms " << t.false_alarms << "/"
                  << t.non_safety << " = " << Pct(t.FalseAlarmRate()) << "\n";
      }
      accuracy += t.Accuracy() / folds;
      recall += t.Recall() / folds;
      false_alarms += t.FalseAlarmRate() / folds;
    }
    std::cout << Describe(c.policy) << "\n  mean: accuracy " << Pct(accuracy)
              << "; safety recall " << Pct(recall) << " (" << c.pooled.safety_right << "/"
              << c.pooled.safety_total << "); false alarms " << Pct(false_alarms) << " ("
              << c.pooled.false_alarms << "/" << c.pooled.non_safety << ")\n";
    if (f.confusion) {
      for (const auto& [name, rn] : c.by_category) {
        std::cout << "    " << name << ": " << rn.first << "/" << rn.second << "\n";
      }
      std::vector<std::pair<int, std::pair<std::string, std::string>>> worst;
      for (const auto& [pair, n] : c.confusions) worst.push_back({n, pair});
      std::sort(worst.rbegin(), worst.rend());
      for (size_t i = 0; i < worst.size() && i < 15; ++i) {
        std::cout << "    " << worst[i].second.first << " -> " << worst[i].second.second << ": "
                  << worst[i].first << "\n";
      }
    }
  }
  if (!f.no_model) {
    // As the service trains at start-up: every training item.
    std::vector<text::LabelledText> all;
    for (const Item& item : items) all.push_back({item.category, item.normalized});
    const auto start = std::chrono::steady_clock::now();
    auto trained = text::FastTextClassifier::Train(all, f.training);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!trained.ok()) {
      std::cerr << "triage-cv: " << trained.status() << "\n";
      return 1;
    }
    std::cout << "model training: " << training_seconds / folds << " s a fold (mean); "
              << seconds << " s on all " << all.size() << " items\n";
  }
  return 0;
}
