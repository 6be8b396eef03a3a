#pragma once
// Which complaints an incident links when it opens. An incident a counting
// trigger opens ("20 complaints of one department in 10 minutes") is about
// every complaint it counted, not only the one that reached the count: the
// duty officer must see them all.

#include <cstddef>
#include <string>
#include <vector>

namespace sqms::alerts::domain {

// The linked complaints of an incident opened by an alert of complaint
// `own` ("" when it has none): the complaints `counted` in the trigger's
// window (oldest first; none for a trigger that does not count), then
// `own` — each once (at its first place), empty ids skipped, at most `cap`.
// `own` is always among them (cap > 0): at the cap, the newest counted
// ones make room for it.
std::vector<std::string> LinkedOnOpening(const std::vector<std::string>& counted,
                                         const std::string& own, size_t cap);

}  // namespace sqms::alerts::domain
