#include "services/complaints/domain/triage.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace sqms::complaints::domain {
namespace {

constexpr int kModelTopK = 3;  // categories the explanation shows
constexpr int kCategoryCount = 12;  // every category, when the model's weight counts

BusinessCalendarSpec AlwaysOpen(const BusinessCalendarSpec& spec) {
  BusinessCalendarSpec always = spec;
  always.always_open = true;
  return always;
}

std::vector<std::string> NormalizeAll(const std::vector<std::string>& in,
                                      const TextNormalizer& normalizer) {
  std::vector<std::string> out;
  out.reserve(in.size());
  for (const std::string& s : in) out.push_back(normalizer.Normalize(s));
  return out;
}

NegationRules NormalizeNegation(const NegationRules& in, const TextNormalizer& normalizer) {
  NegationRules out = in;
  out.before = NormalizeAll(in.before, normalizer);
  out.after = NormalizeAll(in.after, normalizer);
  out.absence = NormalizeAll(in.absence, normalizer);
  out.pseudo = NormalizeAll(in.pseudo, normalizer);
  out.contrast = NormalizeAll(in.contrast, normalizer);
  out.reported = NormalizeAll(in.reported, normalizer);
  return out;
}

std::unique_ptr<TermMatcher> CategoryMatcher(const TriageConfig& config,
                                             const TextNormalizer& normalizer) {
  std::vector<TermMatcher::Term> terms;
  for (size_t i = 0; i < config.categories.size(); ++i) {
    const CategoryRule& rule = config.categories[i];
    const int owner = static_cast<int>(i);
    for (const auto& [list, weight] : {std::pair{&rule.strong, kStrongWeight},
                                       std::pair{&rule.keywords, kKeywordWeight},
                                       std::pair{&rule.weak, kWeakWeight}}) {
      for (const std::string& k : *list) {
        terms.push_back({normalizer.Normalize(k), owner, weight, rule.decisive});
      }
    }
  }
  return std::make_unique<TermMatcher>(std::move(terms),
                                       NormalizeNegation(config.negation, normalizer));
}

std::unique_ptr<TermMatcher> SignalMatcher(const TriageConfig& config,
                                           const TextNormalizer& normalizer) {
  std::vector<TermMatcher::Term> terms;
  for (size_t i = 0; i < config.signals.size(); ++i) {
    for (const std::string& k : config.signals[i].keywords) {
      terms.push_back({normalizer.Normalize(k), static_cast<int>(i), 1});
    }
  }
  // Signals are not negated: "不急" is rare, and a missed urgency costs more.
  return std::make_unique<TermMatcher>(std::move(terms), NegationRules{});
}

// Routing specificity: category+station > category+region > category >
// station > region > default; -1 when the rule does not apply.
int RouteScore(const RoutingRule& rule, Category category, const Location& location) {
  if (rule.category != Category::kUnspecified && rule.category != category) return -1;
  if (!rule.station.empty() && !absl::EqualsIgnoreCase(rule.station, location.station)) {
    return -1;
  }
  if (!rule.region.empty() && !absl::EqualsIgnoreCase(rule.region, location.region)) {
    return -1;
  }
  int score = 0;
  if (rule.category != Category::kUnspecified) score += 4;
  if (!rule.station.empty()) score += 2;
  if (!rule.region.empty()) score += 1;
  return score;
}

// The sentences of a normalised text (split at . ! ? ; and their CJK forms
// and at line ends, so a title is one) of at least kMinSentenceBytes bytes
// (8 CJK characters, a short English clause: a bare title such as "座椅烟味"
// says too little on its own); none unless there are two or more.
constexpr size_t kMinSentenceBytes = 24;
std::vector<std::string> Sentences(std::string_view text) {
  static constexpr std::string_view kEnds[] = {"。", "！", "？", "；", ".", "!", "?", ";", "\n"};
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= text.size();) {
    size_t n = 0;
    if (i == text.size()) {
      n = 1;
    } else {
      for (std::string_view end : kEnds) {
        if (text.substr(i, end.size()) == end) {
          n = end.size();
          break;
        }
      }
    }
    if (n == 0) {
      ++i;
      continue;
    }
    if (i - start >= kMinSentenceBytes) out.emplace_back(text.substr(start, i - start));
    i += n;
    start = i;
  }
  if (out.size() < 2) out.clear();
  return out;
}

bool LevelInRange(Level level) {
  int v = static_cast<int>(level);
  return v >= 1 && v <= kLevelMax;
}

}  // namespace

