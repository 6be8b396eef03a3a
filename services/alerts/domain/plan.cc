#include "services/alerts/domain/plan.h"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace sqms::alerts::domain {
namespace {

constexpr std::array<std::pair<ResponseLevel, std::string_view>, 4> kLevelNames{{
    {ResponseLevel::kI, "I"},
    {ResponseLevel::kII, "II"},
    {ResponseLevel::kIII, "III"},
    {ResponseLevel::kIV, "IV"},
}};
constexpr size_t kMaxValueBytes = 1024;

bool IsId(std::string_view id) {
  if (id.empty() || id.size() > 64 || id[0] == '-') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_islower(static_cast<unsigned char>(c)) ||
           absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

// Whether `id` is unknown to `known` (nullopt: not checked, never unknown).
bool Unknown(const std::optional<std::vector<std::string>>& known, std::string_view id) {
  return known && std::find(known->begin(), known->end(), id) == known->end();
}

std::string At(const std::string& path, size_t i) { return absl::StrCat(path, "[", i, "]"); }

// Collects violations, each under a field path.
class Checker {
 public:
  void Add(std::string field, std::string problem) {
    out_.push_back({std::move(field), std::move(problem)});
  }
  std::vector<PlanViolation> Take() { return std::move(out_); }

 private:
  std::vector<PlanViolation> out_;
};

void CheckTrigger(const Trigger& trigger, const std::string& path, Checker& c) {
  if (trigger.matchers.empty()) c.Add(path + ".matchers", "at least one matcher is required");
  for (size_t j = 0; j < trigger.matchers.size(); ++j) {
    if (trigger.matchers[j].value().size() > kMaxValueBytes) {
      c.Add(At(path + ".matchers", j) + ".value", "longer than 1024 bytes");
    }
  }
  if (!trigger.matchers.empty() && MatchesAll(trigger.matchers, Labels{})) {
    c.Add(path + ".matchers",
          "would match every alert (each matcher matches an alert without labels)");
  }
  if (trigger.count < 0 || trigger.count > kMaxTriggerCount) {
    c.Add(path + ".count", absl::StrCat("must be in 0..", kMaxTriggerCount));
  }
  if (trigger.within < absl::ZeroDuration()) {
    c.Add(path + ".within_seconds", "must not be negative");
  } else if (trigger.count > 1 && trigger.within == absl::ZeroDuration()) {
    c.Add(path + ".within_seconds", "is required when count > 1");
  }
}

void CheckNotify(const std::string& entry, const std::string& path, const PlanReferences& known,
                 Checker& c) {
  constexpr std::string_view kRotation = "rotation:";
  if (entry.starts_with(kRotation) && entry.size() > kRotation.size()) {
    // A page to a rotation nobody configured would reach no one on call.
    const std::string id = entry.substr(kRotation.size());
    if (Unknown(known.rotations, id)) {
      c.Add(path, absl::StrCat("unknown rotation '", id, "'"));
    }
    return;
  }
  for (std::string_view prefix : {"user:", "role:"}) {
    if (entry.starts_with(prefix) && entry.size() > prefix.size()) return;
  }
  c.Add(path, absl::StrCat("'", entry, "' is not user:<id>, role:<role> or rotation:<id>"));
}

void CheckTier(const Tier& tier, const std::string& path, const PlanReferences& known, Checker& c) {
  // Pages go out only through targets (webhooks); notify names the people
  // a page is addressed to. Without a target the tier would page nobody.
  if (tier.targets.empty()) {
    c.Add(path + ".targets",
          "at least one target is required (the people in notify are reached through targets)");
  }
  for (size_t k = 0; k < tier.notify.size(); ++k) {
    CheckNotify(tier.notify[k], At(path + ".notify", k), known, c);
  }
  for (size_t k = 0; k < tier.targets.size(); ++k) {
    if (Unknown(known.targets, tier.targets[k])) {
      c.Add(At(path + ".targets", k), absl::StrCat("unknown target '", tier.targets[k], "'"));
    } else if (std::find(tier.targets.begin(), tier.targets.begin() + k, tier.targets[k]) !=
               tier.targets.begin() + k) {
      // Each target is one delivery with its own X-SQMS-Delivery: the same
      // people would be paged twice per notification.
      c.Add(At(path + ".targets", k), absl::StrCat("'", tier.targets[k], "' is listed twice"));
    }
  }
  if (tier.ack_timeout <= absl::ZeroDuration()) {
    c.Add(path + ".ack_timeout_seconds", "must be positive");
  }
  if (tier.repeats < 0 || tier.repeats > kMaxRepeats) {
    c.Add(path + ".repeats", absl::StrCat("must be in 0..", kMaxRepeats));
  }
}

void CheckHeader(const Plan& plan, const PlanReferences& known, Checker& c) {
  if (!IsId(plan.id)) {
    c.Add("id", absl::StrCat("'", plan.id, "' is not an id (a-z, 0-9 and '-', at most 64)"));
  }
  if (plan.name.empty()) c.Add("name", "is required");
  if (plan.risk_id.empty()) {
    c.Add("risk_id", "is required");
  } else if (Unknown(known.risks, plan.risk_id)) {
    c.Add("risk_id", absl::StrCat("unknown risk '", plan.risk_id, "'"));
  }
  if (ResponseLevelName(plan.level).empty()) c.Add("level", "must be I, II, III or IV");
  if (plan.ack_expiry < absl::ZeroDuration()) c.Add("ack_expiry_seconds", "must not be negative");
  if (plan.resolve_after < absl::ZeroDuration() || plan.resolve_after > absl::Hours(24)) {
    c.Add("resolve_after_seconds", "must be 0..86400 seconds");
  }
}

void CheckGroupBy(const Plan& plan, Checker& c) {
  std::set<std::string> seen;
  for (size_t i = 0; i < plan.group_by.size(); ++i) {
    const std::string& name = plan.group_by[i];
    if (!Matcher::Make(name, "=", "").ok()) {
      c.Add(At("group_by", i), absl::StrCat("'", name, "' is not a label name"));
    } else if (!seen.insert(name).second) {
      c.Add(At("group_by", i), absl::StrCat("'", name, "' is listed twice"));
    }
  }
}

void CheckSteps(const Plan& plan, Checker& c) {
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const Step& step = plan.steps[i];
    if (step.title.empty()) c.Add(At("steps", i) + ".title", "is required");
    // requirements.md §3.2: "ordered steps with owners".
    if (step.owner_role.empty()) c.Add(At("steps", i) + ".owner_role", "is required");
    if (step.expected_minutes < 0 || step.expected_minutes > kMaxExpectedMinutes) {
      c.Add(At("steps", i) + ".expected_minutes",
            absl::StrCat("must be in 0..", kMaxExpectedMinutes, " (at most a week)"));
    }
  }
}

}  // namespace

