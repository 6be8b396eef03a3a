#include "tools/sqmsctl/replay.h"

#include <algorithm>
#include <cstdint>

namespace sqms::tools {

void ShiftToNow(std::vector<events::v1::ContactEvent>& events, absl::Time now) {
  bool any = false;
  int64_t latest = 0;
  for (const auto& e : events) {
    if (!e.has_occurred_at()) continue;
    latest = any ? std::max(latest, e.occurred_at().seconds()) : e.occurred_at().seconds();
    any = true;
  }
  if (!any) return;
  const int64_t shift = absl::ToUnixSeconds(now) - latest;
  for (auto& e : events) {
    if (e.has_occurred_at()) e.mutable_occurred_at()->set_seconds(e.occurred_at().seconds() + shift);
  }
}

}  // namespace sqms::tools
