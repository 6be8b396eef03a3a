#include "services/alerts/app/incident_commands.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/alerts/app/escalator.h"
#include "services/alerts/app/request_ids.h"
#include "services/alerts/domain/request_fingerprint.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/ids.h"

namespace sqms::alerts::app {
namespace {

constexpr int kMaxAttempts = 10;

// Whether the acknowledgement just recorded is the incident's first: after
// an ack_expiry it is acknowledged again, and MTTA counts an incident once
// (time to its first acknowledgement, as the metrics service's mtta KPI).
// The timeline keeps every acknowledgement (a full one drops joined alerts'
// entries first, then the oldest other entries, never an acknowledgement:
// changes::AddTimeline).
bool FirstAcknowledgement(const ports::Incident& incident) {
  return std::count_if(incident.timeline.begin(), incident.timeline.end(),
                       [](const ports::TimelineEntry& e) { return e.kind == "acknowledged"; }) == 1;
}

absl::Status Required(const std::string& value, const char* field) {
  if (!value.empty()) return absl::OkStatus();
  return runtime::InvalidArgument({{field, "required"}});
}

// The transition, or FAILED_PRECONDITION naming the state.
absl::Status Transition(ports::Incident& incident, domain::IncidentCommandKind command) {
  auto next = domain::Apply(incident.state, command);
  if (!next.ok()) return next.status();
  incident.state = *next;
  return absl::OkStatus();
}

// What an acknowledgement records, explicit (Acknowledge) or implied
// (Mitigate of a triggered incident): who, when, at which tier; the
// pending escalation dies in this same write (a timer that fires later
// finds the incident no longer triggered and does nothing); the timeline
// entry, the ACKNOWLEDGED event, and an "acknowledged" notice to the
// targets of every tier paged so far (changes::PagedTiers, the deliveries
// read from `store` now), so that those who were paged stop working on
// what someone already has. The store's error when they cannot be read.
// The caller observes the MTTA once the write landed.
absl::Status RecordAcknowledgement(ports::AlertStore& store, ports::IncidentWrite& w,
                                   const domain::Plan* plan, const std::string& actor,
                                   absl::Time now, const std::string& text) {
  ports::Incident& i = w.incident;
  auto deliveries = ReadDeliveries(store, i);
  if (!deliveries.ok()) return deliveries.status();
  i.acknowledged_at = now;
  i.acknowledged_by = actor;
  i.acknowledged_tier = i.step.tier;
  w.cancel.push_back(changes::EscalationTimer(i.id, i.escalation_seq));
  i.next_escalation_at = absl::InfiniteFuture();
  changes::AddTimeline(i, now, actor, "acknowledged", text);
  w.events.push_back(ports::IncidentEventKind::kAcknowledged);
  if (plan != nullptr) {
    changes::NotifyPagedTiers(*plan, "acknowledged", now, changes::PagedTiers(*deliveries, w), w);
  }
  return absl::OkStatus();
}

}  // namespace

IncidentCommands::IncidentCommands(ports::AlertStore& store, const Catalog& catalog,
                                   const runtime::Clock& clock, IncidentStats& stats,
                                   std::function<void()> wake)
    : store_(store), catalog_(catalog), clock_(clock), stats_(stats), wake_(std::move(wake)) {}

absl::StatusOr<ports::Incident> IncidentCommands::Get(const std::string& id) {
  if (auto s = Required(id, "id"); !s.ok()) return s;
  auto incident = store_.Get(id);
  if (!incident.ok()) return incident.status();
  if (!incident->has_value()) return absl::NotFoundError(absl::StrCat("incident ", id, " not found"));
  return **std::move(incident);
}

absl::StatusOr<std::vector<ports::Incident>> IncidentCommands::List(const ports::ListFilter& filter) {
  return store_.List(filter);
}

absl::StatusOr<std::vector<ports::Delivery>> IncidentCommands::Deliveries(
    const ports::Incident& incident) {
  return ReadDeliveries(store_, incident);
}

absl::StatusOr<ports::Incident> IncidentCommands::Change(
    const std::string& id, const CommandContext& ctx, std::string_view kind,
    const std::string& payload, const Mutation& mutate, bool* written, const ArgumentCheck& check) {
  if (written != nullptr) *written = false;
  if (auto s = Required(id, "id"); !s.ok()) return s;
  if (auto s = Required(ctx.request_id, "request_id"); !s.ok()) return s;
  auto current = Get(id);
  if (!current.ok()) return current.status();
  if (check) {
    if (absl::Status s = check(*current); !s.ok()) return s;
  }
  // Settles which command the id names before its record is read: a record
  // found below is then this command's own, never another incident's.
  if (auto s = BindRequestId(store_, ctx.request_id,
                             domain::CanonicalIncidentCommand(kind, id, ctx.actor, payload));
      !s.ok()) {
    return s;
  }
  // A retry of a command that landed gets the incident as it is, not an
  // error about the state the command itself produced. The record is written
  // in the same script as the command's effect, which also refuses a replay
  // racing this check (kReplayed below): checked once, not per attempt.
  auto replay = store_.Seen(absl::StrCat("cmd|", ctx.request_id));
  if (!replay.ok()) return replay.status();
  if (replay->has_value()) return current;  // as read above, after the command landed
  // Besides kMaxAttempts changes by others, every page the first decision
  // took as unclaimed may be claimed in between once (and is then counted
  // as paged, no longer named): a large tier paged just before its
  // acknowledgement does not use up the attempts.
  int budget = kMaxAttempts;
  for (int attempt = 0; attempt < budget; ++attempt) {
    if (attempt > 0) current = Get(id);
    if (!current.ok()) return current.status();
    ports::IncidentWrite write;
    write.incident = *current;
    write.expected_version = current->version;
    write.actor = ctx.actor;
    write.request_id = ctx.request_id;
    if (absl::Status s = mutate(write); !s.ok()) return s;
    if (attempt == 0) budget += static_cast<int>(write.unclaimed_pages.size());
    auto outcome = store_.Write(write);
    if (!outcome.ok()) return outcome.status();
    switch (*outcome) {
      case ports::WriteOutcome::kWritten:
        if (written != nullptr) *written = true;
        if (!write.deliveries.empty() && wake_) wake_();
        return write.incident;
      case ports::WriteOutcome::kReplayed:
        return Get(id);
      case ports::WriteOutcome::kConflict:
      case ports::WriteOutcome::kGroupTaken:
        break;  // changed meanwhile: decide again on the new state
    }
  }
  return absl::AbortedError(absl::StrCat("incident ", id, " kept changing; retry"));
}

absl::StatusOr<ports::Incident> IncidentCommands::Acknowledge(const std::string& id,
                                                              const CommandContext& ctx,
                                                              const std::string& comment) {
  bool written = false;
  auto result = Change(
      id, ctx, "acknowledge", comment,
      [&](ports::IncidentWrite& w) -> absl::Status {
        ports::Incident& i = w.incident;
        if (auto s = Transition(i, domain::IncidentCommandKind::kAcknowledge); !s.ok()) return s;
        const absl::Time now = clock_.Now();
        auto catalog = catalog_.Snapshot();
        const domain::Plan* plan = catalog->FindPlan(i.plan_id);
        if (auto s = RecordAcknowledgement(store_, w, plan, ctx.actor, now, comment); !s.ok()) {
          return s;
        }
        if (plan != nullptr && plan->ack_expiry > absl::ZeroDuration()) {
          w.schedule.push_back(
              {changes::AckExpiryTimer(i.id, i.escalation_seq), now + plan->ack_expiry});
        }
        return absl::OkStatus();
      },
      &written);
  if (written && FirstAcknowledgement(*result)) stats_.Acknowledged(*result);
  return result;
}

absl::StatusOr<ports::Incident> IncidentCommands::Mitigate(const std::string& id,
                                                           const CommandContext& ctx,
                                                           const std::string& comment) {
  bool written = false;
  bool acknowledged = false;  // by the attempt that was written
  auto result = Change(
      id, ctx, "mitigate", comment,
      [&](ports::IncidentWrite& w) -> absl::Status {
        ports::Incident& i = w.incident;
        acknowledged = i.state == domain::IncidentState::kTriggered;
        if (auto s = Transition(i, domain::IncidentCommandKind::kMitigate); !s.ok()) return s;
        const absl::Time now = clock_.Now();
        // Mitigating implies someone has it: the acknowledgement it skips is
        // recorded as an Acknowledge would (an acknowledged incident has no
        // escalation pending: its acknowledgement cancelled it).
        if (acknowledged) {
          auto catalog = catalog_.Snapshot();
          if (auto s = RecordAcknowledgement(store_, w, catalog->FindPlan(i.plan_id), ctx.actor,
                                             now, "by moving it to mitigating");
              !s.ok()) {
            return s;
          }
        }
        changes::AddTimeline(i, now, ctx.actor, "mitigating", comment);
        w.events.push_back(ports::IncidentEventKind::kMitigating);
        return absl::OkStatus();
      },
      &written);
  if (written && acknowledged && FirstAcknowledgement(*result)) stats_.Acknowledged(*result);
  return result;
}

absl::StatusOr<ports::Incident> IncidentCommands::Resolve(const std::string& id,
                                                          const CommandContext& ctx,
                                                          const std::string& comment) {
  bool written = false;
  auto result = Change(
      id, ctx, "resolve", comment,
      [&](ports::IncidentWrite& w) -> absl::Status {
        if (auto s = domain::Apply(w.incident.state, domain::IncidentCommandKind::kResolve);
            !s.ok()) {
          return s.status();
        }
        auto deliveries = ReadDeliveries(store_, w.incident);
        if (!deliveries.ok()) return deliveries.status();
        auto catalog = catalog_.Snapshot();
        changes::Resolve(catalog->FindPlan(w.incident.plan_id), clock_.Now(), ctx.actor,
                         comment.empty() ? "resolved" : comment,
                         changes::PagedTiers(*deliveries, w), w);
        return absl::OkStatus();
      },
      &written);
  if (written) stats_.Resolved(*result);
  return result;
}

absl::StatusOr<ports::Incident> IncidentCommands::Close(const std::string& id,
                                                        const CommandContext& ctx,
                                                        const std::string& review) {
  if (auto s = Required(review, "review"); !s.ok()) return s;
  return Change(id, ctx, "close", review, [&](ports::IncidentWrite& w) -> absl::Status {
    ports::Incident& i = w.incident;
    if (auto s = Transition(i, domain::IncidentCommandKind::kClose); !s.ok()) return s;
    const absl::Time now = clock_.Now();
    i.closed_at = now;
    i.review = review;
    changes::AddTimeline(i, now, ctx.actor, "closed", review);
    w.events.push_back(ports::IncidentEventKind::kClosed);
    return absl::OkStatus();
  });
}

absl::StatusOr<ports::Incident> IncidentCommands::CompleteStep(const std::string& id,
                                                               const CommandContext& ctx, int step) {
  const std::string payload = absl::StrCat(step);
  // An incident's steps never change: a step it does not have is refused
  // before the request id is bound (Change).
  auto has_step = [step](const ports::Incident& i) -> absl::Status {
    if (step >= 0 && step < static_cast<int>(i.steps.size())) return absl::OkStatus();
    return runtime::InvalidArgument(
        {{"step", absl::StrCat("no step ", step, "; the plan has ", i.steps.size())}});
  };
  auto complete = [&](ports::IncidentWrite& w) -> absl::Status {
    ports::Incident& i = w.incident;
    if (i.state == domain::IncidentState::kClosed) {
      return absl::FailedPreconditionError("cannot complete a step of a closed incident");
    }
    if (i.steps[step].done) {
      return absl::FailedPreconditionError(absl::StrCat("step ", step, " is already done"));
    }
    const absl::Time now = clock_.Now();
    ports::StepRecord& record = i.steps[step];  // its definition stays
    record.done = true;
    record.done_at = now;
    record.done_by = ctx.actor;
    changes::AddTimeline(i, now, ctx.actor, "step", absl::StrCat("step ", step + 1, " done"));
    w.events.push_back(ports::IncidentEventKind::kStepCompleted);
    return absl::OkStatus();
  };
  return Change(id, ctx, "complete_step", payload, complete, nullptr, has_step);
}

absl::StatusOr<ports::Incident> IncidentCommands::AddNote(const std::string& id,
                                                          const CommandContext& ctx,
                                                          const std::string& text) {
  if (auto s = Required(text, "text"); !s.ok()) return s;
  return Change(id, ctx, "add_note", text, [&](ports::IncidentWrite& w) -> absl::Status {
    changes::AddTimeline(w.incident, clock_.Now(), ctx.actor, "note", text);
    return absl::OkStatus();
  });
}

}  // namespace sqms::alerts::app
