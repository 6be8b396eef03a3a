#include "services/metrics/codec/event_time.h"

#include "absl/strings/str_cat.h"
#include "services/metrics/domain/window.h"

namespace sqms::metrics::codec {

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

absl::StatusOr<absl::Time> CoveredTime(const google::protobuf::Timestamp& t, const char* field,
                                       const char* kind, const std::string& event_id) {
  const absl::Time time = ToTime(t);
  if (domain::Covered(time)) return time;
  return absl::InvalidArgumentError(absl::StrCat(
      kind, " ", event_id, ": ", field, " ", absl::FormatTime(time, absl::UTCTimeZone()),
      " is outside the time KPIs cover (1970 to 8999)"));
}

absl::StatusOr<absl::Time> RequiredTime(bool has, const google::protobuf::Timestamp& t,
                                        const char* field, const char* kind,
                                        const std::string& event_id) {
  if (!has) return absl::InvalidArgumentError(absl::StrCat(kind, " ", event_id, ": ", field,
                                                           " is not set"));
  return CoveredTime(t, field, kind, event_id);
}

absl::StatusOr<absl::Time> EventTime(bool has_occurred_at,
                                     const google::protobuf::Timestamp& occurred_at,
                                     const char* kind, const std::string& event_id) {
  return RequiredTime(has_occurred_at, occurred_at, "occurred_at", kind, event_id);
}

}  // namespace sqms::metrics::codec