Triage::Triage(TriageConfig config, const TextNormalizer& normalizer,
               const TextClassifier* classifier)
    : config_(std::move(config)),
      normalizer_(normalizer),
      classifier_(classifier),
      categories_(CategoryMatcher(config_, normalizer)),
      signals_(SignalMatcher(config_, normalizer)),
      business_(config_.calendar),
      always_(AlwaysOpen(config_.calendar)) {
  for (const auto& d : config_.departments) {
    department_ids_.insert(d.id);
    for (const std::string& queue : d.queues) queue_departments_.try_emplace(queue, d.id);
  }
}

Assessment Triage::Assess(const Submission& submission) const {
  Assessment a;
  a.explanation.config_version = config_.version;
  const std::string text = NormalizedText(submission);
  Classify(submission, text, a);
  AssessLevels(submission, text, a);
  if (a.category == Category::kSafety) {
    a.priority = Priority::kP1;
    a.explanation.priority_rule = "safety_always_p1";
  } else {
    a.priority = config_.priority_matrix[static_cast<int>(a.urgency) - 1]
                                        [static_cast<int>(a.importance) - 1];
    a.explanation.priority_rule = "matrix";
  }
  a.department = Route(a.category, submission.location, &a.explanation.routing_rule);
  return a;
}

std::string Triage::NormalizedText(const Submission& submission) const {
  return normalizer_.Normalize(absl::StrCat(submission.title, "\n", submission.content));
}

void Triage::Classify(const Submission& submission, const std::string& text,
                      Assessment& a) const {
  // Score every category, counting each distinct term once so a long,
  // repetitive text does not outweigh a precise one.
  std::vector<CategoryScore> scores(config_.categories.size());
  std::vector<std::set<std::string>> seen(config_.categories.size());
  for (const TermMatcher::Match& m : categories_->FindAll(text)) {
    CategoryScore& score = scores[m.term->owner];
    score.category = config_.categories[m.term->owner].category;
    if (!seen[m.term->owner].insert(m.term->text).second) continue;
    score.evidence.push_back({m.term->text, m.term->weight, m.negation_cue});
    if (m.negation_cue.empty()) score.score += m.term->weight;
  }

  TriageExplanation& why = a.explanation;
  a.category_overridden = submission.category != Category::kUnspecified;
  const CategoryScore* best = nullptr;
  std::string rule;
  for (size_t i = 0; i < scores.size(); ++i) {
    const CategoryScore& s = scores[i];
    if (config_.categories[i].decisive && s.score >= kDecisiveMin) {
      best = &s;
      rule = "decisive";
      break;
    }
    if (s.score > 0 && (best == nullptr || s.score > best->score)) best = &s;
  }
  std::vector<CategoryProbability> model;
  if (classifier_ != nullptr) {
    model = classifier_->Predict(text,
                                 config_.model.model_weight > 0 ? kCategoryCount : kModelTopK);
  }
  for (size_t i = 0; i < model.size() && i < kModelTopK; ++i) {
    why.model.emplace_back(model[i].category, model[i].probability);
  }
  const CategoryProbability* model_top = model.empty() ? nullptr : &model.front();
  // The model's safety probability of each sentence on its own.
  auto sentence_safety = [&]() -> bool {
    if (classifier_ == nullptr || config_.model.sentence_safety_probability > 1) return false;
    for (const std::string& sentence : Sentences(text)) {
      for (const CategoryProbability& p : classifier_->Predict(sentence, 1)) {
        if (p.category == Category::kSafety &&
            p.probability >= config_.model.sentence_safety_probability) {
          return true;
        }
      }
    }
    return false;
  };
  auto model_safety = [&](double at_least) -> bool {
    for (const CategoryProbability& p : model) {
      if (p.category == Category::kSafety && p.probability >= at_least) return true;
    }
    return false;
  };
  auto decide = [&](Category category, const char* name) {
    why.suggested_category = category;
    why.category_rule = name;
  };
  if (!rule.empty()) {
    decide(best->category, "decisive");
  } else if ((model_safety(config_.model.safety_probability) &&
              (best == nullptr || best->score < config_.model.safety_veto_score)) ||
             model_safety(config_.model.safety_sure_probability)) {
    // The model's safety call counts unless the rules found strong evidence
    // of another topic: false alarms from its guesses stay rare.
    decide(Category::kSafety, "model_safety");
  } else if (sentence_safety()) {
    // A hazard in a sentence of its own inside a complaint about something
    // else ("…另外候车厅刚拖完地…摔了"): the model is sure of that sentence.
    decide(Category::kSafety, "model_safety_sentence");
  } else if (best != nullptr && best->score >= config_.model.rules_win_score) {
    decide(best->category, "best_score");
  } else if (config_.model.model_weight > 0 && !model.empty()) {
    // Rule scores plus the model's weighted probabilities; ties: the
    // category listed first.
    Category top = Category::kUnspecified;
    double top_score = 0;
    for (size_t i = 0; i < scores.size(); ++i) {
      double combined = scores[i].score;
      for (const CategoryProbability& p : model) {
        if (p.category == config_.categories[i].category) {
          combined += config_.model.model_weight * p.probability;
        }
      }
      if (combined > top_score) {
        top_score = combined;
        top = config_.categories[i].category;
      }
    }
    if (top != Category::kUnspecified) {
      decide(top, "combined");
    } else {
      decide(config_.default_category, "default");
    }
  } else if (model_top != nullptr && model_top->probability >= config_.model.min_probability) {
    decide(model_top->category, "model");
  } else if (best != nullptr) {
    decide(best->category, "best_score");
  } else if (model_top != nullptr) {
    decide(model_top->category, "model");
  } else {
    decide(config_.default_category, "default");
  }
  a.category = why.suggested_category;
  if (a.category_overridden) {
    if (why.suggested_category == Category::kSafety && submission.category != Category::kSafety) {
      // A submitted category (a form's drop-down, a gateway's guess) never
      // lowers safety: only an agent's audited reclassification does.
      a.category_overridden = false;
      why.category_rule += "_over_submitted";
    } else {
      a.category = submission.category;
      why.category_rule = "submitted";
    }
  }

  for (CategoryScore& s : scores) {
    if (!s.evidence.empty()) why.scores.push_back(std::move(s));
  }
  std::stable_sort(why.scores.begin(), why.scores.end(),
                   [](const CategoryScore& x, const CategoryScore& y) { return x.score > y.score; });
}

