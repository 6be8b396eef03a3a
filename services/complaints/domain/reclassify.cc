#include "services/complaints/domain/reclassify.h"

#include <algorithm>
#include <string_view>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/complaints/domain/known_issue.h"
#include "services/complaints/domain/sla_clock.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::complaints::domain {
namespace {

std::string PriorityName(Priority p) { return absl::StrCat("P", static_cast<int>(p)); }

std::string_view LevelName(Level l) {
  switch (l) {
    case Level::kLow:
      return "low";
    case Level::kMedium:
      return "medium";
    case Level::kHigh:
      return "high";
    case Level::kUnspecified:
      break;
  }
  return "-";
}

bool InRange(Level l) { return l == Level::kLow || l == Level::kMedium || l == Level::kHigh; }

// The importance triage gives `category` when nothing else set it (triage.cc,
// AssessLevels): its configured importance ("category"), else MEDIUM
// ("default").
std::pair<Level, std::string> CategoryImportance(Category category, const Triage& triage) {
  const auto& by_category = triage.config().importance_by_category;
  auto it = by_category.find(category);
  if (it != by_category.end() && InRange(it->second)) return {it->second, "category"};
  return {Level::kMedium, "default"};
}

// Whether the complaint's importance came from its category (or the default
// for a category without one), so that a new category re-derives it.
bool ImportanceFromCategory(const Complaint& c) {
  return c.triage.importance_source == "category" || c.triage.importance_source == "default";
}

// A priority from the matrix, or P1 for safety (triage.cc, Assess).
Priority MatrixPriority(const Complaint& c, Category category, Level importance,
                        const Triage& triage) {
  if (category == Category::kSafety) return Priority::kP1;
  const Level urgency = InRange(c.urgency) ? c.urgency : Level::kMedium;
  if (!InRange(importance)) importance = Level::kMedium;
  return triage.config()
      .priority_matrix[static_cast<int>(urgency) - 1][static_cast<int>(importance) - 1];
}

// `d` restarted at `start` with `target` of open time of `calendar`, plus
// the open time `paused` spent in finished pauses since `start` (a pause
// still running shifts it again when it ends). Paused before that was
// measured (an older version's complaint): the wall time `paused_wall`.
void Restart(SlaDeadline& d, absl::Time start, absl::Duration target,
             std::optional<absl::Duration> paused, absl::Duration paused_wall, double share,
             const BusinessCalendar& calendar) {
  if (paused) {
    d.due = calendar.Add(start, target + *paused);
    d.at_risk_at = calendar.Add(start, target * share + *paused);
  } else {
    d.due = calendar.Add(start, target) + paused_wall;
    d.at_risk_at = calendar.Add(start, target * share) + paused_wall;
  }
}

// Unmet deadlines under the new priority's policy (see the header).
void RecomputeDeadlines(Complaint& c, const Triage& triage) {
  const SlaPolicy& policy = triage.Policy(c.priority);
  const BusinessCalendar& calendar = triage.CalendarFor(c.priority);
  const double share = triage.config().at_risk_share;
  const std::optional<SlaCycle>& cycle = c.sla.cycle;
  for (SlaDeadline& d : c.sla.deadlines) {
    if (d.met_at) continue;
    switch (d.target) {
      case SlaTarget::kFirstResponse:
        Restart(d, c.received_at, policy.first_response, PausedOpenTime(c.sla, calendar),
                c.sla.paused_total, share, calendar);
        break;
      case SlaTarget::kResolution:
        if (cycle) {  // reopened: the cycle's own deadline, from the reopen
          Restart(d, cycle->started_at, policy.resolution, PausedOpenTimeInCycle(c.sla, calendar),
                  c.sla.paused_total - cycle->paused_total_before, share, calendar);
        } else if (c.reopen_count == 0) {
          Restart(d, c.received_at, policy.resolution, PausedOpenTime(c.sla, calendar),
                  c.sla.paused_total, share, calendar);
        }  // else reopened before cycles were stored: its start is unknown, kept
        break;
      case SlaTarget::kFollowUp:
        // Started by the reply; nothing pauses a replied complaint.
        if (c.replied_at) {
          Restart(d, *c.replied_at, policy.follow_up, absl::ZeroDuration(), absl::ZeroDuration(),
                  share, calendar);
        }
        break;
      case SlaTarget::kUnspecified:
        break;
    }
  }
}

}  // namespace

