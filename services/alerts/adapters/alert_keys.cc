#include "services/alerts/adapters/alert_keys.h"

#include "absl/strings/str_cat.h"

namespace sqms::alerts::adapters {

std::string IncidentKey(std::string_view id) { return absl::StrCat(kKeyPrefix, ":inc:", std::string(id)); }
std::string IncidentsKey() { return absl::StrCat(kKeyPrefix, ":incidents"); }
std::string ActiveKey() { return absl::StrCat(kKeyPrefix, ":active"); }
std::string GroupKey(std::string_view group) { return absl::StrCat(kKeyPrefix, ":group:", std::string(group)); }
std::string CommandKey(std::string_view request_id) {
  return SeenKey(absl::StrCat("cmd|", std::string(request_id)));
}
std::string RequestKey(std::string_view request_id) {
  return absl::StrCat(kKeyPrefix, ":request:", std::string(request_id));
}
std::string DeliveryKey(std::string_view id) { return absl::StrCat(kKeyPrefix, ":dlv:", std::string(id)); }
std::string DeliveryLogKey(std::string_view id) {
  return absl::StrCat(kKeyPrefix, ":dlv:", std::string(id), ":log");
}
std::string TimersKey() { return absl::StrCat(kKeyPrefix, ":timers"); }
std::string OutboxKey() { return absl::StrCat(kKeyPrefix, ":outbox"); }
std::string OutboxLeaseKey() { return absl::StrCat(kKeyPrefix, ":outbox:lease"); }
std::string SilencesKey() { return absl::StrCat(kKeyPrefix, ":silences"); }
std::string MutedKey() { return absl::StrCat(kKeyPrefix, ":muted"); }
std::string EndedKey(std::string_view fingerprint) {
  return absl::StrCat(kKeyPrefix, ":ended:", std::string(fingerprint));
}
std::string SeenKey(std::string_view alert_id) { return absl::StrCat(kKeyPrefix, ":seen:", std::string(alert_id)); }
std::string CountKey(std::string_view key) { return absl::StrCat(kKeyPrefix, ":count:", std::string(key)); }
std::string CountComplaintsKey(std::string_view key) {
  return absl::StrCat(kKeyPrefix, ":count-complaints:", std::string(key));
}
std::string PlanKey(std::string_view id) { return absl::StrCat(kKeyPrefix, ":plan:", std::string(id)); }
std::string PlansKey() { return absl::StrCat(kKeyPrefix, ":plans"); }
std::string KnownPlansKey() { return absl::StrCat(kKeyPrefix, ":known-plans"); }

}  // namespace sqms::alerts::adapters
