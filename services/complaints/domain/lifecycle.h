#pragma once
// The lifecycle state machine (requirements.md §1) and the SLA clock that
// runs with it. Every function is pure: it changes only the complaint passed
// in, and only when it succeeds (on error the complaint is untouched).
//
// Transitions (command: from → to):
//   assign:          RECEIVED, ASSIGNED, IN_PROGRESS → ASSIGNED; on an
//                    ASSIGNED complaint that has the department and assignee
//                    sent already it changes nothing: FAILED_PRECONDITION
//                    "already assigned to department …, assignee …: nothing
//                    to assign" with a violation on "department" ("assignee"
//                    when only an assignee was sent) — no version, audit
//                    entry or event (RECEIVED and IN_PROGRESS change status)
//   start_handling:  ASSIGNED → IN_PROGRESS           (meets first response)
//   wait_customer:   IN_PROGRESS → WAITING_CUSTOMER   (pauses the SLA clock)
//   resume:          WAITING_CUSTOMER → IN_PROGRESS   (shifts unmet due times)
//   resolve:         IN_PROGRESS → RESOLVED           (meets resolution)
//   reply:           RESOLVED → REPLIED               (meets first response if
//                                                     not yet; starts follow-up)
//   follow_up:       REPLIED → FOLLOWED_UP (satisfied, meets follow-up)
//                    REPLIED → IN_PROGRESS (not satisfied: reopens)
//   close:           FOLLOWED_UP, REPLIED → CLOSED; from REPLIED the
//                    follow-up visit is skipped, so a reason is required:
//                    an empty (or blank) note is INVALID_ARGUMENT on
//                    "note". The audit
//                    entry and the kClosed event are noted "follow-up
//                    skipped: <note>"; the follow-up deadline stays unmet
//                    and never breaches (nothing fires on a closed
//                    complaint). Follow-up coverage stays exact: it counts
//                    follow-ups (kFollowedUp) over resolutions, and a close
//                    from REPLIED is one not followed up.
//   reopen:          RESOLVED, REPLIED, FOLLOWED_UP, CLOSED → IN_PROGRESS
//   escalate:        any but CLOSED → same status, escalation_level + 1:
//                    one tier up, never a jump, never down. At
//                    kTopEscalationLevel (or above, set before the cap):
//                    FAILED_PRECONDITION with a violation on
//                    "escalation_level"; past the actor's
//                    Command::escalate_up_to: PERMISSION_DENIED with a
//                    violation on "escalation_level". Noted
//                    "escalation_level: 0 → 1".
//   note:            any → same status
//   reclassify:      any but CLOSED → same status (reclassify.h: an agent's
//                    override of category/priority, audited "from → to")
// Anything else: FAILED_PRECONDITION "cannot <command> a complaint in status
// <STATUS>".
//
// Reopening (reopen, or follow_up not satisfied) starts a new handling cycle,
// as a ticket-system user expects: reopen_count + 1, closed_at cleared, a
// fresh resolution deadline of the full policy target counted from the reopen
// (its at-risk/breach flags reset; earlier breaches stay in the audit trail
// and the events; the cycle's start and the pauses so far are kept in
// SlaClock::cycle for a later change of priority, reclassify.h), and the
// follow-up deadline dropped until the next reply.
// follow_up not satisfied emits two events, kFollowedUp then kReopened.
//
// One change, one version, one audit entry: every successful Apply or
// FireDueTimers bumps the version by exactly one and appends exactly one
// audit entry carrying that version; every event the change caused carries
// the same version (the complaint's state after the change). follow_up not
// satisfied is one entry "follow_up" REPLIED → IN_PROGRESS noted "not
// satisfied: reopened"; a timer scan that finds several moments due is one
// entry ("sla_breached" if any breached, else "sla_at_risk") noting each.
// Audit actions are the command names below, "submit" for the creation, and
// "sla_at_risk"/"sla_breached" for timers (actor "sla-timer").

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/complaints/domain/model.h"
#include "services/complaints/domain/triage.h"

