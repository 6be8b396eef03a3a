#include "services/alerts/domain/rotation.h"

#include <algorithm>
#include <string_view>

namespace sqms::alerts::domain {
namespace {

// The instant shift `k` begins: the handover wall-clock time on its first
// day (a handover inside a DST gap resolves as absl does, past the gap).
absl::Time HandoverOf(const Rotation& r, int64_t k, absl::TimeZone zone) {
  const absl::CivilDay day = r.start_day + k * r.shift_days;
  return absl::FromCivil(absl::CivilMinute(day) + r.handover_minute, zone);
}

// Floor division: a shift index is negative before the start.
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

const std::string& OnCall(const Rotation& rotation, absl::Time t, absl::TimeZone zone) {
  static const std::string kNobody;
  if (rotation.members.empty()) return kNobody;
  const int64_t shift_days = std::max(1, rotation.shift_days);
  const absl::CivilDay today(zone.At(t).cs);
  int64_t k = FloorDiv(today - rotation.start_day, shift_days);
  // On a shift's first day the previous member holds on until the handover.
  if (t < HandoverOf(rotation, k, zone)) --k;
  if (k < 0) return rotation.members.front();
  return rotation.members[static_cast<size_t>(k) % rotation.members.size()];
}

std::vector<std::string> Recipients(const std::vector<std::string>& notify,
                                    const std::vector<Rotation>& rotations, absl::Time t,
                                    absl::TimeZone zone) {
  constexpr std::string_view kUser = "user:", kRotation = "rotation:";
  std::vector<std::string> out;
  auto add = [&out](const std::string& who) {
    if (std::find(out.begin(), out.end(), who) == out.end()) out.push_back(who);
  };
  for (const std::string& entry : notify) {
    if (entry.starts_with(kUser)) {
      add(entry.substr(kUser.size()));
      continue;
    }
    const Rotation* rotation = nullptr;
    if (entry.starts_with(kRotation)) {
      const std::string id = entry.substr(kRotation.size());
      for (const Rotation& r : rotations) {
        if (r.id == id) rotation = &r;
      }
    }
    add(rotation != nullptr && !rotation->members.empty() ? OnCall(*rotation, t, zone) : entry);
  }
  return out;
}

}  // namespace sqms::alerts::domain