absl::StatusOr<std::string> Reclassify(Complaint& c, const Command& command,
                                       const Triage& triage) {
  const Category category =
      command.category == Category::kUnspecified ? c.category : command.category;
  const bool category_changes = category != c.category;
  // Importance: re-derived from the new category when it came from the old
  // one; a submitted or signalled importance stays (see the header).
  Level importance = c.importance;
  std::string importance_source = c.triage.importance_source;
  if (category_changes && ImportanceFromCategory(c)) {
    std::tie(importance, importance_source) = CategoryImportance(category, triage);
  }
  Priority priority = command.priority;
  std::string priority_rule = command.priority == Priority::kUnspecified ? "" : "agent";
  if (priority == Priority::kUnspecified) {
    if (!category_changes) {
      priority = c.priority;
      priority_rule = c.triage.priority_rule;
    } else if (category == Category::kSafety) {
      priority = Priority::kP1;
      priority_rule = "safety_always_p1";
    } else if (c.triage.priority_rule == "agent") {
      priority = c.priority;  // an agent's priority stays until an agent changes it
      priority_rule = "agent";
    } else {
      // An importance of unknown origin (stored before importance_source
      // existed) is never lowered by the new category.
      const Level basis = ImportanceFromCategory(c) || !importance_source.empty()
                              ? importance
                              : std::max(importance, CategoryImportance(category, triage).first);
      priority = MatrixPriority(c, category, basis, triage);
      priority_rule = "matrix";
    }
  }
  if (category == Category::kSafety && priority != Priority::kP1) {
    return runtime::InvalidArgument({{"priority", "a safety complaint is always P1"}});
  }

  if (category == c.category && priority == c.priority) {
    // A command that changes nothing must not cost a version, an audit entry
    // and an event; telling the agent (rather than a silent OK) shows that a
    // stale view or a wrong pick did nothing. A retry of a reclassification
    // that did apply is answered by its request id before this (Execute).
    const std::string already =
        absl::StrCat("already category ", std::string(CategoryName(c.category)), ", priority ",
                     PriorityName(c.priority), ": nothing to reclassify");
    const char* field = command.category == Category::kUnspecified ? "priority" : "category";
    return runtime::WithFieldViolations(absl::FailedPreconditionError(already), {{field, already}});
  }
  const bool held = SlaHeld(c);
  std::string note;
  if (category != c.category) {
    note = absl::StrCat("category: ", std::string(CategoryName(c.category)), " → ",
                        std::string(CategoryName(category)));
    c.category = category;
    c.category_overridden = true;
    // Safety goes to the safety category's department whatever the status:
    // a hazard left in another department's queue reaches nobody who can
    // act on it. The assignee stays (see the header).
    if (c.status == Status::kReceived || category == Category::kSafety) {
      const std::string department = triage.Department(category, c.location);
      if (department != c.department) {
        absl::StrAppend(&note, "; department: ", c.department.empty() ? "-" : c.department, " → ",
                        department);
        c.department = department;
      }
    }
  }
  if (importance != c.importance) {
    absl::StrAppend(&note, note.empty() ? "" : "; ",
                    "importance: ", std::string(LevelName(c.importance)), " → ",
                    std::string(LevelName(importance)));
    c.importance = importance;
  }
  c.triage.importance_source = importance_source;
  c.triage.priority_rule = priority_rule;
  if (priority != c.priority) {
    absl::StrAppend(&note, note.empty() ? "" : "; ", "priority: ", PriorityName(c.priority), " → ",
                    PriorityName(priority));
    c.priority = priority;
    RecomputeDeadlines(c, triage);
  }
  // A P1 or safety complaint is never held by a known issue (known_issue.h).
  if (held != SlaHeld(c)) {
    absl::StrAppend(&note,
                    held ? "; known issue hold lifted" : "; SLA escalations held by incident ",
                    held ? "" : c.known_issue->incident_id);
  }
  return note;
}

}  // namespace sqms::complaints::domain
