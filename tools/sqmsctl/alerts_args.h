// The flags of `sqmsctl incident|silence|drill …` turned into
// sqms.alerts.v1 requests. Pure: no I/O, no RPC, no clock (now comes in as
// a value). Every error is INVALID_ARGUMENT and its message names the flag
// and the value, e.g.
//   --label "station": not NAME=VALUE (e.g. --label station=北京南)
// so the command prints it as is and exits 2. request_id is never set here:
// the commands set it (a fresh UUID per invocation, or --request-id).
//
// What is checked here is what the service would reject anyway (label
// names, matcher operators, weekdays, HH:MM), so that a typo is named with
// its flag before anything is sent; regexes are left to the service (RE2).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sqms/alerts/v1/service.pb.h"

namespace sqms::tools {

// "k=v" values of a repeatable flag (--label, --annotation) → a map. Names
// are [a-zA-Z_][a-zA-Z0-9_]* (Prometheus label names), values non-empty;
// a name given twice is an error. `flag` names the flag in errors.
absl::StatusOr<std::map<std::string, std::string>> ParseLabelFlags(
    std::string_view flag, const std::vector<std::string>& values);

// An Alertmanager matcher: NAME OP VALUE with OP one of = != =~ !~, the
// value optionally in double quotes ('alertname="kpi_breached"',
// 'station=~"北京.*"', 'severity!=info'). An empty value matches a missing
// label. Errors name --matcher.
absl::StatusOr<alerts::v1::Matcher> ParseMatcher(std::string_view value);

// "mon,sun" or a range "mon-fri" (or both: "mon-wed,sat") → the weekdays
// in the order given, each once. Errors name --weekly.
absl::StatusOr<std::vector<std::string>> ParseWeekdays(std::string_view value);

// `sqmsctl incident raise --label k=v … [--annotation k=v …] [--resolved] [--drill]`.
struct RaiseFlags {
  std::vector<std::string> labels;       // at least one
  std::vector<std::string> annotations;
  bool resolved = false;                 // status RESOLVED instead of firing
  bool drill = false;
};
absl::StatusOr<alerts::v1::RaiseAlertRequest> BuildRaiseAlertRequest(const RaiseFlags& flags);

// `sqmsctl drill start PLAN [--label k=v …]`.
struct DrillStartFlags {
  std::string plan;
  std::vector<std::string> labels;
};
absl::StatusOr<alerts::v1::StartDrillRequest> BuildStartDrillRequest(const DrillStartFlags& flags);

// `sqmsctl silence create --matcher M … [--ends DURATION | --until RFC3339]
//  [--weekly DAYS --start HH:MM --minutes N] --comment C`.
//
// A one-off silence needs --ends (from now: "2h", "90m", "1h30m") or
// --until; a maintenance window (--weekly, --start and --minutes together)
// may also have either, and without one lasts until expired. The silence
// starts now (the service sets starts_at).
struct SilenceCreateFlags {
  std::vector<std::string> matchers;  // at least one
  std::string ends;                   // a duration from now
  std::string until;                  // an RFC 3339 time
  std::string weekly;                 // weekdays (ParseWeekdays)
  std::string start;                  // "HH:MM", service's zone
  std::string minutes;                // the window's length, 1..10080; required with --start
  std::string comment;                // required
};
absl::StatusOr<alerts::v1::CreateSilenceRequest> BuildCreateSilenceRequest(
    const SilenceCreateFlags& flags, absl::Time now);

// `sqmsctl incident list --limit N`: N in 1..1000, e.g.
//   --limit "0": not a whole number in 1..1000 (how many incidents to list)
absl::StatusOr<int> ParseIncidentLimit(std::string_view value);

// `sqmsctl incident step ID N`: N, a step's number from 0 (# in
// `incident get`), e.g.
//   N "-1": not a step number (a whole number from 0: # in sqmsctl incident get)
// Whether the plan has that step is the service's to say.
absl::StatusOr<int> ParseStepNumber(std::string_view value);

// `sqmsctl plan apply FILE`: `json` is the file's text, one Plan in proto
// JSON as `sqmsctl plan get ID -o json` prints it (field names in either
// spelling; unknown fields are errors). The version replaced is the
// plan's own `version` — the one it was read at, so an edit of a plan
// someone changed meanwhile is refused by the service rather than
// overwriting theirs — or `expected_version` when given (0: create).
// Errors name `file`: "plan.json: not a JSON object", "plan.json: id is
// empty", "--expected-version: must be >= 0". The plan itself is checked
// by the service, which names the field (plan.steps[0].title, …).
absl::StatusOr<alerts::v1::UpsertPlanRequest> BuildUpsertPlanRequest(
    std::string_view file, std::string_view json, std::optional<int64_t> expected_version);

}  // namespace sqms::tools
