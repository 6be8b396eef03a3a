#include "services/alerts/domain/incident.h"

#include <array>
#include <utility>

#include "absl/strings/str_cat.h"

namespace sqms::alerts::domain {
namespace {

using State = IncidentState;
using Command = IncidentCommandKind;

constexpr std::array<std::pair<State, std::string_view>, 5> kStateNames{{
    {State::kTriggered, "triggered"},
    {State::kAcknowledged, "acknowledged"},
    {State::kMitigating, "mitigating"},
    {State::kResolved, "resolved"},
    {State::kClosed, "closed"},
}};

struct Transition {
  Command command;
  State from;
  State to;
};

// The whole lifecycle; anything not listed is refused.
constexpr std::array<Transition, 8> kTransitions{{
    {Command::kAcknowledge, State::kTriggered, State::kAcknowledged},
    {Command::kMitigate, State::kTriggered, State::kMitigating},
    {Command::kMitigate, State::kAcknowledged, State::kMitigating},
    {Command::kResolve, State::kTriggered, State::kResolved},
    {Command::kResolve, State::kAcknowledged, State::kResolved},
    {Command::kResolve, State::kMitigating, State::kResolved},
    {Command::kClose, State::kResolved, State::kClosed},
    {Command::kReopenAck, State::kAcknowledged, State::kTriggered},
}};

std::string_view Verb(Command command) {
  switch (command) {
    case Command::kAcknowledge: return "acknowledge";
    case Command::kMitigate: return "mitigate";
    case Command::kResolve: return "resolve";
    case Command::kClose: return "close";
    case Command::kReopenAck: return "expire the acknowledgement of";
  }
  return "change";
}

}  // namespace

std::string_view IncidentStateName(IncidentState state) {
  for (const auto& [s, name] : kStateNames) {
    if (s == state) return name;
  }
  return "triggered";
}

std::optional<IncidentState> ParseIncidentState(std::string_view name) {
  for (const auto& [s, n] : kStateNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}

bool IsActive(IncidentState state) {
  return state == State::kTriggered || state == State::kAcknowledged || state == State::kMitigating;
}

absl::StatusOr<IncidentState> Apply(IncidentState from, IncidentCommandKind command) {
  for (const Transition& t : kTransitions) {
    if (t.command == command && t.from == from) return t.to;
  }
  const std::string_view state = IncidentStateName(from);
  const char* article = state.front() == 'a' ? "an" : "a";
  return absl::FailedPreconditionError(absl::StrCat("cannot ", std::string(Verb(command)), " ",
                                                    article, " ", std::string(state), " incident"));
}

}  // namespace sqms::alerts::domain
