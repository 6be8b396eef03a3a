#pragma once
// Inhibition: an active incident matching a rule's source suppresses new
// alerts matching its target when the `equal` labels agree — e.g. an open
// platform-outage incident for a department suppresses that department's
// answer-rate alerts. A label absent on both sides never counts as equal
// (Alertmanager's known trap: two alerts without `department` would
// inhibit each other across every department).

#include <string>
#include <vector>

#include "services/alerts/domain/labels.h"

namespace sqms::alerts::domain {

struct InhibitRule {
  std::vector<Matcher> source;  // matched against an active incident's labels
  std::vector<Matcher> target;  // matched against the new alert's labels
  std::vector<std::string> equal;
};

struct ActiveIncident {
  std::string id;
  Labels labels;  // the incident's labels: its first alert's labels
};

// The id of the first active incident that inhibits `alert`, or "".
// An incident never inhibits an alert whose labels equal its own (no
// self-inhibition).
std::string InhibitedBy(const std::vector<InhibitRule>& rules, const Labels& alert,
                        const std::vector<ActiveIncident>& active);

}  // namespace sqms::alerts::domain
