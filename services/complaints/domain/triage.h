#pragma once
// Classification and assessment (requirements.md §1 steps 2-3), ADR 0006.
//
// Category by the best evidence, not the first match: title and content are
// normalised (TextNormalizer: width, case, Traditional → Simplified), every
// configured term found (term_matcher.h: longest match, word boundaries,
// negation), and each category scores the weights of its distinct,
// un-negated terms. In order:
//   1. a submitted category wins (an override) — unless the steps below
//      find safety: a submitted category never lowers safety (the rule
//      that found it is then named "<rule>_over_submitted", e.g.
//      "decisive_over_submitted", and category_overridden stays false);
//   2. a *decisive* category (safety) wins with any evidence of weight >= 1 —
//      a false alarm costs a supervisor a minute, a miss far more;
//   3. safety wins when the trained model (if any) gives it at least
//      model.safety_probability and no other category's rule score reaches
//      model.safety_veto_score, or at least model.safety_sure_probability
//      whatever the rules found ("model_safety");
//   4. safety wins when the model gives any one sentence of a longer text at
//      least model.sentence_safety_probability — a hazard mentioned in
//      passing ("model_safety_sentence");
//   5. the highest rule score wins when it reaches model.rules_win_score
//      ("best_score"; ties: the category listed first);
//   6. with model.model_weight > 0: the highest rule score plus
//      model_weight × the model's probability of the category ("combined");
//      otherwise the model's top category when it is at least
//      min_probability ("model");
//   7. else the highest rule score, the model's top category, or the
//      default category.
//
// Urgency and importance: a submitted override wins; else the category's
// importance and the default urgency, raised to HIGH by text signals
// (urgent wording, vulnerable people, many affected, repeat complaints…).
// Safety is always P1; otherwise priority_matrix[urgency][importance].
// Department: the most specific routing rule.
//
// Every decision comes with an Explanation: the terms and weights behind
// each score, the signals, the rule that chose category, priority and
// department, and the config version. Immutable after construction;
// thread-safe.

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "services/complaints/domain/business_calendar.h"
#include "services/complaints/domain/model.h"
#include "services/complaints/domain/term_matcher.h"
#include "services/complaints/domain/text_classifier.h"
#include "services/complaints/domain/text_normalizer.h"

