#pragma once
// On-call rotations: members take turns, each for `shift` (a day or a week),
// handing over at a local time of day in the operator's zone (DST-safe: the
// handover is at that wall-clock time on each shift's first day).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace sqms::alerts::domain {

struct Rotation {
  std::string id;
  std::vector<std::string> members;  // in turn order; at least one
  absl::CivilDay start_day;          // members[0]'s first shift starts here
  int handover_minute = 9 * 60;      // local minute of the day, 0..1439
  int shift_days = 7;                // ≥ 1
};

// Who is on call at `t` in `zone`. Before the first handover: members[0].
const std::string& OnCall(const Rotation& rotation, absl::Time t, absl::TimeZone zone);

// "user:<id>" / "role:<r>" / "rotation:<id>" entries of a tier expanded to
// the people notified at `t` ("user:<id>" → "<id>", a rotation → who is on
// call, "role:<r>" kept as "role:<r>"). An unknown rotation is kept as is.
std::vector<std::string> Recipients(const std::vector<std::string>& notify,
                                    const std::vector<Rotation>& rotations, absl::Time t,
                                    absl::TimeZone zone);

}  // namespace sqms::alerts::domain
