#include "services/alerts/domain/request_fingerprint.h"

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"

namespace sqms::alerts::domain {
namespace {

// Length-prefixed, so "ab"+"c" and "a"+"bc" differ.
class Canon {
 public:
  Canon& Add(std::string_view name, std::string_view value) {
    absl::StrAppend(&out_, std::string(name), "=", value.size(), ":", std::string(value), ";");
    return *this;
  }
  Canon& Add(std::string_view name, int64_t value) { return Add(name, absl::StrCat(value)); }
  // A time, or "" for an infinite one (unset), so unset and the epoch differ.
  Canon& AddTime(std::string_view name, absl::Time t) {
    const bool unset = t == absl::InfinitePast() || t == absl::InfiniteFuture();
    return Add(name, unset ? std::string() : absl::StrCat(absl::ToUnixNanos(t)));
  }
  // Every entry of a map, with its count first: {a=1} and {a=1, b=} differ.
  Canon& Add(std::string_view name, const Labels& labels) {
    Add(absl::StrCat(std::string(name), ".size"), static_cast<int64_t>(labels.size()));
    for (const auto& [key, value] : labels)
      Add(absl::StrCat(std::string(name), "[", key, "]"), value);
    return *this;
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

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
  c.Add("kind", "start_drill").Add("plan_id", plan_id).Add("actor", actor).Add("labels", labels);
  return c.Take();
}

std::string CanonicalSilence(const Silence& silence, const std::string& actor) {
  Canon c;
  c.Add("kind", "create_silence").Add("actor", actor);
  c.Add("matchers.size", static_cast<int64_t>(silence.matchers.size()));
  for (const Matcher& m : silence.matchers) c.Add("matcher", m.ToString());
  c.AddTime("starts_at", silence.starts_at)
      .AddTime("ends_at", silence.ends_at)
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
  c.Add("kind", "raise_alert")
      .Add("actor", actor)
      .Add("labels", alert.labels)
      .Add("annotations", alert.annotations)
      .Add("firing", alert.firing ? 1 : 0)
      .Add("drill", alert.drill ? 1 : 0);
  return c.Take();
}

}  // namespace sqms::alerts::domain
