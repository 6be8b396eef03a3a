#include "services/alerts/domain/inhibition.h"

namespace sqms::alerts::domain {
namespace {

// Present on both sides with the same value; absent on either side is never
// equal (see the header: absent on both would inhibit across departments).
bool EqualOn(const std::vector<std::string>& names, const Labels& a, const Labels& b) {
  for (const std::string& name : names) {
    auto ia = a.find(name);
    auto ib = b.find(name);
    if (ia == a.end() || ib == b.end() || ia->second != ib->second) return false;
  }
  return true;
}

bool Inhibits(const InhibitRule& rule, const Labels& alert, const ActiveIncident& incident) {
  return MatchesAll(rule.target, alert) && MatchesAll(rule.source, incident.labels) &&
         EqualOn(rule.equal, incident.labels, alert);
}

}  // namespace

std::string InhibitedBy(const std::vector<InhibitRule>& rules, const Labels& alert,
                        const std::vector<ActiveIncident>& active) {
  for (const ActiveIncident& incident : active) {
    // An incident's own first alert (or a repeat of it) must still reach it.
    if (incident.labels == alert) continue;
    for (const InhibitRule& rule : rules) {
      if (Inhibits(rule, alert, incident)) return incident.id;
    }
  }
  return "";
}

}  // namespace sqms::alerts::domain
