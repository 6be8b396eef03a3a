#include "tools/sqmsctl/alerts_args.h"

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "sqms/runtime/well_formed.h"
#include "tools/sqmsctl/jsonl.h"

namespace sqms::tools {
namespace {

namespace av1 = ::sqms::alerts::v1;

constexpr int kMaxWindowMinutes = 7 * 24 * 60;  // Recurrence.duration_minutes
// The last instant a google.protobuf.Timestamp holds, as the service checks
// it (runtime/well_formed.h).
const absl::Time kLastTimestamp =
    absl::FromUnixSeconds(runtime::kMaxTimestampSeconds) + absl::Nanoseconds(999'999'999);
constexpr std::array<std::string_view, 7> kWeekdays = {"mon", "tue", "wed", "thu",
                                                        "fri", "sat", "sun"};
// Longest first: "=~" must not be read as "=" followed by a value "~…".
constexpr std::array<std::string_view, 4> kMatchOps = {"!~", "=~", "!=", "="};

absl::Status FlagError(std::string_view flag, std::string_view value, std::string_view problem) {
  return absl::InvalidArgumentError(std::string(flag) + " \"" + std::string(value) +
                                    "\": " + std::string(problem));
}

// `value` as a whole number in lo..hi (no sign but '-', no spaces).
std::optional<int> WholeNumber(std::string_view value, int lo, int hi) {
  int n = 0;
  if (value.empty() || value[0] == '+' || value[0] == ' ' ||
      !absl::SimpleAtoi(std::string(value), &n) || n < lo || n > hi) {
    return std::nullopt;
  }
  return n;
}

bool IsLabelName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
  });
}

// Index of `day` in kWeekdays; -1 when it is none.
int WeekdayIndex(std::string_view day) {
  auto it = std::find(kWeekdays.begin(), kWeekdays.end(), day);
  return it == kWeekdays.end() ? -1 : static_cast<int>(it - kWeekdays.begin());
}

// "HH:MM" (or "H:MM"), 00:00..23:59, as the service reads it.
bool IsTimeOfDay(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3) {
    return false;
  }
  int hours = 0;
  int minutes = 0;
  return text[0] != '+' && text[colon + 1] != '+' &&
         absl::SimpleAtoi(std::string(text.substr(0, colon)), &hours) &&
         absl::SimpleAtoi(std::string(text.substr(colon + 1)), &minutes) && hours >= 0 &&
         hours <= 23 && minutes >= 0 && minutes <= 59;
}

// The --weekly/--start/--minutes window, when --start is given.
absl::Status AddRecurrence(const SilenceCreateFlags& flags, av1::Silence& silence) {
  if (flags.start.empty()) {
    if (!flags.weekly.empty() || !flags.minutes.empty()) {
      return absl::InvalidArgumentError(
          "--weekly and --minutes need --start HH:MM (a maintenance window, e.g. --weekly "
          "mon,sun --start 01:00 --minutes 120)");
    }
    return absl::OkStatus();
  }
  if (!IsTimeOfDay(flags.start)) {
    return FlagError("--start", flags.start, "not a time of day HH:MM (00:00..23:59)");
  }
  if (flags.minutes.empty()) {
    return absl::InvalidArgumentError(
        "--minutes is required with --start: the window's length, 1..10080 minutes (e.g. "
        "--start 01:00 --minutes 120)");
  }
  const std::optional<int> minutes = WholeNumber(flags.minutes, 1, kMaxWindowMinutes);
  if (!minutes) {
    return FlagError("--minutes", flags.minutes,
                     "the window's length must be 1..10080 minutes (at most 7 days)");
  }
  av1::Recurrence* recurrence = silence.mutable_recurrence();
  if (!flags.weekly.empty()) {
    absl::StatusOr<std::vector<std::string>> days = ParseWeekdays(flags.weekly);
    if (!days.ok()) return days.status();
    for (std::string& day : *days) recurrence->add_weekdays(std::move(day));
  }
  recurrence->set_start(flags.start);
  recurrence->set_duration_minutes(*minutes);
  return absl::OkStatus();
}

