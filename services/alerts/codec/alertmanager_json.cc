#include "services/alerts/codec/alertmanager_json.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "services/alerts/domain/labels.h"

namespace sqms::alerts::codec {
namespace {

using json = nlohmann::json;
using domain::Alert;
using domain::Labels;

absl::Status Invalid(std::string_view path, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(path), ": ", std::string(problem)));
}

// The member `key` of `object`, or nullptr when absent or null.
const json* Member(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

absl::StatusOr<std::string> RequiredString(const json& object, const std::string& prefix,
                                           const char* key) {
  const json* value = Member(object, key);
  const std::string path = absl::StrCat(prefix, key);
  if (value == nullptr) return Invalid(path, "is required");
  if (!value->is_string()) return Invalid(path, "is not a string");
  return value->get<std::string>();
}

// A JSON object whose members are all strings (labels, annotations); an
// absent member reads as {}.
absl::StatusOr<Labels> StringMap(const json& object, const std::string& prefix, const char* key) {
  const std::string path = absl::StrCat(prefix, key);
  const json* value = Member(object, key);
  Labels out;
  if (value == nullptr) return out;
  if (!value->is_object()) return Invalid(path, "is not an object");
  for (const auto& [name, item] : value->items()) {
    if (!item.is_string()) return Invalid(absl::StrCat(path, ".", name), "is not a string");
    out.emplace(name, item.get<std::string>());
  }
  return out;
}

absl::StatusOr<absl::Time> Rfc3339(const std::string& text, const std::string& path) {
  absl::Time at;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &at, &error)) {
    return Invalid(path, absl::StrCat("'", text, "' is not an RFC 3339 time (", error, ")"));
  }
  return at;
}

// labels (validated; drill), annotations and generator_url into `alert`.
absl::Status ReadLabels(const json& item, const std::string& prefix, Alert& alert) {
  absl::StatusOr<Labels> labels = StringMap(item, prefix, "labels");
  if (!labels.ok()) return labels.status();
  if (labels->empty()) return Invalid(absl::StrCat(prefix, "labels"), "is required, with a label");
  if (absl::Status s = domain::ValidateLabels(*labels); !s.ok()) {
    // ValidateLabels's messages start with "labels" ("labels.<name>: …").
    return absl::InvalidArgumentError(absl::StrCat(prefix, std::string(s.message())));
  }
  alert.labels = *std::move(labels);
  auto drill = alert.labels.find("drill");
  alert.drill = drill != alert.labels.end() && drill->second == "true";

  absl::StatusOr<Labels> annotations = StringMap(item, prefix, "annotations");
  if (!annotations.ok()) return annotations.status();
  alert.annotations = *std::move(annotations);
  if (const json* url = Member(item, "generatorURL"); url != nullptr) {
    if (!url->is_string()) return Invalid(absl::StrCat(prefix, "generatorURL"), "is not a string");
    if (!url->get<std::string>().empty()) {
      alert.annotations.emplace("generator_url", url->get<std::string>());
    }
  }
  return absl::OkStatus();
}

// alert.at from startsAt (firing) or endsAt (resolved); returns startsAt as
// received, for the id.
// The alert's times; returns what names its notification in its id: the
// startsAt of a firing one; a resolved one's startsAt and endsAt (an alert
// firing again with its first startsAt, after a resolution, and resolved
// again is a second resolution, not a re-send of the first).
absl::StatusOr<std::string> ReadTimes(const json& item, const std::string& prefix, Alert& alert) {
  absl::StatusOr<std::string> starts_text = RequiredString(item, prefix, "startsAt");
  if (!starts_text.ok()) return starts_text.status();
  absl::StatusOr<absl::Time> starts = Rfc3339(*starts_text, absl::StrCat(prefix, "startsAt"));
  if (!starts.ok()) return starts.status();
  alert.at = *starts;
  if (alert.firing) return starts_text;
  absl::StatusOr<std::string> ends_text = RequiredString(item, prefix, "endsAt");
  if (!ends_text.ok()) return ends_text.status();
  const std::string ends_path = absl::StrCat(prefix, "endsAt");
  absl::StatusOr<absl::Time> ends = Rfc3339(*ends_text, ends_path);
  if (!ends.ok()) return ends.status();
  // Also refuses the zero time ("0001-01-01T00:00:00Z") of a firing alert.
  if (*ends < *starts) return Invalid(ends_path, "is before startsAt");
  alert.at = *ends;
  return absl::StrCat(*starts_text, "|", *ends_text);
}

absl::StatusOr<Alert> ParseAlert(const json& item, const std::string& path) {
  if (!item.is_object()) return Invalid(path, "is not an object");
  const std::string prefix = absl::StrCat(path, ".");
  Alert alert;
  alert.source = "alertmanager";

  absl::StatusOr<std::string> status = RequiredString(item, prefix, "status");
  if (!status.ok()) return status.status();
  if (*status != "firing" && *status != "resolved") {
    return Invalid(absl::StrCat(prefix, "status"),
                   absl::StrCat("'", *status, "' is neither \"firing\" nor \"resolved\""));
  }
  alert.firing = *status == "firing";
  if (absl::Status s = ReadLabels(item, prefix, alert); !s.ok()) return s;
  absl::StatusOr<std::string> times = ReadTimes(item, prefix, alert);
  if (!times.ok()) return times.status();

  std::string fingerprint;
  if (const json* fp = Member(item, "fingerprint"); fp != nullptr) {
    if (!fp->is_string()) return Invalid(absl::StrCat(prefix, "fingerprint"), "is not a string");
    fingerprint = fp->get<std::string>();
  }
  if (fingerprint.empty()) fingerprint = domain::Fingerprint(alert.labels);
  // am|<fp>|<startsAt>|firing, am|<fp>|<startsAt>|<endsAt>|resolved.
  alert.id = absl::StrCat("am|", fingerprint, "|", *times, "|", *status);
  return alert;
}

}  // namespace

absl::StatusOr<AlertmanagerNotification> ParseAlertmanagerWebhook(std::string_view body) {
  json root;
  try {
    root = json::parse(body.begin(), body.end());
  } catch (const json::exception& e) {
    return Invalid("body", absl::StrCat("is not JSON (", e.what(), ")"));
  }
  if (!root.is_object()) return Invalid("body", "is not a JSON object");

  absl::StatusOr<std::string> version = RequiredString(root, "", "version");
  if (!version.ok()) return version.status();
  if (*version != "4") {
    return Invalid("version", absl::StrCat("'", *version, "' is not supported (only \"4\")"));
  }

  const json* alerts = Member(root, "alerts");
  if (alerts == nullptr) return Invalid("alerts", "is required");
  if (!alerts->is_array()) return Invalid("alerts", "is not an array");
  AlertmanagerNotification out;
  out.alerts.reserve(alerts->size());
  for (size_t i = 0; i < alerts->size(); ++i) {
    std::string path = absl::StrCat("alerts[", i, "]");
    absl::StatusOr<Alert> alert = ParseAlert((*alerts)[i], path);
    if (alert.ok()) {
      out.alerts.push_back(*std::move(alert));
    } else {
      out.invalid.push_back({.path = std::move(path), .error = alert.status()});
    }
  }
  return out;
}

}  // namespace sqms::alerts::codec
