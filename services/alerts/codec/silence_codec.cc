#include "services/alerts/codec/silence_codec.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/alerts/codec/matcher_codec.h"
#include "services/alerts/codec/timestamp_codec.h"
#include "services/alerts/codec/violations.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::alerts::codec {
namespace {

namespace pb = ::sqms::alerts::v1;

constexpr std::array<std::pair<absl::Weekday, std::string_view>, 7> kWeekdays{{
    {absl::Weekday::monday, "mon"},
    {absl::Weekday::tuesday, "tue"},
    {absl::Weekday::wednesday, "wed"},
    {absl::Weekday::thursday, "thu"},
    {absl::Weekday::friday, "fri"},
    {absl::Weekday::saturday, "sat"},
    {absl::Weekday::sunday, "sun"},
}};

std::string_view WeekdayName(absl::Weekday day) {
  for (const auto& [d, name] : kWeekdays) {
    if (d == day) return name;
  }
  return "";
}

std::optional<absl::Weekday> ParseWeekday(const std::string& text) {
  const std::string lower = absl::AsciiStrToLower(text);
  for (const auto& [d, name] : kWeekdays) {
    if (name == lower) return d;
  }
  return std::nullopt;
}

// "HH:MM" (or "H:MM"), 00:00..23:59 → minute of the day.
std::optional<int> ParseStart(const std::string& text) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 2 || text.size() != colon + 3) {
    return std::nullopt;
  }
  int hours = 0;
  int minutes = 0;
  if (!absl::SimpleAtoi(text.substr(0, colon), &hours) ||
      !absl::SimpleAtoi(text.substr(colon + 1), &minutes) || hours < 0 || hours > 23 ||
      minutes < 0 || minutes > 59 || text[0] == '+' || text[colon + 1] == '+') {
    return std::nullopt;
  }
  return hours * 60 + minutes;
}

domain::Recurrence RecurrenceFromProto(const pb::Recurrence& in, Violations* violations) {
  domain::Recurrence out;
  for (int i = 0; i < in.weekdays_size(); ++i) {
    if (auto day = ParseWeekday(in.weekdays(i))) {
      out.weekdays.push_back(*day);
    } else {
      violations->push_back({absl::StrCat("silence.recurrence.weekdays[", i, "]"),
                             absl::StrCat("'", in.weekdays(i), "' is not a weekday (mon … sun)")});
    }
  }
  if (auto start = ParseStart(in.start())) {
    out.start_minute = *start;
  } else {
    violations->push_back({"silence.recurrence.start",
                           absl::StrCat("'", in.start(), "' is not a time of day (HH:MM)")});
  }
  out.duration = absl::Minutes(in.duration_minutes());
  return out;
}

}  // namespace

pb::Silence SilenceToProto(const domain::Silence& silence, absl::Time now, absl::TimeZone zone) {
  pb::Silence out;
  out.set_id(silence.id);
  for (const domain::Matcher& m : silence.matchers) MatcherToProto(m, out.add_matchers());
  if (IsFinite(silence.starts_at)) ToTimestamp(silence.starts_at, out.mutable_starts_at());
  if (IsFinite(silence.ends_at)) ToTimestamp(silence.ends_at, out.mutable_ends_at());
  out.set_created_by(silence.created_by);
  out.set_comment(silence.comment);
  if (silence.recurrence) {
    const domain::Recurrence& r = *silence.recurrence;
    pb::Recurrence* rec = out.mutable_recurrence();
    for (absl::Weekday day : r.weekdays) rec->add_weekdays(std::string(WeekdayName(day)));
    rec->set_start(absl::StrFormat("%02d:%02d", r.start_minute / 60, r.start_minute % 60));
    rec->set_duration_minutes(static_cast<int32_t>(absl::ToInt64Minutes(r.duration)));
  }
  out.set_state(std::string(domain::SilenceStateName(domain::StateAt(silence, now))));
  out.set_muting(domain::MutingAt(silence, now, zone));
  return out;
}

absl::StatusOr<domain::Silence> SilenceFromProto(const pb::Silence& in) {
  Violations violations;
  domain::Silence out;
  out.id = in.id();
  out.matchers = MatchersFromProto(in.matchers(), "silence.matchers", &violations);
  // A time the service cannot hold is refused, not stored cut short.
  bool times_ok = true;
  for (const auto& [field, ts] : {std::pair{"silence.starts_at", &in.starts_at()},
                                  std::pair{"silence.ends_at", &in.ends_at()}}) {
    if (std::string problem = TimestampProblem(*ts); !problem.empty()) {
      violations.push_back({field, std::move(problem)});
      times_ok = false;
    }
  }
  if (in.has_starts_at()) out.starts_at = FromTimestamp(in.starts_at());
  if (in.has_ends_at()) {
    out.ends_at = FromTimestamp(in.ends_at());
  } else if (!in.has_recurrence()) {
    violations.push_back(
        {"silence.ends_at", "is required (only a recurring window may be open-ended)"});
  }
  if (times_ok && in.has_starts_at() && in.has_ends_at() && out.ends_at <= out.starts_at) {
    violations.push_back({"silence.ends_at", "must be after starts_at"});
  }
  out.created_by = in.created_by();
  out.comment = in.comment();
  if (in.has_recurrence()) out.recurrence = RecurrenceFromProto(in.recurrence(), &violations);

  // ValidateSilence reports its first problem only, and may repeat one the
  // codec found (a matcher left out): Merge keeps the codec's.
  if (absl::Status s = domain::ValidateSilence(out); !s.ok()) {
    Merge(ViolationsOf(s, "silence"), &violations);
  }
  if (!violations.empty()) return runtime::InvalidArgument(std::move(violations));
  return out;
}

}  // namespace sqms::alerts::codec
