#include "services/metrics/domain/outage.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/metrics/domain/incident.h"

namespace sqms::metrics::domain {

absl::StatusOr<std::vector<Event>> SpreadOutage(Event event, const absl::TimeZone& zone) {
  const auto* outage = std::get_if<OutageEnded>(&event.body);
  std::vector<Event> out;
  if (outage == nullptr || outage->outage_seconds <= 0) {
    out.push_back(std::move(event));
    return out;
  }
  if (outage->outage_seconds > absl::ToInt64Seconds(kMaxOutage)) {
    return absl::InvalidArgumentError(
        absl::StrCat("contact event ", event.id, ": outage_ended.outage_seconds ",
                     outage->outage_seconds, " is longer than ", absl::FormatDuration(kMaxOutage)));
  }
  const absl::Time end = absl::FromUnixSeconds(absl::ToUnixSeconds(event.occurred_at));
  const auto pieces = SplitByMinute(end - absl::Seconds(outage->outage_seconds), end, zone);
  out.reserve(pieces.size());
  for (const auto& [start, seconds] : pieces) {
    Event piece = event;
    piece.occurred_at = start;
    std::get<OutageEnded>(piece.body).outage_seconds = seconds;
    out.push_back(std::move(piece));
  }
  return out;
}

}  // namespace sqms::metrics::domain
