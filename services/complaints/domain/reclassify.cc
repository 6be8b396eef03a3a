#include "services/complaints/domain/reclassify.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/complaints/domain/known_issue.h"
#include "services/complaints/domain/sla_clock.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::complaints::domain {
namespace {

std::string PriorityName(Priority p) { return absl::StrCat("P", static_cast<int>(p)); }

Priority AssessedPriority(const Complaint& c, Category category, const Triage& triage) {
  if (category == Category::kSafety) return Priority::kP1;
  const TriageConfig& config = triage.config();
  auto it = config.importance_by_category.find(category);
  Level importance = it == config.importance_by_category.end() ? Level::kMedium : it->second;
  importance = std::max(importance, c.importance);
  const Level urgency = c.urgency == Level::kUnspecified ? Level::kMedium : c.urgency;
  return config.priority_matrix[static_cast<int>(urgency) - 1][static_cast<int>(importance) - 1];
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
  Priority priority = command.priority;
  if (priority == Priority::kUnspecified) {
    priority = category == c.category ? c.priority : AssessedPriority(c, category, triage);
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
