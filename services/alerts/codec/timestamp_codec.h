#pragma once
// absl::Time <-> google.protobuf.Timestamp for the alerts codecs. The
// incident model says "not yet" with InfinitePast and "none due" with
// InfiniteFuture; on the wire both are an unset Timestamp.

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace sqms::alerts::codec {

// Whether `t` is a real instant (neither InfinitePast nor InfiniteFuture).
inline bool IsFinite(absl::Time t) {
  return t != absl::InfinitePast() && t != absl::InfiniteFuture();
}

// Writes `t` into `*out` (seconds floored, nanos in [0, 1e9)); writes
// nothing for an infinite `t`. Call sites guard with IsFinite so that the
// field stays unset:  if (IsFinite(t)) ToTimestamp(t, out.mutable_at());
void ToTimestamp(absl::Time t, google::protobuf::Timestamp* out);

// An unset Timestamp reads as the Unix epoch; callers check has_<field>().
absl::Time FromTimestamp(const google::protobuf::Timestamp& ts);

}  // namespace sqms::alerts::codec
