#include "services/metrics/domain/counted_at.h"

#include <algorithm>
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

}  // namespace

absl::Time CountedAt(const Event& event) {
  const int64_t wait = std::max<int64_t>(WaitSeconds(event.body), 0);
  if (wait == 0) return event.occurred_at;
  // absl saturates at InfinitePast rather than overflowing; an absurd wait
  // must not date the call before the windows that exist.
  const absl::Time offered = event.occurred_at - absl::Seconds(wait);
  return std::max(offered, std::min(event.occurred_at, kCoveredFrom));
}

}  // namespace sqms::metrics::domain
