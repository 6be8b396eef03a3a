#pragma once
// Classification and assessment (requirements.md §1 step 2-3): category from
// keywords (Chinese and English; an explicit override wins), urgency ×
// importance → priority, safety always P1, department by category and
// location, SLA policy per priority. Immutable after construction.

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/complaints/domain/business_calendar.h"
#include "services/complaints/domain/model.h"

namespace sqms::complaints::domain {

struct KeywordRule {
  Category category;
  std::vector<std::string> keywords;  // matched case-insensitively (ASCII) as substrings
};

struct RoutingRule {
  Category category = Category::kUnspecified;  // kUnspecified = any
  std::string region;                          // empty = any
  std::string station;                         // empty = any
  std::string department;
};

struct SlaPolicy {
  absl::Duration first_response;
  absl::Duration resolution;
  absl::Duration follow_up;        // from the reply
  bool business_hours = true;      // false: 24x7 clock
};

struct TriageConfig {
  std::vector<KeywordRule> keywords;       // first matching rule wins, in order
  Category default_category = Category::kOther;
  // Urgency raisers: a keyword here makes urgency HIGH (e.g. 紧急, urgent).
  std::vector<std::string> urgent_keywords;
  // Importance by category (missing: MEDIUM).
  std::map<Category, Level> importance_by_category;
  Level default_urgency = Level::kMedium;
  // priority_matrix[urgency-1][importance-1], each P1..P4.
  Priority priority_matrix[3][3] = {{Priority::kP4, Priority::kP3, Priority::kP3},
                                    {Priority::kP3, Priority::kP3, Priority::kP2},
                                    {Priority::kP2, Priority::kP2, Priority::kP1}};
  std::vector<RoutingRule> routing;        // most specific match wins
  std::string default_department = "customer-service";
  std::map<Priority, SlaPolicy> sla;       // all four priorities required
  double at_risk_share = 0.8;              // in (0, 1)
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
};

class Triage {
 public:
  explicit Triage(TriageConfig config);

  // Category: the submission's override (category_overridden), else the
  // first keyword rule matching title + content, else default_category.
  // Urgency/importance: override, else urgent keywords → HIGH / by category.
  // Safety is always P1. Department: the most specific routing rule
  // (category+station > category+region > category > station > region),
  // stations and regions compared ASCII case-insensitively; ties → first.
  Assessment Assess(const Submission& submission) const;
  // The policy of `priority`; a fallback (4h / 72h / 72h, business hours)
  // when the config lacks it, which the loader never allows.
  const SlaPolicy& Policy(Priority priority) const;
  // The calendar the policy of `priority` runs on.
  const BusinessCalendar& CalendarFor(Priority priority) const;
  const TriageConfig& config() const { return config_; }

 private:
  TriageConfig config_;
  BusinessCalendar business_;
  BusinessCalendar always_;
};

}  // namespace sqms::complaints::domain
