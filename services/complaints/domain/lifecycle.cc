#include "services/complaints/domain/lifecycle.h"

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "services/complaints/domain/known_issue.h"
#include "services/complaints/domain/reclassify.h"
#include "services/complaints/domain/sla_clock.h"
#include "services/complaints/domain/validation.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::complaints::domain {
namespace {

constexpr char kTimerActor[] = "sla-timer";

bool In(Status s, std::initializer_list<Status> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

bool IsRealStatus(Status s) {
  int v = static_cast<int>(s);
  return v >= 1 && v <= kStatusMax;
}

// The status a legal command leads to; nullopt when it is illegal in `from`.
std::optional<Status> TargetStatus(const Command& command, Status from) {
  using S = Status;
  if (!IsRealStatus(from)) return std::nullopt;
  auto when = [&](std::initializer_list<Status> set, Status to) -> std::optional<Status> {
    return In(from, set) ? std::optional<Status>(to) : std::nullopt;
  };
  switch (command.kind) {
    case CommandKind::kAssign:
      return when({S::kReceived, S::kAssigned, S::kInProgress}, S::kAssigned);
    case CommandKind::kStartHandling: return when({S::kAssigned}, S::kInProgress);
    case CommandKind::kWaitOnCustomer: return when({S::kInProgress}, S::kWaitingCustomer);
    case CommandKind::kResume: return when({S::kWaitingCustomer}, S::kInProgress);
    case CommandKind::kResolve: return when({S::kInProgress}, S::kResolved);
    case CommandKind::kReply: return when({S::kResolved}, S::kReplied);
    case CommandKind::kFollowUp:
      return when({S::kReplied}, command.satisfied ? S::kFollowedUp : S::kInProgress);
    case CommandKind::kClose: return when({S::kFollowedUp, S::kReplied}, S::kClosed);
    case CommandKind::kReopen:
      return when({S::kResolved, S::kReplied, S::kFollowedUp, S::kClosed}, S::kInProgress);
    case CommandKind::kEscalate: return from == S::kClosed ? std::nullopt : std::optional(from);
    case CommandKind::kAddNote: return from;
    case CommandKind::kReclassify: return from == S::kClosed ? std::nullopt : std::optional(from);
  }
  return std::nullopt;
}

EventType EventFor(CommandKind kind) {
  switch (kind) {
    case CommandKind::kAssign: return EventType::kAssigned;
    case CommandKind::kStartHandling: return EventType::kHandlingStarted;
    case CommandKind::kWaitOnCustomer: return EventType::kWaitingCustomer;
    case CommandKind::kResume: return EventType::kResumed;
    case CommandKind::kResolve: return EventType::kResolved;
    case CommandKind::kReply: return EventType::kReplied;
    case CommandKind::kFollowUp: return EventType::kFollowedUp;
    case CommandKind::kClose: return EventType::kClosed;
    case CommandKind::kReopen: return EventType::kReopened;
    case CommandKind::kEscalate: return EventType::kEscalated;
    case CommandKind::kAddNote: return EventType::kNoteAdded;
    case CommandKind::kReclassify: return EventType::kReclassified;
  }
  return EventType::kUnspecified;
}

std::string_view TargetName(SlaTarget target) {
  switch (target) {
    case SlaTarget::kFirstResponse: return "first_response";
    case SlaTarget::kResolution: return "resolution";
    case SlaTarget::kFollowUp: return "follow_up";
    case SlaTarget::kUnspecified: break;
  }
  return "unspecified";
}

void Audit(Complaint& c, const Event& e, std::string_view action) {
  AuditEntry entry;
  entry.at = e.at;
  entry.actor = e.actor;
  entry.action = std::string(action);
  entry.from = e.from;
  entry.to = e.to;
  entry.note = e.note;
  entry.version = c.version;
  c.audit.push_back(std::move(entry));
}

// What an assignment changes, for its audit note and event: "department:
// a → b; assignee: - → agent.li" ("-": none before); empty when nothing.
std::string AssignChange(const Complaint& c, const Command& command) {
  std::vector<std::string> parts;
  auto from_to = [&parts](std::string_view field, const std::string& from, const std::string& to) {
    if (to.empty() || to == from) return;
    std::string part(field);
    part += ": " + (from.empty() ? std::string("-") : from) + " → " + to;
    parts.push_back(std::move(part));
  };
  from_to("department", c.department, command.department);
  from_to("assignee", c.assignee, command.assignee);
  return absl::StrJoin(parts, "; ");
}

// An assignment that changes nothing (see the header): FAILED_PRECONDITION
// naming what it sent, which the complaint has already.
absl::Status UnchangedAssignment(const Complaint& c, const Command& command) {
  std::vector<std::string> parts;
  if (!command.department.empty()) parts.push_back(absl::StrCat("department ", c.department));
  if (!command.assignee.empty()) parts.push_back(absl::StrCat("assignee ", c.assignee));
  const std::string already =
      absl::StrCat("already assigned to ", absl::StrJoin(parts, ", "), ": nothing to assign");
  const char* field = command.department.empty() ? "assignee" : "department";
  return runtime::WithFieldViolations(absl::FailedPreconditionError(already), {{field, already}});
}

// An escalation one tier up (see the header): refused at the top, and past
// what the actor's role may reach. Checked before anything changes.
absl::Status CheckEscalation(const Complaint& c, const Command& command) {
  const int from = c.escalation_level;
  if (from >= kTopEscalationLevel) {
    const std::string why = absl::StrCat("already at escalation level ", from, ", the top (",
                                         kTopEscalationLevel, " = admin): nothing to escalate");
    return runtime::WithFieldViolations(absl::FailedPreconditionError(why),
                                        {{"escalation_level", why}});
  }
  if (from + 1 > command.escalate_up_to) {
    const std::string why = absl::StrCat(
        "your role may escalate up to level ", command.escalate_up_to,
        " and the complaint is at level ", from,
        " already: only a supervisor or admin escalates it further, to level ", from + 1);
    return runtime::WithFieldViolations(absl::PermissionDeniedError("escalation_level: " + why),
                                        {{"escalation_level", why}});
  }
  return absl::OkStatus();
}

// Closing a replied complaint skips the follow-up visit: it needs a reason.
absl::Status CheckCloseReason(Status from, const Command& command) {
  if (from != Status::kReplied || !absl::StripAsciiWhitespace(command.note).empty()) {
    return absl::OkStatus();
  }
  return runtime::InvalidArgument(
      {{"note",
        "closing a complaint in STATUS_REPLIED skips the follow-up visit: give the reason "
        "(e.g. customer unreachable, declined the follow-up)"}});
}

Event MakeEvent(EventType type, const Command& command, Status from, Status to) {
  Event e;
  e.type = type;
  e.at = command.now;
  e.actor = command.actor;
  e.from = from;
  e.to = to;
  e.note = command.note;
  return e;
}

// A new handling cycle (see the header): full resolution target from now,
// remembered (with the pauses so far) for a later change of priority.
void StartNewCycle(Complaint& c, absl::Time now, const Triage& triage) {
  c.sla.cycle = SlaCycle{.started_at = now,
                         .paused_total_before = c.sla.paused_total,
                         .paused_working_before = c.sla.paused_working};
  const SlaPolicy& policy = triage.Policy(c.priority);
  SetDeadline(c.sla, StartDeadline(SlaTarget::kResolution, now, policy.resolution,
                                   triage.config().at_risk_share,
                                   triage.CalendarFor(c.priority)));
  RemoveDeadline(c.sla, SlaTarget::kFollowUp);
  c.reopen_count += 1;
  c.closed_at.reset();
}

// Meets `target` at `now` on the complaint's calendar (sla_clock.h).
void Meet(Complaint& c, SlaTarget target, absl::Time now, const Triage& triage) {
  MeetDeadline(c.sla, target, now, c.received_at, triage.CalendarFor(c.priority));
}

void ApplyReply(Complaint& c, const Command& command, const Triage& triage) {
  c.reply = command.reply;
  c.replied_at = command.now;
  Meet(c, SlaTarget::kFirstResponse, command.now, triage);
  const SlaPolicy& policy = triage.Policy(c.priority);
  SetDeadline(c.sla, StartDeadline(SlaTarget::kFollowUp, command.now, policy.follow_up,
                                   triage.config().at_risk_share,
                                   triage.CalendarFor(c.priority)));
}

// Changes the fields a command owns (status is set by the caller).
void ApplyEffects(Complaint& c, const Command& command, const Triage& triage) {
  const absl::Time now = command.now;
  switch (command.kind) {
    case CommandKind::kAssign:
      if (!command.department.empty()) c.department = command.department;
      if (!command.assignee.empty()) c.assignee = command.assignee;
      break;
    case CommandKind::kStartHandling:
      Meet(c, SlaTarget::kFirstResponse, now, triage);
      break;
    case CommandKind::kWaitOnCustomer:
      PauseClock(c.sla, now);
      c.sla.wait_until = now + triage.config().max_customer_wait;
      break;
    case CommandKind::kResume:
      // A wait pauses the clock for at most max_customer_wait: resumed by
      // hand after it ran out (its timer late or lost), the clock has run
      // since wait_until.
      ResumeClock(c.sla, std::min(now, c.sla.wait_until), triage.CalendarFor(c.priority),
                  triage.BusinessHours());
      c.sla.wait_until = absl::InfiniteFuture();
      break;
    case CommandKind::kResolve:
      c.resolution = {.findings = command.findings,
                      .root_cause = command.root_cause,
                      .corrective_action = command.corrective_action,
                      .resolved_at = now,
                      .department = c.department,
                      .category = c.category,
                      .assignee = c.assignee};
      Meet(c, SlaTarget::kFirstResponse, now, triage);
      Meet(c, SlaTarget::kResolution, now, triage);
      break;
    case CommandKind::kReply: ApplyReply(c, command, triage); break;
    case CommandKind::kFollowUp:
      c.follow_up = {command.satisfied, command.score, command.comment, now};
      Meet(c, SlaTarget::kFollowUp, now, triage);
      if (!command.satisfied) StartNewCycle(c, now, triage);
      break;
    case CommandKind::kClose: c.closed_at = now; break;
    case CommandKind::kReopen: StartNewCycle(c, now, triage); break;
    case CommandKind::kEscalate: c.escalation_level += 1; break;
    case CommandKind::kAddNote: break;
    case CommandKind::kReclassify: break;  // Apply: it can fail, so it runs first
  }
}

// Apply() checks only what it needs (required payload, score); lengths are
// the caller's ValidateCommand with its own limits.
ValidationLimits UnboundedLimits() {
  constexpr size_t kMax = static_cast<size_t>(-1);
  ValidationLimits limits;
  limits.max_title = limits.max_content = limits.max_short_field = kMax;
  limits.max_idempotency_key = limits.max_department = kMax;
  return limits;
}

}  // namespace

std::string_view CommandName(CommandKind kind) {
  switch (kind) {
    case CommandKind::kAssign: return "assign";
    case CommandKind::kStartHandling: return "start_handling";
    case CommandKind::kWaitOnCustomer: return "wait_customer";
    case CommandKind::kResume: return "resume";
    case CommandKind::kResolve: return "resolve";
    case CommandKind::kReply: return "reply";
    case CommandKind::kFollowUp: return "follow_up";
    case CommandKind::kClose: return "close";
    case CommandKind::kReopen: return "reopen";
    case CommandKind::kEscalate: return "escalate";
    case CommandKind::kAddNote: return "note";
    case CommandKind::kReclassify: return "reclassify";
  }
  return "unknown";
}

std::string_view StatusName(Status status) {
  switch (status) {
    case Status::kReceived: return "STATUS_RECEIVED";
    case Status::kAssigned: return "STATUS_ASSIGNED";
    case Status::kInProgress: return "STATUS_IN_PROGRESS";
    case Status::kWaitingCustomer: return "STATUS_WAITING_CUSTOMER";
    case Status::kResolved: return "STATUS_RESOLVED";
    case Status::kReplied: return "STATUS_REPLIED";
    case Status::kFollowedUp: return "STATUS_FOLLOWED_UP";
    case Status::kClosed: return "STATUS_CLOSED";
    case Status::kUnspecified: break;
  }
  return "STATUS_UNSPECIFIED";
}

Created CreateComplaint(const Submission& submission, const std::string& id,
                        const std::string& actor, absl::Time now, const Triage& triage) {
  Created out;
  Complaint& c = out.complaint;
  c.id = id;
  c.version = 1;
  c.status = Status::kReceived;
  c.channel = submission.channel;
  Assessment a = triage.Assess(submission);
  c.category = a.category;
  c.category_overridden = a.category_overridden;
  c.urgency = a.urgency;
  c.importance = a.importance;
  c.priority = a.priority;
  c.department = a.department;
  c.triage = std::move(a.explanation);
  c.received_as = {.department = c.department, .category = c.category};
  c.title = submission.title;
  c.content = submission.content;
  c.complainant = submission.complainant;
  c.location = submission.location;
  c.occurred_at = submission.occurred_at.value_or(now);
  c.received_at = c.updated_at = now;
  c.idempotency_key = submission.idempotency_key;

  const SlaPolicy& policy = triage.Policy(c.priority);
  const BusinessCalendar& calendar = triage.CalendarFor(c.priority);
  const double share = triage.config().at_risk_share;
  c.sla.deadlines = {
      StartDeadline(SlaTarget::kFirstResponse, now, policy.first_response, share, calendar),
      StartDeadline(SlaTarget::kResolution, now, policy.resolution, share, calendar)};

  Event submitted;
  submitted.type = EventType::kSubmitted;
  submitted.at = now;
  submitted.actor = actor;
  submitted.to = Status::kReceived;
  Audit(c, submitted, "submit");
  out.events.push_back(std::move(submitted));
  return out;
}

absl::StatusOr<std::vector<Event>> Apply(Complaint& complaint, const Command& command,
                                         const Triage& triage) {
  if (absl::Status s = ValidateCommand(command, UnboundedLimits()); !s.ok()) return s;
  if (command.kind == CommandKind::kAssign) {
    // Against the snapshot this command applies with: a department a reload
    // just removed is refused, one it just added is accepted.
    std::vector<runtime::FieldViolation> unlisted;
    CheckListedDepartment(unlisted, "department", command.department, triage);
    if (!unlisted.empty()) return runtime::InvalidArgument(std::move(unlisted));
  }
  const Status from = complaint.status;
  std::optional<Status> to = TargetStatus(command, from);
  if (!to) {
    return absl::FailedPreconditionError(absl::StrCat("cannot ", std::string(CommandName(command.kind)),
                                                      " a complaint in status ",
                                                      std::string(StatusName(from))));
  }
  if (command.kind == CommandKind::kEscalate) {
    if (absl::Status s = CheckEscalation(complaint, command); !s.ok()) return s;
  }
  if (command.kind == CommandKind::kClose) {
    if (absl::Status s = CheckCloseReason(from, command); !s.ok()) return s;
  }
  std::string change;  // what the command changed, for its audit note
  if (command.kind == CommandKind::kReclassify) {
    absl::StatusOr<std::string> note = Reclassify(complaint, command, triage);
    if (!note.ok()) return note.status();
    change = *std::move(note);
  }
  if (command.kind == CommandKind::kAssign) {
    change = AssignChange(complaint, command);
    // Like a reclassification that changes nothing (reclassify.cc): no
    // version, audit entry or event. A retry of an assignment that did apply
    // is answered by its request id (Execute), not refused here.
    if (change.empty() && from == *to) return UnchangedAssignment(complaint, command);
  }
  if (command.kind == CommandKind::kEscalate) {
    change = absl::StrCat("escalation_level: ", complaint.escalation_level, " → ",
                          complaint.escalation_level + 1);
  }
  ApplyEffects(complaint, command, triage);
  complaint.status = *to;
  complaint.version += 1;
  complaint.updated_at = command.now;

  std::vector<Event> events{MakeEvent(EventFor(command.kind), command, from, *to)};
  if (!change.empty()) {
    events.back().note = command.note.empty() ? change : absl::StrCat(change, " (", command.note, ")");
  }
  if (command.kind == CommandKind::kClose && from == Status::kReplied) {
    events.back().note = absl::StrCat("follow-up skipped: ", command.note);
  }
  if (command.kind == CommandKind::kFollowUp && !command.satisfied) {
    Event reopened = MakeEvent(EventType::kReopened, command, from, *to);
    reopened.note = "follow-up not satisfied";
    events.push_back(std::move(reopened));
  }
  // One change, one entry (see the header), whatever events it caused.
  Event audited = events.front();
  if (events.size() > 1) {
    audited.note = command.note.empty()
                       ? std::string("not satisfied: reopened")
                       : absl::StrCat("not satisfied: reopened (", command.note, ")");
  }
  Audit(complaint, audited, CommandName(command.kind));
  return events;
}

namespace {

// The customer did not answer within max_customer_wait: the complaint is
// back IN_PROGRESS with its clock running, as a resume by the timer.
// The clock runs again as of wait_until, not as of the timer: a timer that
// fired late (a Redis failover, a replica down) must not lengthen the
// pause past max_customer_wait; deadlines already past then fire on the
// next timer.
std::vector<Event> EndCustomerWait(Complaint& complaint, absl::Time now, const Triage& triage) {
  const absl::Time resumed = std::min(now, complaint.sla.wait_until);
  const absl::Duration waited = resumed - complaint.sla.paused_since;
  ResumeClock(complaint.sla, resumed, triage.CalendarFor(complaint.priority),
              triage.BusinessHours());
  complaint.sla.wait_until = absl::InfiniteFuture();
  Event e;
  e.type = EventType::kResumed;
  e.at = now;
  e.actor = kTimerActor;
  e.from = complaint.status;
  e.to = complaint.status = Status::kInProgress;
  e.note = absl::StrCat("no answer from the customer in ", absl::FormatDuration(waited),
                        ": waiting ended, the SLA clock runs again");
  complaint.version += 1;
  complaint.updated_at = now;
  Audit(complaint, e, "wait_expired");
  return {e};
}

}  // namespace

std::vector<Event> FireDueTimers(Complaint& complaint, absl::Time now, const Triage& triage) {
  std::vector<Event> events;
  if (complaint.sla.paused && complaint.status == Status::kWaitingCustomer &&
      now >= complaint.sla.wait_until) {
    // One change, one entry: deadlines due after the resume fire on the
    // next timer (the store schedules it from PendingTimers at once).
    return EndCustomerWait(complaint, now, triage);
  }
  if (complaint.sla.paused || complaint.status == Status::kClosed) return events;
  if (SlaHeld(complaint)) return events;
  auto emit = [&](EventType type, SlaTarget target, std::string_view what) {
    Event e;
    e.type = type;
    e.at = now;
    e.actor = kTimerActor;
    e.from = e.to = complaint.status;
    e.sla_target = target;
    e.note = absl::StrCat(std::string(TargetName(target)), " ", std::string(what));
    events.push_back(std::move(e));
  };
  for (SlaDeadline& d : complaint.sla.deadlines) {
    if (d.met_at) continue;
    if (!d.at_risk && now >= d.at_risk_at) {
      d.at_risk = true;
      emit(EventType::kSlaAtRisk, d.target, "at risk");
    }
    if (!d.breached && now >= d.due) {
      d.breached = true;
      emit(EventType::kSlaBreached, d.target, "breached");
    }
  }
  if (events.empty()) return events;
  complaint.version += 1;
  complaint.updated_at = now;
  // One change, one entry: the worst moment names it, the note lists all.
  Event audited = events.front();
  std::vector<std::string> notes;
  int breaches = 0;
  for (const Event& e : events) {
    notes.push_back(e.note);
    breaches += e.type == EventType::kSlaBreached ? 1 : 0;
  }
  // A breach escalates (requirements §1): each target newly breached climbs
  // one tier, up to the top; a level people set higher stays.
  if (breaches > 0 && complaint.escalation_level < kTopEscalationLevel) {
    complaint.escalation_level =
        std::min(kTopEscalationLevel, complaint.escalation_level + breaches);
    notes.push_back(absl::StrCat("escalated to level ", complaint.escalation_level));
  }
  audited.note = absl::StrJoin(notes, "; ");
  Audit(complaint, audited, breaches > 0 ? "sla_breached" : "sla_at_risk");
  return events;
}

}  // namespace sqms::complaints::domain