std::string_view ResponseLevelName(ResponseLevel level) {
  for (const auto& [l, name] : kLevelNames) {
    if (l == level) return name;
  }
  return "";
}

std::optional<ResponseLevel> ParseResponseLevel(std::string_view text) {
  for (const auto& [l, name] : kLevelNames) {
    if (name == text) return l;
  }
  return std::nullopt;
}

std::vector<PlanViolation> ValidatePlan(const Plan& plan, const PlanReferences& known) {
  Checker c;
  CheckHeader(plan, known, c);
  if (plan.triggers.empty()) c.Add("triggers", "at least one trigger is required");
  for (size_t i = 0; i < plan.triggers.size(); ++i) {
    CheckTrigger(plan.triggers[i], At("triggers", i), c);
  }
  CheckGroupBy(plan, c);
  CheckSteps(plan, c);
  if (plan.escalation.empty()) c.Add("escalation", "at least one tier is required");
  for (size_t i = 0; i < plan.escalation.size(); ++i) {
    CheckTier(plan.escalation[i], At("escalation", i), known, c);
  }
  return c.Take();
}

int MatchingTrigger(const Plan& plan, const Labels& labels) {
  for (size_t i = 0; i < plan.triggers.size(); ++i) {
    if (MatchesAll(plan.triggers[i].matchers, labels)) return static_cast<int>(i);
  }
  return -1;
}

Labels GroupLabels(const Plan& plan, const Labels& labels) {
  Labels out;
  for (const std::string& name : plan.group_by) {
    if (auto it = labels.find(name); it != labels.end()) out.insert(*it);
  }
  return out;
}

std::string GroupKey(const Plan& plan, const Labels& group_labels) {
  std::string key = plan.id;
  for (const auto& [name, value] : group_labels) absl::StrAppend(&key, "|", name, "=", value);
  return key;
}

}  // namespace sqms::alerts::domain
