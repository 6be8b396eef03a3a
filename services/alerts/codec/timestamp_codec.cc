#include "services/alerts/codec/timestamp_codec.h"

#include <cstdint>
#include <string>

#include "sqms/runtime/well_formed.h"

namespace sqms::alerts::codec {

void ToTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  if (!IsFinite(t)) return;
  const int64_t seconds = absl::ToUnixSeconds(t);  // floors: nanos stay non-negative
  out->set_seconds(seconds);
  out->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

std::string TimestampProblem(const google::protobuf::Timestamp& ts) {
  if (ts.nanos() < 0 || ts.nanos() > 999'999'999) return "nanos must be 0..999999999";
  if (ts.seconds() < runtime::kMinTimestampSeconds ||
      ts.seconds() > runtime::kMaxTimestampSeconds) {
    return "must be within 0001-01-01T00:00:00Z..9999-12-31T23:59:59Z";
  }
  return "";
}

}  // namespace sqms::alerts::codec
