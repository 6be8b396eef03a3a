#pragma once
// Emergency plans (requirements.md §3.2): what activates a plan (triggers),
// how its alerts are grouped into incidents, the procedure, and the
// escalation chain. Pure data and checks; loaded by config/, stored by
// adapters/.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/alerts/domain/labels.h"

namespace sqms::alerts::domain {

// Response level: I is the most severe (national/company-wide), IV the least.
enum class ResponseLevel { kI = 1, kII = 2, kIII = 3, kIV = 4 };
std::string_view ResponseLevelName(ResponseLevel level);  // "I" … "IV"
std::optional<ResponseLevel> ParseResponseLevel(std::string_view text);

// The limits ValidatePlan holds a plan to — the one set for the config file
// (config/alerts_config.cc) and UpsertPlan (app/plan_changes.cc) alike.
inline constexpr int kMaxTriggerCount = 1000000;
inline constexpr int kMaxExpectedMinutes = 7 * 24 * 60;  // a week
inline constexpr int kMaxRepeats = 100;

struct Trigger {
  std::vector<Matcher> matchers;  // all must match; at least one
  // Counting trigger: activates when `count` matching alerts of one group
  // arrived within `within`. count ≤ 1: every matching alert activates.
  int count = 0;  // 0..kMaxTriggerCount
  absl::Duration within = absl::ZeroDuration();
};

struct Step {
  std::string title;       // required
  std::string owner_role;  // required: who does it (requirements.md §3.2)
  int expected_minutes = 0;  // 0..kMaxExpectedMinutes; 0: no time set
};

struct Tier {
  // Whom to notify: "user:<id>", "role:<role>", "rotation:<rotation id>";
  // may be empty (a page to a team channel names nobody).
  std::vector<std::string> notify;
  // Notification target ids (config), at least one: a page reaches the
  // people in `notify` only through the tier's targets.
  std::vector<std::string> targets;
  absl::Duration ack_timeout = absl::Minutes(5);  // > 0
  int repeats = 0;  // extra notifications of this tier before the next, 0..kMaxRepeats
};

struct Plan {
  std::string id;        // [a-z0-9][a-z0-9-]*
  std::string name;
  std::string risk_id;
  ResponseLevel level = ResponseLevel::kIII;
  std::vector<Trigger> triggers;     // at least one
  std::vector<std::string> group_by; // labels; empty: one incident per plan
  std::vector<Step> steps;
  std::vector<Tier> escalation;      // at least one tier
  bool auto_resolve = true;
  bool outage = false;
  absl::Duration ack_expiry = absl::ZeroDuration();  // 0: an ack holds
  // Flap protection (with auto_resolve): the incident resolves only once
  // every alert stayed resolved this long; an alert firing again meanwhile
  // keeps the incident as it is — no second incident, no new page.
  // 0: it resolves when the last alert resolves. 0..24 h.
  absl::Duration resolve_after = absl::ZeroDuration();
  // Complaint category names whose new complaints the complaints service
  // links to this plan's active incidents as a known issue (docs/alerts.md,
  // "Known issues"); empty: none.
  std::vector<std::string> known_issue_categories;
  int64_t version = 1;
};

// One problem with a plan: `field` is its path inside the plan, as the API
// and the config name it ("escalation[1].ack_timeout_seconds",
// "triggers[0].matchers[2].value").
struct PlanViolation {
  std::string field;
  std::string problem;
};

// The ids a plan's references must name: its risk_id a risk, each of a
// tier's targets a target, each "rotation:<id>" in a tier's notify a
// rotation. A list left nullopt is not checked — codec::PlanFromProto has
// no configuration to check against; the config loader and
// app::PlanChanges pass all three. An empty list knows no ids: every
// reference of that kind is unknown.
struct PlanReferences {
  std::optional<std::vector<std::string>> risks;
  std::optional<std::vector<std::string>> targets;
  std::optional<std::vector<std::string>> rotations;
};

// Every violation (empty: valid), in the order of the plan's fields. The
// one check of a plan, whether it comes from the config file or UpsertPlan,
// so that the two cannot accept different plans.
std::vector<PlanViolation> ValidatePlan(const Plan& plan, const PlanReferences& known);

// The index of the first trigger of `plan` that matches `labels`, or -1.
int MatchingTrigger(const Plan& plan, const Labels& labels);

// The group labels of an alert under `plan`: its group_by labels (absent
// ones left out) — and the group key that identifies the incident, stable
// text "plan-id|name=value|…" (sorted by label name).
Labels GroupLabels(const Plan& plan, const Labels& labels);
std::string GroupKey(const Plan& plan, const Labels& group_labels);

}  // namespace sqms::alerts::domain
