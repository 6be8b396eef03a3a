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

// Unmet deadlines under the new priority's policy (see the header).
void RecomputeDeadlines(Complaint& c, const Triage& triage) {
  const SlaPolicy& policy = triage.Policy(c.priority);
  const BusinessCalendar& calendar = triage.CalendarFor(c.priority);
  const double share = triage.config().at_risk_share;
  for (SlaDeadline& d : c.sla.deadlines) {
    if (d.met_at) continue;
    absl::Duration target;
    if (d.target == SlaTarget::kFirstResponse) {
      target = policy.first_response;
    } else if (d.target == SlaTarget::kResolution && c.reopen_count == 0) {
      target = policy.resolution;
    } else {
      continue;  // follow-up runs from the reply; a reopened cycle keeps its own
    }
    // Open time from receipt, plus the open time spent in finished pauses
    // (a pause still running shifts them again when it ends). Paused before
    // that was measured (an older version's complaint): the wall time.
    if (const std::optional<absl::Duration> paused = PausedOpenTime(c.sla, calendar)) {
      d.due = calendar.Add(c.received_at, target + *paused);
      d.at_risk_at = calendar.Add(c.received_at, target * share + *paused);
    } else {
      d.due = calendar.Add(c.received_at, target) + c.sla.paused_total;
      d.at_risk_at = calendar.Add(c.received_at, target * share) + c.sla.paused_total;
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
    if (c.status == Status::kReceived) c.department = triage.Department(category, c.location);
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
