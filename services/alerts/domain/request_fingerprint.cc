#include "services/alerts/domain/request_fingerprint.h"

#include <cstdint>
#include <optional>

#include "absl/strings/str_cat.h"
#include "sqms/runtime/canonical_fields.h"

namespace sqms::alerts::domain {
namespace {

using Canon = runtime::CanonicalFields;

// A time, or "" for an infinite one (unset): unset and the epoch differ.
std::optional<absl::Time> Finite(absl::Time t) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return std::nullopt;
  return t;
}

// Every entry of a map, with its count first: {a=1} and {a=1, b=} differ.
void AddLabels(Canon& c, const std::string& name, const Labels& labels) {
  c.Add(absl::StrCat(name, ".size"), static_cast<int64_t>(labels.size()));
  for (const auto& [key, value] : labels) c.Add(absl::StrCat(name, "[", key, "]"), value);
}

}  // namespace

std::string CanonicalIncidentCommand(std::string_view kind, const std::string& incident_id,
                                     const std::string& actor, const std::string& payload) {
  Canon c;
  c.Add("kind", kind).Add("id", incident_id).Add("actor", actor).Add("payload", payload);
  return c.Take();
}

std::string CanonicalDrill(const std::string& plan_id, const Labels& labels,
                           const std::string& actor) {
  Canon c;
  c.Add("kind", "start_drill").Add("plan_id", plan_id).Add("actor", actor);
  AddLabels(c, "labels", labels);
  return c.Take();
}

std::string CanonicalSilence(const Silence& silence, const std::string& actor) {
  Canon c;
  c.Add("kind", "create_silence").Add("actor", actor);
  c.Add("matchers.size", static_cast<int64_t>(silence.matchers.size()));
  for (const Matcher& m : silence.matchers) c.Add("matcher", m.ToString());
  c.AddTime("starts_at", Finite(silence.starts_at))
      .AddTime("ends_at", Finite(silence.ends_at))
      .Add("comment", silence.comment)
      .Add("recurrence", silence.recurrence.has_value() ? 1 : 0);
  if (silence.recurrence.has_value()) {
    const Recurrence& r = *silence.recurrence;
    c.Add("recurrence.weekdays.size", static_cast<int64_t>(r.weekdays.size()));
    for (absl::Weekday day : r.weekdays) c.Add("weekday", static_cast<int64_t>(day));
    c.Add("recurrence.start_minute", r.start_minute)
        .Add("recurrence.duration_ms", absl::ToInt64Milliseconds(r.duration));
  }
  return c.Take();
}

std::string CanonicalRaise(const Alert& alert, const std::string& actor) {
  Canon c;
  c.Add("kind", "raise_alert").Add("actor", actor);
  AddLabels(c, "labels", alert.labels);
  AddLabels(c, "annotations", alert.annotations);
  c.Add("firing", alert.firing ? 1 : 0).Add("drill", alert.drill ? 1 : 0);
  return c.Take();
}

}  // namespace sqms::alerts::domain
