#include "services/alerts/codec/timestamp_codec.h"

#include <cstdint>

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

}  // namespace sqms::alerts::codec
