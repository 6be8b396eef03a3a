#pragma once
// The escalation schedule: which tier is notified when, while an incident
// stays unacknowledged. Pure; the store applies a step with a
// compare-and-set on the incident's step number, in the same atomic write
// that an acknowledgement would make, so the two never both win.
//
// Steps: (tier 0, repeat 0) is notified when the incident opens. After
// each notification the chain waits the tier's ack_timeout; then, while
// unacknowledged: the same tier again while repeat < tier.repeats, else the
// next tier's repeat 0. After the last tier's last repeat the chain has
// ended but the paging has not: the last tier is paged again every its
// ack_timeout, for as long as the incident stays unacknowledged (until an
// acknowledgement or a resolution stops it). The chain's end never means
// silence — the docs and the alert rules promise paging "until someone
// acknowledges".
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
// its last step again — so a scheduled escalation never silently stops,
// and an incident past the chain's end pages the last tier again each
// time. With an unchanged chain and `current` before its end this is
// NextStep(current). nullopt only for an empty chain.
std::optional<EscalationStep> DueStep(const std::vector<Tier>& chain, EscalationStep current);

// When the step after `current` (DueStep) is due, given when `current` was
// notified: notified_at + the ack_timeout of ClampStep(current)'s tier —
// at the chain's end too, where the due step is the last tier again (a
// triggered incident always has an escalation pending). nullopt only for
// an empty chain.
std::optional<absl::Time> NextDue(const std::vector<Tier>& chain, EscalationStep current,
                                  absl::Time notified_at);

// The chain once from `opened_at` if nobody acknowledges: each step and
// when it is notified, up to the last tier's last repeat (tests, the drill
// report, `sqmsctl plan show`). Finite, though the paging is not: after
// the last entry the last tier is paged again every its ack_timeout until
// someone acknowledges (NextDue, DueStep); those repeats are not listed.
std::vector<std::pair<EscalationStep, absl::Time>> Schedule(const std::vector<Tier>& chain,
                                                            absl::Time opened_at);

}  // namespace sqms::alerts::domain