// --ends or --until; required unless the silence recurs.
absl::Status AddEnd(const SilenceCreateFlags& flags, absl::Time now, av1::Silence& silence) {
  if (!flags.ends.empty() && !flags.until.empty()) {
    return absl::InvalidArgumentError("--ends and --until: give one of them");
  }
  absl::Time ends = absl::InfinitePast();
  if (!flags.ends.empty()) {
    absl::Duration d;
    if (!absl::ParseDuration(std::string(flags.ends), &d) || d <= absl::ZeroDuration()) {
      return FlagError("--ends", flags.ends, "not a positive duration (e.g. 2h, 90m, 1h30m)");
    }
    ends = now + d;
  } else if (!flags.until.empty()) {
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, std::string(flags.until), &ends, &error)) {
      return FlagError("--until", flags.until,
                       "not an RFC 3339 time (e.g. 2026-12-02T06:00:00+08:00)");
    }
    if (ends <= now) return FlagError("--until", flags.until, "is in the past");
  } else if (!silence.has_recurrence()) {
    return absl::InvalidArgumentError(
        "--ends DURATION or --until TIME is required (only a maintenance window, --start, may "
        "be open-ended)");
  }
  if (ends != absl::InfinitePast()) {
    // Not through Unix nanoseconds: an int64 of them ends in 2262, and a
    // later time would be sent (and kept) cut short without a word.
    if (ends > kLastTimestamp) {
      return FlagError(flags.until.empty() ? "--ends" : "--until",
                       flags.until.empty() ? flags.ends : flags.until,
                       "is after 9999-12-31T23:59:59Z, the last time a silence may end");
    }
    const int64_t seconds = absl::ToUnixSeconds(ends);  // floors: nanos stay non-negative
    silence.mutable_ends_at()->set_seconds(seconds);
    silence.mutable_ends_at()->set_nanos(
        static_cast<int32_t>(absl::ToInt64Nanoseconds(ends - absl::FromUnixSeconds(seconds))));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> ParseLabelFlags(
    std::string_view flag, const std::vector<std::string>& values) {
  std::map<std::string, std::string> labels;
  for (const std::string& item : values) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos) {
      return FlagError(flag, item, "not NAME=VALUE (e.g. " + std::string(flag) + " station=北京南)");
    }
    const std::string name = item.substr(0, eq);
    if (!IsLabelName(name)) {
      return FlagError(flag, item,
                       "bad name \"" + name + "\" (letters, digits and _, not first a digit)");
    }
    if (eq + 1 == item.size()) return FlagError(flag, item, "empty value");
    if (!labels.emplace(name, item.substr(eq + 1)).second) {
      return FlagError(flag, item, "\"" + name + "\" given twice");
    }
  }
  return labels;
}

absl::StatusOr<av1::Matcher> ParseMatcher(std::string_view value) {
  size_t name_end = 0;
  while (name_end < value.size() && value[name_end] != '=' && value[name_end] != '!') ++name_end;
  const std::string_view name = value.substr(0, name_end);
  const std::string_view rest = value.substr(name_end);
  auto op = std::find_if(kMatchOps.begin(), kMatchOps.end(),
                         [rest](std::string_view o) { return rest.substr(0, o.size()) == o; });
  if (op == kMatchOps.end()) {
    return FlagError("--matcher", value,
                     "not NAME OP VALUE with OP one of = != =~ !~ (e.g. alertname=kpi_breached)");
  }
  if (!IsLabelName(name)) {
    return FlagError("--matcher", value,
                     "bad label name \"" + std::string(name) +
                         "\" (letters, digits and _, not first a digit)");
  }
  std::string_view match = rest.substr(op->size());
  if (match.size() >= 2 && match.front() == '"' && match.back() == '"') {
    match = match.substr(1, match.size() - 2);
  }
  av1::Matcher matcher;
  matcher.set_label(std::string(name));
  matcher.set_op(std::string(*op));
  matcher.set_value(std::string(match));
  return matcher;
}

absl::StatusOr<std::vector<std::string>> ParseWeekdays(std::string_view value) {
  std::vector<std::string> days;
  auto add = [&days](int index) {
    const std::string day(kWeekdays[static_cast<size_t>(index)]);
    if (std::find(days.begin(), days.end(), day) == days.end()) days.push_back(day);
  };
  for (absl::string_view piece : absl::StrSplit(std::string(value), ',')) {
    const std::string item(piece);
    std::pair<std::string, std::string> range = absl::StrSplit(item, absl::MaxSplits('-', 1));
    const int first = WeekdayIndex(range.first);
    const int last = item.find('-') == std::string::npos ? first : WeekdayIndex(range.second);
    if (first < 0 || last < 0) {
      return FlagError("--weekly", value,
                       "\"" + item + "\" is not a weekday or a range of them (mon … sun, mon-fri)");
    }
    if (last < first) {
      return FlagError("--weekly", value,
                       "range \"" + item + "\" runs backwards (mon-fri, not fri-mon)");
    }
    for (int i = first; i <= last; ++i) add(i);
  }
  return days;
}

