#include "services/alerts/domain/silence.h"

#include <algorithm>
#include <string>
#include <vector>

namespace sqms::alerts::domain {
namespace {

constexpr int kMinutesPerDay = 24 * 60;
constexpr int kMaxWindowDays = 7;

bool OnWeekday(const Recurrence& r, absl::CivilDay day) {
  return r.weekdays.empty() ||
         std::find(r.weekdays.begin(), r.weekdays.end(), absl::GetWeekday(day)) != r.weekdays.end();
}

// Whether `t` lies in a window of `r`. A window may run up to 7 days, so it
// can have begun on any of the 7 local days before today as well.
bool InWindow(const Recurrence& r, absl::Time t, absl::TimeZone zone) {
  const absl::CivilDay today(zone.At(t).cs);
  for (int back = 0; back <= kMaxWindowDays; ++back) {
    const absl::CivilDay day = today - back;
    if (!OnWeekday(r, day)) continue;
    const absl::Time start = absl::FromCivil(absl::CivilMinute(day) + r.start_minute, zone);
    if (start <= t && t < start + r.duration) return true;
  }
  return false;
}

// The latest end of a window of `r` open at `t`; `t` when none is.
absl::Time WindowEnd(const Recurrence& r, absl::Time t, absl::TimeZone zone) {
  const absl::CivilDay today(zone.At(t).cs);
  absl::Time end = t;
  for (int back = 0; back <= kMaxWindowDays; ++back) {
    const absl::CivilDay day = today - back;
    if (!OnWeekday(r, day)) continue;
    const absl::Time start = absl::FromCivil(absl::CivilMinute(day) + r.start_minute, zone);
    if (start <= t && t < start + r.duration) end = std::max(end, start + r.duration);
  }
  return end;
}

// Every plan's trigger needs an alertname, so a silence mutes every alert
// a plan could see when each matcher on alertname takes any name and each
// other one takes an alert without its label (as the empty-set check
// does). A regex's "any name" is judged on probe names — identifiers,
// digits, punctuation, spaces, CJK, the longest value allowed — as
// deciding it for every string would need an automaton: `.+`,
// `[A-Za-z0-9_]+|.+`, `!=""` and `!~"^$"` take them all; a matcher that
// names an alert or a prefix does not, nor `\S+` (no "x y").
bool MutesEveryPlan(const std::vector<Matcher>& matchers) {
  static const char* const kProbes[] = {"a",
                                        "Z",
                                        "0",
                                        "_",
                                        "-",
                                        ".",
                                        " ",
                                        "x y",
                                        "PlatformOutage",
                                        "complaint_submitted",
                                        "kpi_breached",
                                        "SqmsDown",
                                        "演练"};
  static const std::string kLongest(1024, 'z');
  for (const Matcher& m : matchers) {
    if (m.label() != "alertname") {
      if (!m.Matches(Labels{})) return false;
      continue;
    }
    for (const char* probe : kProbes) {
      if (!m.Matches(Labels{{"alertname", probe}})) return false;
    }
    if (!m.Matches(Labels{{"alertname", kLongest}})) return false;
  }
  return true;
}

}  // namespace

std::string_view SilenceStateName(SilenceState state) {
  switch (state) {
    case SilenceState::kPending: return "pending";
    case SilenceState::kActive: return "active";
    case SilenceState::kExpired: return "expired";
  }
  return "pending";
}

SilenceState StateAt(const Silence& silence, absl::Time t) {
  if (silence.ends_at <= t) return SilenceState::kExpired;
  if (t < silence.starts_at) return SilenceState::kPending;
  return SilenceState::kActive;
}

bool MutingAt(const Silence& silence, absl::Time t, absl::TimeZone zone) {
  if (StateAt(silence, t) != SilenceState::kActive) return false;
  return !silence.recurrence || InWindow(*silence.recurrence, t, zone);
}

bool Mutes(const Silence& silence, const Labels& labels, absl::Time t, absl::TimeZone zone) {
  return MutingAt(silence, t, zone) && MatchesAll(silence.matchers, labels);
}

absl::Time MuteEndsAt(const Silence& silence, absl::Time t, absl::TimeZone zone) {
  if (!silence.recurrence) return silence.ends_at;
  return std::min(silence.ends_at, WindowEnd(*silence.recurrence, t, zone));
}

const Silence* MutedBy(const std::vector<Silence>& silences, const Labels& labels, absl::Time t,
                       absl::TimeZone zone) {
  for (const Silence& s : silences) {
    if (Mutes(s, labels, t, zone)) return &s;
  }
  return nullptr;
}

absl::Status ValidateSilence(const Silence& silence) {
  if (silence.matchers.empty()) {
    return absl::InvalidArgumentError("silence.matchers: at least one matcher is required");
  }
  if (MatchesAll(silence.matchers, Labels{})) {
    return absl::InvalidArgumentError(
        "silence.matchers: would mute every alert (each matcher matches an alert without "
        "labels; add one that requires a label value)");
  }
  if (MutesEveryPlan(silence.matchers)) {
    return absl::InvalidArgumentError(
        "silence.matchers: would mute every alert of every plan (every plan's alerts have an "
        "alertname, and these matchers take any; name the alerts to silence)");
  }
  if (silence.ends_at <= silence.starts_at) {
    return absl::InvalidArgumentError("silence.ends_at: must be after starts_at");
  }
  if (!silence.recurrence) return absl::OkStatus();
  const Recurrence& r = *silence.recurrence;
  if (r.start_minute < 0 || r.start_minute >= kMinutesPerDay) {
    return absl::InvalidArgumentError(
        "silence.recurrence.start: must be a time of day, 00:00..23:59");
  }
  if (r.duration <= absl::ZeroDuration() || r.duration > absl::Hours(24 * kMaxWindowDays)) {
    return absl::InvalidArgumentError(
        "silence.recurrence.duration_minutes: must be in 1..10080 (at most 7 days)");
  }
  return absl::OkStatus();
}

}  // namespace sqms::alerts::domain
