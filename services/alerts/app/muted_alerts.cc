// AlertProcessor: kept muted alerts (alert_processor.h, "Kept muted
// alerts") — kept when muted, decided again when the mute ends, dropped
// when they resolve.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/alerts/app/alert_processor.h"
#include "services/alerts/app/alert_processor_internal.h"

namespace sqms::alerts::app {
namespace {

constexpr char kMutedTimer[] = "muted|";
constexpr char kUnmuteTimer[] = "unmute|";
constexpr size_t kMutedTimerSize = sizeof(kMutedTimer) - 1;
constexpr size_t kUnmuteTimerSize = sizeof(kUnmuteTimer) - 1;

const domain::Silence* FindSilence(const std::vector<domain::Silence>& silences,
                                   const std::string& id) {
  auto it = std::find_if(silences.begin(), silences.end(),
                         [&](const domain::Silence& s) { return s.id == id; });
  return it == silences.end() ? nullptr : &*it;
}

// When the first silence muting `kept` stops muting it; InfiniteFuture when
// only inhibition mutes it (the incident's resolution wakes it).
absl::Time DueOf(const ports::MutedAlert& kept, const std::vector<domain::Silence>& silences,
                 absl::Time now, absl::TimeZone zone) {
  absl::Time due = absl::InfiniteFuture();
  for (const ports::MutedAlert::Mute& mute : kept.mutes) {
    if (mute.silence_id.empty()) continue;
    const domain::Silence* s = FindSilence(silences, mute.silence_id);
    due = std::min(due, s == nullptr ? now : domain::MuteEndsAt(*s, now, zone));
  }
  return due;
}

// Whether every mute of `kept` still holds by `mutes` (read at `now`).
bool StillMuted(const ports::MutedAlert& kept, const internal::Mutes& mutes, absl::Time now,
                absl::TimeZone zone) {
  for (const ports::MutedAlert::Mute& mute : kept.mutes) {
    if (!mute.silence_id.empty()) {
      const domain::Silence* s = FindSilence(mutes.silences, mute.silence_id);
      if (s == nullptr || !domain::Mutes(*s, kept.alert.labels, now, zone)) return false;
    } else if (std::none_of(
                   mutes.active.begin(), mutes.active.end(),
                   [&](const domain::ActiveIncident& i) { return i.id == mute.inhibited_by; })) {
      return false;
    }
  }
  return true;
}

// This decision put the alert into an incident (kDuplicate: another did —
// another replica deciding it too, which answers for it).
bool Wrote(const Decision& d) {
  return d.outcome == Outcome::kOpened || d.outcome == Outcome::kGrouped;
}

}  // namespace

bool ResendsWhileFiring(const std::string& source) { return source == "alertmanager"; }

std::string UnmuteTimer(const std::string& incident_id) {
  return absl::StrCat(kUnmuteTimer, incident_id);
}

absl::Status WakeSilencedBy(ports::AlertStore& store, const std::string& silence_id,
                            absl::Time now) {
  auto kept = store.ListMuted();
  if (!kept.ok()) return kept.status();
  for (const ports::MutedAlert& k : *kept) {
    if (std::any_of(k.mutes.begin(), k.mutes.end(),
                    [&](const ports::MutedAlert::Mute& m) { return m.silence_id == silence_id; })) {
      if (auto s = store.WakeMuted(k.fingerprint, now); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

bool AlertProcessor::IsMutedTimer(std::string_view timer_id) {
  return timer_id.starts_with(kMutedTimer) || timer_id.starts_with(kUnmuteTimer);
}

absl::Status AlertProcessor::OnTimer(const std::string& timer_id) {
  if (timer_id.starts_with(kMutedTimer)) return Redecide(timer_id.substr(kMutedTimerSize));
  if (timer_id.starts_with(kUnmuteTimer)) {
    return WakeInhibitedBy(timer_id.substr(kUnmuteTimerSize));
  }
  return absl::OkStatus();
}

absl::Status AlertProcessor::WakeInhibitedBy(const std::string& incident_id) {
  auto kept = store_.ListMuted();
  if (!kept.ok()) return kept.status();
  for (const ports::MutedAlert& k : *kept) {
    if (std::any_of(k.mutes.begin(), k.mutes.end(), [&](const ports::MutedAlert::Mute& m) {
          return m.inhibited_by == incident_id;
        })) {
      if (auto s = store_.WakeMuted(k.fingerprint, clock_.Now()); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::Status AlertProcessor::KeepOrDrop(const domain::Alert& alert, const std::string& fingerprint,
                                        const std::vector<Decision>& decisions, bool was_muted,
                                        const internal::Mutes& read, bool deciding_again) {
  const absl::Time now = clock_.Now();
  ports::MutedAlert kept{.fingerprint = fingerprint, .alert = alert, .mutes = {}, .kept_at = now};
  for (const Decision& d : decisions) {
    if (internal::IsMuted(d)) kept.mutes.push_back({d.plan_id, d.silence_id, d.inhibited_by});
  }
  if (kept.mutes.empty()) {
    return was_muted ? store_.DropMuted(fingerprint, alert.id) : absl::OkStatus();
  }
  auto catalog = catalog_.Snapshot();
  const absl::Time due = DueOf(kept, read.silences, now, catalog->zone);
  if (deciding_again) {
    // From the kept copy: its resolution may have dropped it since — that
    // stays final (nothing would resolve what it opened later) — and a
    // newer firing of its labels been kept, which this copy must not
    // replace.
    auto still = store_.KeepMutedIfKept(kept, due);
    if (!still.ok()) return still.status();
    if (!*still) return absl::OkStatus();
  } else {
    // Its resolution, handled first (delivered to another replica at the
    // same time, or this firing late), ended it: nothing to keep.
    auto stored = store_.KeepMuted(kept, due);
    if (!stored.ok()) return stored.status();
    if (!*stored) return absl::OkStatus();
  }
  // A mute that ended between `read` and the keep woke no kept alert (its
  // wake-up listed them before this one was there): read again, after.
  auto after = internal::LoadMutes(store_, *catalog, alert.labels);
  if (!after.ok()) return after.status();
  if (StillMuted(kept, *after, clock_.Now(), catalog->zone)) return absl::OkStatus();
  return store_.WakeMuted(fingerprint, clock_.Now());
}

absl::Status AlertProcessor::Redecide(const std::string& fingerprint) {
  auto kept = store_.GetMuted(fingerprint);
  if (!kept.ok()) return kept.status();
  if (!kept->has_value()) return absl::OkStatus();  // resolved, or decided already
  const domain::Alert& alert = (*kept)->alert;
  auto catalog = catalog_.Snapshot();
  auto mutes = internal::LoadMutes(store_, *catalog, alert.labels);
  if (!mutes.ok()) return mutes.status();
  std::vector<Decision> decisions;
  for (const ports::MutedAlert::Mute& mute : (*kept)->mutes) {
    // A plan retired or changed meanwhile takes the alert no more.
    const domain::Plan* plan = catalog->FindPlanInForce(mute.plan_id);
    const int trigger = plan == nullptr ? -1 : domain::MatchingTrigger(*plan, alert.labels);
    if (trigger < 0) continue;
    auto d = ForPlan(*plan, plan->triggers[trigger], *catalog, alert, fingerprint, mutes->silences,
                     mutes->active);
    if (!d.ok()) return d.status();
    decisions.push_back(*std::move(d));
  }
  if (std::any_of(decisions.begin(), decisions.end(), internal::IsMuted)) {
    if (auto s = KeepOrDrop(alert, fingerprint, decisions, true, *mutes, /*deciding_again=*/true);
        !s.ok()) {
      return s;
    }
  } else {
    // The alert's resolution drops it before reading its group: ended
    // meanwhile though this put it in an incident — resolve it where it
    // went, as its resolution would have.
    auto ended = EndedMeanwhile(fingerprint, alert);
    if (!ended.ok()) return ended.status();
    if (ended->has_value()) {
      domain::Alert resolved = alert;
      resolved.firing = false;
      resolved.at = **ended;
      for (const Decision& d : decisions) {
        const domain::Plan* plan = catalog->FindPlanInForce(d.plan_id);
        if (!Wrote(d) || plan == nullptr) continue;
        if (auto r = Resolve(*plan, *catalog, resolved, fingerprint); !r.ok()) return r.status();
      }
    }
    if (auto s = store_.DropMuted(fingerprint, alert.id); !s.ok()) return s;
  }
  if (auto s = Rerecord(alert.id, fingerprint, decisions); !s.ok()) return s;
  for (const Decision& d : decisions) {
    if (!internal::IsMuted(d)) stats_.Decided(d.outcome);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<absl::Time>> AlertProcessor::EndedMeanwhile(
    const std::string& fingerprint, const domain::Alert& alert) {
  auto still = store_.GetMuted(fingerprint);
  if (!still.ok()) return still.status();
  if (still->has_value() && (*still)->alert.id == alert.id) return std::nullopt;
  // Gone, or replaced by another alert of its labels: neither alone ends
  // it (a replica deciding it too drops it; a new window's breach, another
  // RaiseAlert, replaces it while it fires). A resolution that dropped it
  // — one that recorded an end no older than its start, within the margin,
  // as DropResolved drops (in milliseconds, as stored) — does.
  auto end = store_.RecordedEnd(fingerprint);
  if (!end.ok()) return end.status();
  if (!domain::IsFinite(*end)) return std::nullopt;
  const absl::Time started =
      domain::IsFinite(alert.at) ? absl::FromUnixMillis(absl::ToUnixMillis(alert.at)) : alert.at;
  if (ports::StartedAfterEnd(started, *end)) return std::nullopt;
  return *end;
}

absl::Status AlertProcessor::Rerecord(const std::string& alert_id, const std::string& fingerprint,
                                      const std::vector<Decision>& decisions) {
  auto seen = store_.Seen(alert_id);
  if (!seen.ok()) return seen.status();
  ProcessResult answer;
  if (seen->has_value()) answer = internal::DecodeAnswer(**seen);
  answer.fingerprint = fingerprint;
  std::erase_if(answer.decisions, [&](const Decision& old) {
    return std::any_of(decisions.begin(), decisions.end(),
                       [&](const Decision& d) { return d.plan_id == old.plan_id; });
  });
  answer.decisions.insert(answer.decisions.end(), decisions.begin(), decisions.end());
  return store_.MarkSeen(alert_id, internal::EncodeAnswer(answer));
}

}  // namespace sqms::alerts::app
