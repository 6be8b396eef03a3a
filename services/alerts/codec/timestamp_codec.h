#pragma once
// absl::Time <-> google.protobuf.Timestamp for the alerts codecs. The
// incident model says "not yet" with InfinitePast and "none due" with
// InfiniteFuture; on the wire both are an unset Timestamp.

#include <string>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/alerts/domain/alert.h"

namespace sqms::alerts::codec {

using domain::IsFinite;  // neither InfinitePast nor InfiniteFuture

// Writes `t` into `*out` (seconds floored, nanos in [0, 1e9)); writes
// nothing for an infinite `t`. Call sites guard with IsFinite so that the
// field stays unset:  if (IsFinite(t)) ToTimestamp(t, out.mutable_at());
void ToTimestamp(absl::Time t, google::protobuf::Timestamp* out);

// An unset Timestamp reads as the Unix epoch; callers check has_<field>().
absl::Time FromTimestamp(const google::protobuf::Timestamp& ts);

// The instants a timestamp the API takes may name: google.protobuf.
// Timestamp's own range, 0001-01-01T00:00:00Z..9999-12-31T23:59:59.999999999Z
// with nanos in [0, 1e9). Outside it the service could not give the time
// back as it was sent: ToTimestamp would write a Timestamp that JSON and
// other clients refuse, and the store's Unix milliseconds (int64) saturate
// for the farthest. "" when `ts` is in range, else the problem, for a field
// violation on the field that holds it:
// "must be within 0001-01-01T00:00:00Z..9999-12-31T23:59:59Z".
// Every request timestamp goes through this before FromTimestamp (today:
// Silence.starts_at and ends_at, codec/silence_codec.cc).
std::string TimestampProblem(const google::protobuf::Timestamp& ts);

}  // namespace sqms::alerts::codec
