#include "services/complaints/domain/triage.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "absl/strings/match.h"

namespace sqms::complaints::domain {
namespace {

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Byte-wise substring search, ASCII case-insensitive. UTF-8 is
// self-synchronising, so a Chinese keyword can only match at a code point
// boundary and bytes >= 0x80 are compared exactly.
bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return false;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return AsciiLower(a) == AsciiLower(b); });
  return it != haystack.end();
}

bool ContainsAny(std::string_view text, const std::vector<std::string>& keywords) {
  return std::any_of(keywords.begin(), keywords.end(),
                     [&](const std::string& k) { return ContainsIgnoreCase(text, k); });
}

BusinessCalendarSpec AlwaysOpen(const BusinessCalendarSpec& spec) {
  BusinessCalendarSpec always = spec;
  always.always_open = true;
  return always;
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

// Category from the override, else the first keyword rule that matches.
Category Classify(const TriageConfig& config, const Submission& submission,
                  std::string_view text, bool& overridden) {
  overridden = submission.category != Category::kUnspecified;
  if (overridden) return submission.category;
  for (const KeywordRule& rule : config.keywords) {
    if (ContainsAny(text, rule.keywords)) return rule.category;
  }
  return config.default_category;
}

std::string Route(const TriageConfig& config, Category category, const Location& location) {
  std::string department = config.default_department;
  int best = -1;
  for (const RoutingRule& rule : config.routing) {
    int score = RouteScore(rule, category, location);
    if (score > best) {  // ties: the first rule listed wins
      best = score;
      department = rule.department;
    }
  }
  return department;
}

bool LevelInRange(Level level) {
  int v = static_cast<int>(level);
  return v >= 1 && v <= kLevelMax;
}

}  // namespace

Triage::Triage(TriageConfig config)
    : config_(std::move(config)),
      business_(config_.calendar),
      always_(AlwaysOpen(config_.calendar)) {}

Assessment Triage::Assess(const Submission& submission) const {
  Assessment a;
  std::string text = submission.title;
  text += '\n';
  text += submission.content;

  a.category = Classify(config_, submission, text, a.category_overridden);
  if (LevelInRange(submission.urgency)) {
    a.urgency = submission.urgency;
  } else {
    a.urgency = ContainsAny(text, config_.urgent_keywords) ? Level::kHigh
                                                           : config_.default_urgency;
  }
  if (LevelInRange(submission.importance)) {
    a.importance = submission.importance;
  } else {
    auto it = config_.importance_by_category.find(a.category);
    a.importance = it == config_.importance_by_category.end() ? Level::kMedium : it->second;
  }
  if (!LevelInRange(a.urgency)) a.urgency = Level::kMedium;
  if (!LevelInRange(a.importance)) a.importance = Level::kMedium;

  a.priority = a.category == Category::kSafety
                   ? Priority::kP1
                   : config_.priority_matrix[static_cast<int>(a.urgency) - 1]
                                            [static_cast<int>(a.importance) - 1];

  a.department = Route(config_, a.category, submission.location);
  return a;
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