absl::StatusOr<int> ParseIncidentLimit(std::string_view value) {
  constexpr int kMaxLimit = 1000;  // ListIncidentsRequest.limit, as the service bounds it
  const std::optional<int> limit = WholeNumber(value, 1, kMaxLimit);
  if (!limit) return FlagError("--limit", value, "not a whole number in 1..1000 (how many)");
  return *limit;
}

absl::StatusOr<int> ParseStepNumber(std::string_view value) {
  const std::optional<int> step = WholeNumber(value, 0, std::numeric_limits<int32_t>::max());
  if (!step) {
    return FlagError("N", value,
                     "not a step number (a whole number from 0: # in sqmsctl incident get)");
  }
  return *step;
}

absl::StatusOr<av1::RaiseAlertRequest> BuildRaiseAlertRequest(const RaiseFlags& flags) {
  if (flags.labels.empty()) {
    return absl::InvalidArgumentError(
        "--label is required: at least one NAME=VALUE (e.g. --label alertname=platform_crowding)");
  }
  absl::StatusOr<std::map<std::string, std::string>> labels =
      ParseLabelFlags("--label", flags.labels);
  if (!labels.ok()) return labels.status();
  absl::StatusOr<std::map<std::string, std::string>> annotations =
      ParseLabelFlags("--annotation", flags.annotations);
  if (!annotations.ok()) return annotations.status();
  av1::RaiseAlertRequest request;
  request.mutable_labels()->insert(labels->begin(), labels->end());
  request.mutable_annotations()->insert(annotations->begin(), annotations->end());
  request.set_status(flags.resolved ? av1::ALERT_STATUS_RESOLVED : av1::ALERT_STATUS_FIRING);
  request.set_drill(flags.drill);
  return request;
}

absl::StatusOr<av1::StartDrillRequest> BuildStartDrillRequest(const DrillStartFlags& flags) {
  if (flags.plan.empty()) return absl::InvalidArgumentError("PLAN is required (sqmsctl plan list)");
  absl::StatusOr<std::map<std::string, std::string>> labels =
      ParseLabelFlags("--label", flags.labels);
  if (!labels.ok()) return labels.status();
  av1::StartDrillRequest request;
  request.set_plan_id(flags.plan);
  request.mutable_labels()->insert(labels->begin(), labels->end());
  return request;
}

absl::StatusOr<av1::CreateSilenceRequest> BuildCreateSilenceRequest(
    const SilenceCreateFlags& flags, absl::Time now) {
  if (flags.matchers.empty()) {
    return absl::InvalidArgumentError(
        "--matcher is required: at least one NAME OP VALUE (e.g. --matcher station=北京南)");
  }
  if (flags.comment.empty()) {
    return absl::InvalidArgumentError("--comment is required: why the alerts are muted");
  }
  av1::CreateSilenceRequest request;
  av1::Silence& silence = *request.mutable_silence();
  for (const std::string& text : flags.matchers) {
    absl::StatusOr<av1::Matcher> matcher = ParseMatcher(text);
    if (!matcher.ok()) return matcher.status();
    *silence.add_matchers() = *std::move(matcher);
  }
  if (absl::Status s = AddRecurrence(flags, silence); !s.ok()) return s;
  if (absl::Status s = AddEnd(flags, now, silence); !s.ok()) return s;
  silence.set_comment(flags.comment);
  return request;
}

absl::StatusOr<av1::UpsertPlanRequest> BuildUpsertPlanRequest(
    std::string_view file, std::string_view json, std::optional<int64_t> expected_version) {
  if (expected_version && *expected_version < 0) {
    return absl::InvalidArgumentError("--expected-version: must be >= 0");
  }
  av1::UpsertPlanRequest request;
  if (absl::Status s = ParseJsonMessage(json, *request.mutable_plan()); !s.ok()) {
    return absl::InvalidArgumentError(std::string(file) + ": " + std::string(s.message()));
  }
  if (request.plan().id().empty()) {
    return absl::InvalidArgumentError(std::string(file) + ": id is empty");
  }
  request.set_expected_version(expected_version.value_or(request.plan().version()));
  return request;
}

}  // namespace sqms::tools
