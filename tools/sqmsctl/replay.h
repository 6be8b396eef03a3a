// Replaying recorded contact-event files (the shipped example) today.
#pragma once

#include <vector>

#include "absl/time/time.h"
#include "sqms/events/v1/contact_event.pb.h"

namespace sqms::tools {

// Moves every set occurred_at by one offset so that the latest is `now`;
// the gaps between events are kept. Events without occurred_at stay
// without it. No-op when none has one. The service accepts events at most
// 30 days old, so a recorded file is replayed with this
// (`sqmsctl contact stream --shift-to-now`).
void ShiftToNow(std::vector<events::v1::ContactEvent>& events, absl::Time now);

}  // namespace sqms::tools
