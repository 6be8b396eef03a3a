#include "services/alerts/domain/escalation.h"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace sqms::alerts::domain {
namespace {

bool InChain(const std::vector<Tier>& chain, EscalationStep step) {
  return step.tier >= 0 && static_cast<size_t>(step.tier) < chain.size() && step.repeat >= 0 &&
         step.repeat <= chain[step.tier].repeats;
}

}  // namespace

std::optional<EscalationStep> NextStep(const std::vector<Tier>& chain, EscalationStep current) {
  if (!InChain(chain, current)) return std::nullopt;
  if (current.repeat < chain[current.tier].repeats) {
    return EscalationStep{current.tier, current.repeat + 1};
  }
  if (static_cast<size_t>(current.tier) + 1 < chain.size()) {
    return EscalationStep{current.tier + 1, 0};
  }
  return std::nullopt;
}

EscalationStep ClampStep(const std::vector<Tier>& chain, EscalationStep current) {
  if (chain.empty()) return current;
  const int last = static_cast<int>(chain.size()) - 1;
  const int tier = std::clamp(current.tier, 0, last);
  return EscalationStep{tier, std::clamp(current.repeat, 0, std::max(chain[tier].repeats, 0))};
}

std::optional<EscalationStep> DueStep(const std::vector<Tier>& chain, EscalationStep current) {
  if (chain.empty()) return std::nullopt;
  const EscalationStep clamped = ClampStep(chain, current);
  if (std::optional<EscalationStep> next = NextStep(chain, clamped)) return next;
  return clamped;  // the chain (changed meanwhile) ends here: its last step again
}

std::optional<absl::Time> NextDue(const std::vector<Tier>& chain, EscalationStep current,
                                  absl::Time notified_at) {
  if (chain.empty()) return std::nullopt;
  // Past the chain's end too: the last tier is paged again until someone
  // acknowledges, so there is always a next time.
  return notified_at + chain[ClampStep(chain, current).tier].ack_timeout;
}

std::vector<std::pair<EscalationStep, absl::Time>> Schedule(const std::vector<Tier>& chain,
                                                            absl::Time opened_at) {
  std::vector<std::pair<EscalationStep, absl::Time>> out;
  if (chain.empty()) return out;
  std::optional<EscalationStep> step = EscalationStep{0, 0};
  absl::Time at = opened_at;
  while (step) {
    out.emplace_back(*step, at);
    at = at + chain[step->tier].ack_timeout;
    step = NextStep(chain, *step);  // the chain once: the repeats after its end are not listed
  }
  return out;
}

}  // namespace sqms::alerts::domain
