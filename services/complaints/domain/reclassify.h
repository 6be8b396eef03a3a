#pragma once
// An agent's correction of triage (CommandKind::kReclassify, applied by
// lifecycle.h's Apply): a new category and/or priority, recorded as an
// override.
//
// - category: set (category_overridden = true); a complaint still RECEIVED
//   is re-routed to the new category's department (routing rules), an
//   assigned one keeps its department — unless the new category is safety:
//   then it is re-routed whatever its status (an agent's correction of a
//   triage miss must reach the safety office as triage would have). Its
//   status and assignee stay: whoever is handling it keeps it (nobody is
//   left owning a P1 on a 30-minute clock) until the new department
//   assigns it. The note names the move ("; department: a → b").
// - importance, when the category changed: re-derived as triage would
//   (triage.h) when it came from the old category — importance_source
//   "category" or "default" — from the new category's importance
//   ("category"; MEDIUM, "default", for a category without one); one the
//   submitter set ("submitted") or a text signal raised ("signal:<name>")
//   stays. The note names the change ("; importance: high → low").
// - priority: the one given (priority_rule "agent"); else, when the
//   category changed: safety → P1 ("safety_always_p1"); a priority an agent
//   set before (priority_rule "agent") stays; otherwise the priority matrix
//   at the complaint's urgency and its (re-derived) importance ("matrix") —
//   so moving away from safety re-derives it. An importance of unknown
//   origin (no importance_source: stored before it existed) counts as the
//   higher of it and the new category's, never lowering the priority.
//   The complaint's triage explanation records the new importance_source
//   and priority_rule.
// - A safety complaint is always P1: a lower priority is INVALID_ARGUMENT
//   on "priority".
// - SLA: when the priority changes, each unmet deadline is recomputed with
//   the new priority's policy and calendar from the moment it started:
//   first response from received_at; resolution from received_at, or in a
//   reopened cycle from the reopen (SlaClock::cycle); follow-up from
//   replied_at. Plus the open time of the new calendar spent in finished
//   pauses since that start (sla_clock.h, PausedOpenTime /
//   PausedOpenTimeInCycle). A moment already past fires at once; emitted
//   at-risk/breach flags stay. A complaint reopened before cycles were
//   stored (no SlaClock::cycle) keeps its resolution deadline.
// - Known issue: a complaint linked to an active incident is held by it
//   unless P1 or safety (known_issue.h, SlaHeld); when the change lifts or
//   brings back the hold, the note says so ("; known issue hold lifted").
// - Nothing to change (the category and the resulting priority are the
//   complaint's): FAILED_PRECONDITION "already category …, priority …",
//   with a violation on "category" ("priority" when only a priority was
//   given) — no version, audit entry or event.
// Returns the audit note, e.g. "category: hygiene → safety; department:
// onboard-services → safety-office; priority: P3 → P1"; the complaint is
// unchanged on error.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "services/complaints/domain/lifecycle.h"
#include "services/complaints/domain/model.h"
#include "services/complaints/domain/triage.h"

namespace sqms::complaints::domain {

absl::StatusOr<std::string> Reclassify(Complaint& complaint, const Command& command,
                                       const Triage& triage);

}  // namespace sqms::complaints::domain
