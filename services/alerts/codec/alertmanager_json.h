#pragma once
// Alertmanager's webhook body → alerts. The payload is the documented
// webhook_config format, version "4"
// (prometheus.io/docs/alerting/latest/configuration/#webhook_config):
//
//   {"version":"4", "groupKey":…, "truncatedAlerts":…, "status":…,
//    "receiver":…, "groupLabels":{…}, "commonLabels":{…},
//    "commonAnnotations":{…}, "externalURL":…,
//    "alerts":[{"status":"firing"|"resolved", "labels":{…},
//               "annotations":{…}, "startsAt":"<RFC 3339>",
//               "endsAt":"<RFC 3339>", "generatorURL":…,
//               "fingerprint":…}, …]}
//
// Only "version" and "alerts" are read from the envelope; the group fields
// are Alertmanager's grouping, and the alerts service groups by its own plans.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/alerts/domain/alert.h"

namespace sqms::alerts::codec {

// One alert of a notification that could not be read.
struct InvalidAlert {
  std::string path;    // "alerts[2]"
  absl::Status error;  // INVALID_ARGUMENT, the message starting with the path
};

// A notification, its alerts split by whether they could be read. An alert
// that cannot be read never holds up the others of its group: Alertmanager
// sends a group's alerts together and does not retry a 4xx, so refusing the
// body for one bad alert would drop every page in it until the group's next
// notification (repeat_interval: hours).
struct AlertmanagerNotification {
  std::vector<domain::Alert> alerts;  // the readable ones, in order
  std::vector<InvalidAlert> invalid;  // the others, in order
};

// One alert per element of "alerts" (an empty list is OK):
//  - id = "am|" + fingerprint + "|" + startsAt + "|" + status, the strings as
//    received; the fingerprint is Alertmanager's, or domain::Fingerprint of
//    the labels when it is absent or empty. Alertmanager re-sends a group
//    on every repeat_interval and on every change of the group: the same
//    alert in the same state then has the same id, so it changes nothing.
//  - source "alertmanager"; firing = (status == "firing");
//  - at = startsAt when firing, endsAt when resolved (RFC 3339, any offset
//    and fraction);
//  - labels as received, validated with domain::ValidateLabels; drill when
//    the label drill="true";
//  - annotations as received, plus "generator_url" = generatorURL when that
//    is set and no annotation of that name exists.
//
// An element that is not a valid alert goes to `invalid`, its error naming
// the JSON path of its first problem: "alerts[2]" (not an object),
// "alerts[2].status", "alerts[2].labels" / "alerts[2].labels.<name>",
// "alerts[2].annotations.<name>", "alerts[2].startsAt", "alerts[2].endsAt",
// "alerts[2].fingerprint".
//
// INVALID_ARGUMENT when the body itself is not a version-4 notification, the
// message starting with "body" (not JSON, not an object), "version" (absent,
// or not "4") or "alerts" (absent, not an array). Pure; thread-safe; never
// throws.
absl::StatusOr<AlertmanagerNotification> ParseAlertmanagerWebhook(std::string_view body);

}  // namespace sqms::alerts::codec
