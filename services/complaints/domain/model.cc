#include "services/complaints/domain/model.h"

#include <algorithm>

namespace sqms::complaints::domain {

SlaDeadline* SlaClock::Find(SlaTarget target) {
  auto it = std::find_if(deadlines.begin(), deadlines.end(),
                         [&](const SlaDeadline& d) { return d.target == target; });
  return it == deadlines.end() ? nullptr : &*it;
}

const SlaDeadline* SlaClock::Find(SlaTarget target) const {
  return const_cast<SlaClock*>(this)->Find(target);
}

bool SlaClock::AnyBreached() const {
  return std::any_of(deadlines.begin(), deadlines.end(),
                     [](const SlaDeadline& d) { return d.breached; });
}

}  // namespace sqms::complaints::domain
