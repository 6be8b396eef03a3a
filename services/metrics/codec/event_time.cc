#include "services/metrics/codec/event_time.h"

#include "absl/strings/str_cat.h"
#include "services/metrics/domain/window.h"

namespace sqms::metrics::codec {

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

absl::StatusOr<absl::Time> EventTime(bool has_occurred_at,
                                     const google::protobuf::Timestamp& occurred_at,
                                     const char* kind, const std::string& event_id) {
  if (!has_occurred_at) {
    return absl::InvalidArgumentError(
        absl::StrCat(kind, " ", event_id, ": occurred_at is not set"));
  }
  const absl::Time t = ToTime(occurred_at);
  if (!domain::Covered(t)) {
    return absl::InvalidArgumentError(absl::StrCat(
        kind, " ", event_id, ": occurred_at ", absl::FormatTime(t, absl::UTCTimeZone()),
        " is outside the time KPIs cover (1970 to 8999)"));
  }
  return t;
}

}  // namespace sqms::metrics::codec
