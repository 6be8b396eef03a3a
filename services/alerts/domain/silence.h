#pragma once
// Silences mute matching alerts for a time (Alertmanager's model), and —
// what Alertmanager lacks — recurring maintenance windows: e.g. every
// Sunday 01:00–03:00 in the operator's zone, for ever or until ends_at.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/alerts/domain/labels.h"

namespace sqms::alerts::domain {

struct Recurrence {
  std::vector<absl::Weekday> weekdays;  // empty: every day
  int start_minute = 0;                 // local minute of the day, 0..1439
  absl::Duration duration = absl::Hours(1);  // > 0, ≤ 7 days
};

struct Silence {
  std::string id;
  std::vector<Matcher> matchers;  // at least one
  absl::Time starts_at = absl::InfinitePast();
  absl::Time ends_at = absl::InfiniteFuture();  // expiring sets it to now
  std::string created_by;
  std::string comment;
  std::optional<Recurrence> recurrence;
};

enum class SilenceState { kPending, kActive, kExpired };
std::string_view SilenceStateName(SilenceState state);  // "pending", "active", "expired"

// Expired once ends_at ≤ t; pending before starts_at; otherwise active —
// for a recurring silence "active" means inside [starts_at, ends_at) even
// between windows (it is live); Mutes() says whether a window is open now.
SilenceState StateAt(const Silence& silence, absl::Time t);

// Whether `silence` mutes whatever it matches at `t`: active and, for a
// recurring one, `t` inside a window (see Mutes).
bool MutingAt(const Silence& silence, absl::Time t, absl::TimeZone zone);

// Whether `silence` mutes `labels` at `t`: active, every matcher matches,
// and for a recurring one `t` lies in a window (a window that began on the
// previous day and runs past midnight counts). Windows are local times in
// `zone` (a 01:00–03:00 window is two hours long on a DST day too, starting
// at 01:00 local time as absl resolves it).
bool Mutes(const Silence& silence, const Labels& labels, absl::Time t, absl::TimeZone zone);

// When `silence`, muting at `t`, stops muting: ends_at for a one-off
// silence; for a recurring one the end of the window open at `t` (the
// latest, should windows overlap), never after ends_at. A next window is
// not looked at: whoever waits for this moment decides again then.
absl::Time MuteEndsAt(const Silence& silence, absl::Time t, absl::TimeZone zone);

// The first silence that mutes `labels`, or nullptr.
const Silence* MutedBy(const std::vector<Silence>& silences, const Labels& labels, absl::Time t,
                       absl::TimeZone zone);

// OK or INVALID_ARGUMENT naming the field ("silence.matchers",
// "silence.ends_at", "silence.recurrence.duration_minutes"): at least one
// matcher, and not all of them match the empty label set (a silence must
// not mute everything), nor every alert with an alertname — every plan's
// alerts have one (`alertname=~".+"`, `alertname!=""`, with or without
// matchers that an alert lacking their label passes); ends_at after starts_at; a recurrence's start
// in 0..1439 and duration in (0, 7 days].
absl::Status ValidateSilence(const Silence& silence);

}  // namespace sqms::alerts::domain
