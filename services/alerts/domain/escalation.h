#pragma once
// The escalation schedule: which tier is notified when, while an incident
// stays unacknowledged. Pure; the store applies a step with a
// compare-and-set on the incident's step number, in the same atomic write
// that an acknowledgement would make, so the two never both win.
//
// Steps: (tier 0, repeat 0) is notified when the incident opens. After
// each notification the chain waits the tier's ack_timeout; then, while
// unacknowledged: the same tier again while repeat < tier.repeats, else the
// next tier's repeat 0. After the last tier's last repeat nothing further
// is scheduled (the last tier has been paged 1 + repeats times).
//
// A plan changed while an incident is open (UpsertPlan) may no longer
// contain the incident's last step; the incident does not record the chain
// it opened under, so its position is mapped onto the chain in force
// (ClampStep, DueStep) — an escalation already scheduled always pages.

#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "services/alerts/domain/plan.h"

namespace sqms::alerts::domain {

struct EscalationStep {
  int tier = 0;
  int repeat = 0;
  auto operator<=>(const EscalationStep&) const = default;
};

// The step after `current`, or nullopt at the end of the chain (or when
// `current` lies outside it).
std::optional<EscalationStep> NextStep(const std::vector<Tier>& chain, EscalationStep current);

// `current` mapped into `chain`: its tier clamped to 0..last tier, then its
// repeat to 0..that tier's repeats; `current` itself when it lies in the
// chain. An empty chain returns `current` unchanged.
EscalationStep ClampStep(const std::vector<Tier>& chain, EscalationStep current);

// The step to notify when the escalation scheduled after `current` falls
// due, by `chain` as it is now (it may have changed since `current` was
// notified): NextStep of ClampStep(current); where the chain ends there,
// its last step again — so a scheduled escalation never silently stops.
// With an unchanged chain and `current` before its end this is
// NextStep(current) (at the end NextDue schedules nothing). nullopt only
// for an empty chain.
std::optional<EscalationStep> DueStep(const std::vector<Tier>& chain, EscalationStep current);

// When the step after `current` is due, given when `current` was notified:
// notified_at + chain[current.tier].ack_timeout; nullopt at the end.
std::optional<absl::Time> NextDue(const std::vector<Tier>& chain, EscalationStep current,
                                  absl::Time notified_at);

// The whole schedule from `opened_at` if nobody acknowledges: each step and
// when it is notified (tests, the drill report, `sqmsctl plan show`).
std::vector<std::pair<EscalationStep, absl::Time>> Schedule(const std::vector<Tier>& chain,
                                                            absl::Time opened_at);

}  // namespace sqms::alerts::domain