namespace sqms::complaints::domain {

struct CategoryRule {
  Category category = Category::kUnspecified;
  std::vector<std::string> strong;    // weight 3: unambiguous phrases
  std::vector<std::string> keywords;  // weight 1
  std::vector<std::string> weak;      // weight 0.5: hints that decide only alone
  // Any un-negated evidence of at least kDecisiveMin makes this the
  // category; absence cues (没有, no) negate its terms too.
  bool decisive = false;
};
inline constexpr double kStrongWeight = 3.0;
inline constexpr double kKeywordWeight = 1.0;
inline constexpr double kWeakWeight = 0.5;
inline constexpr double kDecisiveMin = 1.0;

// Text that raises urgency or importance to HIGH.
struct SignalRule {
  std::string name;  // e.g. "vulnerable_person"
  SignalRaises raises = SignalRaises::kUrgency;
  std::vector<std::string> keywords;
};

struct SlaPolicy {
  absl::Duration first_response;
  absl::Duration resolution;
  absl::Duration follow_up;        // from the reply
  bool business_hours = true;      // false: 24x7 clock
};

// When the trained model (text_classifier.h) decides, ADR 0007.
struct ModelPolicy {
  // Safety when the model gives it at least this probability, whatever the
  // rules found: recall before precision.
  double safety_probability = 0.35;
  // Otherwise the model decides when the rules found no strong evidence
  // (a best score below rules_win_score) and its top category has at least
  // this.
  double min_probability = 0.5;
  // A rule score from which the rules decide without the model.
  double rules_win_score = kStrongWeight;
  // The model's safety call is overruled when another category's rule score
  // reaches this.
  double safety_veto_score = kStrongWeight;
  // Safety whatever the rules found when the model gives it at least this
  // (a hazard mentioned in passing inside a complaint about something else;
  // above 1: never).
  double safety_sure_probability = 2;
  // The same for any one sentence of the text on its own (a hazard in a
  // sentence of its own inside a longer complaint; above 1: never).
  double sentence_safety_probability = 2;
  // When > 0, a text whose best rule score is below rules_win_score goes to
  // the category with the highest rule score plus model_weight × the
  // model's probability for it (min_probability is then unused).
  double model_weight = 0;
};

struct TriageConfig {
  std::string version;                     // content hash of the file (set by the loader)
  std::vector<CategoryRule> categories;    // order breaks score ties
  Category default_category = Category::kOther;
  NegationRules negation;
  ModelPolicy model;
  std::vector<SignalRule> signals;
  // Importance by category (missing: MEDIUM).
  std::map<Category, Level> importance_by_category;
  Level default_urgency = Level::kMedium;
  // priority_matrix[urgency-1][importance-1], each P1..P4.
  Priority priority_matrix[3][3] = {{Priority::kP4, Priority::kP3, Priority::kP3},
                                    {Priority::kP3, Priority::kP3, Priority::kP2},
                                    {Priority::kP2, Priority::kP2, Priority::kP1}};
  // The departments of the service, in the config's order: every routing
  // rule, the default department and every department a request names must
  // be one of them (the loader checks the first two; Triage::HasDepartment
  // the last). Ids are unique.
  std::vector<Department> departments;
  std::vector<RoutingRule> routing;        // most specific match wins
  std::string default_department = "customer-service";
  std::map<Priority, SlaPolicy> sla;       // all four priorities required
  double at_risk_share = 0.8;              // in (0, 1)
  // How long (wall time) waiting on the customer pauses the SLA clock: then
  // the complaint returns to IN_PROGRESS by itself and its clock runs again
  // (lifecycle.h FireDueTimers). In (0, 90 days].
  absl::Duration max_customer_wait = absl::Hours(72);
  BusinessCalendarSpec calendar;
  absl::Duration duplicate_window = absl::Hours(24);
  absl::Duration idempotency_ttl = absl::Hours(24);
};

struct Assessment {
  Category category = Category::kUnspecified;
  bool category_overridden = false;
  Level urgency = Level::kUnspecified;
  Level importance = Level::kUnspecified;
  Priority priority = Priority::kUnspecified;
  std::string department;
  TriageExplanation explanation;
};

class Triage {
 public:
  // `normalizer` must outlive the Triage; the configured terms are
  // normalised here, once.
  // `classifier` may be null (rules only); it must outlive the Triage.
  explicit Triage(TriageConfig config,
                  const TextNormalizer& normalizer = AsciiFoldNormalizer::Instance(),
                  const TextClassifier* classifier = nullptr);

  Assessment Assess(const Submission& submission) const;
  // The department of `category` at `location` (routing rules).
  std::string Department(Category category, const Location& location) const {
    std::optional<RoutingRule> rule;
    return Route(category, location, &rule);
  }
  // Whether `id` is one of config().departments (exact match).
  bool HasDepartment(std::string_view id) const { return department_ids_.contains(id); }
  // The department whose `queues` list `queue` (exact match); nullptr for
  // none.
  const std::string* DepartmentOfQueue(std::string_view queue) const {
    auto it = queue_departments_.find(queue);
    return it == queue_departments_.end() ? nullptr : &it->second;
  }
  // Title and content as the rules see them (normalised).
  std::string NormalizedText(const Submission& submission) const;
  // The policy of `priority`; a fallback (4h / 72h / 72h, business hours)
  // when the config lacks it, which the loader never allows.
  const SlaPolicy& Policy(Priority priority) const;
  // The calendar the policy of `priority` runs on.
  const BusinessCalendar& CalendarFor(Priority priority) const;
  // The calendar of every priority with business_hours (the other one is 24x7).
  const BusinessCalendar& BusinessHours() const { return business_; }
  const TriageConfig& config() const { return config_; }

 private:
  void Classify(const Submission& submission, const std::string& text, Assessment& a) const;
  void AssessLevels(const Submission& submission, const std::string& text, Assessment& a) const;
  std::string Route(Category category, const Location& location,
                    std::optional<RoutingRule>* rule) const;

  TriageConfig config_;
  const TextNormalizer& normalizer_;
  const TextClassifier* classifier_;
  std::unique_ptr<TermMatcher> categories_;  // owner: index into config_.categories
  std::unique_ptr<TermMatcher> signals_;     // owner: index into config_.signals
  BusinessCalendar business_;
  BusinessCalendar always_;
  std::set<std::string, std::less<>> department_ids_;  // of config_.departments
  std::map<std::string, std::string, std::less<>> queue_departments_;  // queue → department id
};

}  // namespace sqms::complaints::domain
