#include "services/alerts/domain/linked_complaints.h"

#include <set>

namespace sqms::alerts::domain {

std::vector<std::string> LinkedOnOpening(const std::vector<std::string>& counted,
                                         const std::string& own, size_t cap) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  // Until `own` is among them, one place is kept for it.
  auto own_pending = [&] { return !own.empty() && !seen.contains(own); };
  for (const std::string& id : counted) {
    if (out.size() + (own_pending() ? 1 : 0) >= cap) break;
    if (!id.empty() && seen.insert(id).second) out.push_back(id);
  }
  if (own_pending() && out.size() < cap) out.push_back(own);
  return out;
}

}  // namespace sqms::alerts::domain
