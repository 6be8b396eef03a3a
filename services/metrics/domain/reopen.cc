#include "services/metrics/domain/reopen.h"

namespace sqms::metrics::domain {

std::optional<Event> RevocationOf(const Event& reopened) {
  const auto* reopen = std::get_if<ComplaintReopened>(&reopened.body);
  if (reopen == nullptr || reopen->reopen_count != 1 || !reopen->resolved_at.has_value() ||
      *reopen->resolved_at > reopened.occurred_at) {
    return std::nullopt;
  }
  return Event{.id = reopened.id,
               .occurred_at = *reopen->resolved_at,
               .dimensions = reopened.dimensions,
               .drill = reopened.drill,
               .body = ComplaintResolutionRevoked{}};
}

}  // namespace sqms::metrics::domain