namespace sqms::complaints::domain {

enum class CommandKind {
  kAssign, kStartHandling, kWaitOnCustomer, kResume, kResolve, kReply, kFollowUp, kClose,
  kReopen, kEscalate, kAddNote, kReclassify
};
// "assign", "start_handling", "wait_customer", "resume", "resolve", "reply",
// "follow_up", "close", "reopen", "escalate", "note", "reclassify".
std::string_view CommandName(CommandKind kind);
// Proto-style status name: "STATUS_RECEIVED", ... ("STATUS_UNSPECIFIED" for
// anything out of range).
std::string_view StatusName(Status status);

// The top of the escalation tiers a breach or a person climbs: 1 =
// supervisor, 2 = admin (requirements: "escalation climbs these tiers").
inline constexpr int kTopEscalationLevel = 2;

struct Command {
  CommandKind kind = CommandKind::kAddNote;
  std::string actor;
  absl::Time now;
  // AIP-155 request id chosen by the client ("" = none): a retry with the
  // same id returns the first outcome (app/complaint_service.h, Execute).
  std::string request_id;
  std::string note;
  // kAssign
  std::string department;
  std::string assignee;
  // kResolve
  std::string findings;
  std::string root_cause;
  std::string corrective_action;
  // kReply
  std::string reply;
  // kFollowUp
  bool satisfied = false;
  int score = 0;
  std::string comment;
  // kReclassify (at least one set)
  Category category = Category::kUnspecified;
  Priority priority = Priority::kUnspecified;
  // kEscalate: the highest level this actor may escalate to (the caller's
  // role decides: rpc/roles.h, EscalationCeiling). Default: the top.
  int escalate_up_to = kTopEscalationLevel;
};

// Builds a new complaint from a validated submission: status RECEIVED,
// version 1, triage applied, SLA deadlines from the policy of its priority,
// first audit entry. Returns it with its kSubmitted event.
struct Created {
  Complaint complaint;
  std::vector<Event> events;
};
Created CreateComplaint(const Submission& submission, const std::string& id,
                        const std::string& actor, absl::Time now, const Triage& triage);

// Applies a command. On success bumps version, sets updated_at, appends one
// audit entry and returns the events (at least one).
// FAILED_PRECONDITION for an illegal transition (naming the current status)
// and for a command that changes nothing (an assignment, above; a
// reclassification, reclassify.h);
// PERMISSION_DENIED for an escalation past Command::escalate_up_to;
// INVALID_ARGUMENT (with field violations) for a missing payload field
// (the note of a close from REPLIED included),
// and for an assignment to a department that is not one of `triage`'s
// (CheckListedDepartment, violation on "department") — checked before the
// transition, and the complaint is left untouched.
absl::StatusOr<std::vector<Event>> Apply(Complaint& complaint, const Command& command,
                                         const Triage& triage);

// A timer the store must fire: the at-risk or breach moment of one target.
struct SlaTimer {
  SlaTarget target = SlaTarget::kUnspecified;
  bool breach = false;  // false: at-risk
  absl::Time at;
};
// Timers still to fire for this complaint (none while closed, or held by a
// known issue: known_issue.h, SlaHeld — never a P1 or safety one). While
// waiting on the customer only the wait's end (target kUnspecified, at
// wait_until), when it has one.
std::vector<SlaTimer> PendingTimers(const Complaint& complaint);

// Fires due SLA moments at `now`: marks at_risk/breached on each unmet
// deadline whose moment has passed and returns a kSlaAtRisk/kSlaBreached
// event per change (empty when nothing is due — a stale timer is a no-op).
// Bumps version and appends one audit entry when it returns events.
// A breach escalates: each target newly breached raises escalation_level by
// one, up to kTopEscalationLevel (a level already there, or above it in a
// complaint stored before escalation was capped, stays), noted
// in the audit entry ("…; escalated to level 1"); the kSlaBreached events
// carry the escalated complaint.
// Nothing fires while a known issue holds the complaint (SlaHeld; a P1 or
// safety complaint linked to one fires as any other).
// A wait on the customer past its wait_until ends instead (and nothing else
// in that call): WAITING_CUSTOMER → IN_PROGRESS, the clock resumed as by
// kResume, one kResumed event and the audit entry "wait_expired" (actor
// "sla-timer"). `triage`: the calendars the resume counts in.
std::vector<Event> FireDueTimers(Complaint& complaint, absl::Time now, const Triage& triage);

}  // namespace sqms::complaints::domain
