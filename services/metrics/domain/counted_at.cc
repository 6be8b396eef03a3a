#include "services/metrics/domain/counted_at.h"

#include <algorithm>
#include <optional>
#include <variant>

#include "services/metrics/domain/window.h"

namespace sqms::metrics::domain {
namespace {

// The seconds a call waited before the event ended its wait; 0 for any
// other event.
int64_t WaitSeconds(const EventBody& body) {
  if (const auto* answered = std::get_if<CallAnswered>(&body)) return answered->wait_seconds;
  if (const auto* abandoned = std::get_if<CallAbandoned>(&body)) return abandoned->wait_seconds;
  return 0;
}

// When what the event completes began, as the event says it: the
// resolution a reopen or follow-up belongs to, the creation of the
// consultation a dispatch sends out, the offer of the call an answer or
// abandonment ends; nullopt for any other event or when it does not say.
std::optional<absl::Time> BegunAt(const EventBody& body) {
  if (const auto* answered = std::get_if<CallAnswered>(&body)) return answered->offered_at;
  if (const auto* abandoned = std::get_if<CallAbandoned>(&body)) return abandoned->offered_at;
  if (const auto* reopened = std::get_if<ComplaintReopened>(&body)) return reopened->resolved_at;
  if (const auto* followed = std::get_if<ComplaintFollowedUp>(&body)) return followed->resolved_at;
  if (const auto* dispatched = std::get_if<ConsultationDispatched>(&body)) {
    return dispatched->created_at;
  }
  return std::nullopt;
}

}  // namespace

absl::Time CountedAt(const Event& event) {
  if (const std::optional<absl::Time> begun = BegunAt(event.body);
      begun && *begun <= event.occurred_at && *begun >= kCoveredFrom) {
    return *begun;
  }
  // Not said, or not plausibly: a call's outcome by its wait, anything
  // else at its own time.
  const int64_t wait = std::max<int64_t>(WaitSeconds(event.body), 0);
  if (wait == 0) return event.occurred_at;
  // absl saturates at InfinitePast rather than overflowing; an absurd wait
  // must not date the call before the windows that exist.
  const absl::Time offered = event.occurred_at - absl::Seconds(wait);
  return std::max(offered, std::min(event.occurred_at, kCoveredFrom));
}

}  // namespace sqms::metrics::domain