void Triage::AssessLevels(const Submission& submission, const std::string& text,
                          Assessment& a) const {
  TriageExplanation& why = a.explanation;
  std::string urgency_signal, importance_signal;
  for (const TermMatcher::Match& m : signals_->FindAll(text)) {
    const SignalRule& rule = config_.signals[m.term->owner];
    why.signals.push_back({rule.name, m.term->text, rule.raises});
    std::string& first = rule.raises == SignalRaises::kUrgency ? urgency_signal
                                                                      : importance_signal;
    if (first.empty()) first = rule.name;
  }

  if (LevelInRange(submission.urgency)) {
    a.urgency = submission.urgency;
    why.urgency_source = "submitted";
  } else if (!urgency_signal.empty()) {
    a.urgency = Level::kHigh;
    why.urgency_source = "signal:" + urgency_signal;
  } else {
    a.urgency = LevelInRange(config_.default_urgency) ? config_.default_urgency : Level::kMedium;
    why.urgency_source = "default";
  }

  if (LevelInRange(submission.importance)) {
    a.importance = submission.importance;
    why.importance_source = "submitted";
  } else if (!importance_signal.empty()) {
    a.importance = Level::kHigh;
    why.importance_source = "signal:" + importance_signal;
  } else if (auto it = config_.importance_by_category.find(a.category);
             it != config_.importance_by_category.end() && LevelInRange(it->second)) {
    a.importance = it->second;
    why.importance_source = "category";
  } else {
    a.importance = Level::kMedium;
    why.importance_source = "default";
  }
}

std::string Triage::Route(Category category, const Location& location,
                          std::optional<RoutingRule>* rule_out) const {
  const RoutingRule* chosen = nullptr;
  int best = -1;
  for (const RoutingRule& rule : config_.routing) {
    int score = RouteScore(rule, category, location);
    if (score > best) {  // ties: the first rule listed wins
      best = score;
      chosen = &rule;
    }
  }
  if (chosen == nullptr) {
    rule_out->reset();
    return config_.default_department;
  }
  *rule_out = *chosen;
  return chosen->department;
}

const SlaPolicy& Triage::Policy(Priority priority) const {
  auto it = config_.sla.find(priority);
  if (it != config_.sla.end()) return it->second;
  // The loader requires all four; this keeps a hand-built config safe.
  static const SlaPolicy kFallback{absl::Hours(4), absl::Hours(72), absl::Hours(72), true};
  return kFallback;
}

const BusinessCalendar& Triage::CalendarFor(Priority priority) const {
  return Policy(priority).business_hours ? business_ : always_;
}

}  // namespace sqms::complaints::domain
