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

bool SlaClock::AnyAtRisk() const {
  return std::any_of(deadlines.begin(), deadlines.end(), [](const SlaDeadline& d) {
    return d.at_risk && !d.breached && !d.met_at.has_value();
  });
}

std::optional<absl::Time> NextDue(const Complaint& complaint) {
  if (complaint.status == Status::kClosed) return std::nullopt;
  std::optional<absl::Time> next;
  for (const SlaDeadline& d : complaint.sla.deadlines) {
    if (d.met_at.has_value()) continue;
    if (!next || d.due < *next) next = d.due;
  }
  return next;
}

std::string_view CategoryName(Category category) {
  switch (category) {
    case Category::kServiceQuality: return "service_quality";
    case Category::kServiceAttitude: return "service_attitude";
    case Category::kFacilities: return "facilities";
    case Category::kTicketing: return "ticketing";
    case Category::kTimeliness: return "timeliness";
    case Category::kSafety: return "safety";
    case Category::kHygiene: return "hygiene";
    case Category::kCatering: return "catering";
    case Category::kLuggage: return "luggage";
    case Category::kBilling: return "billing";
    case Category::kNetworkFault: return "network_fault";
    case Category::kOther: return "other";
    case Category::kUnspecified: break;
  }
  return "unspecified";
}

Category CategoryFromName(std::string_view name) {
  for (int c = 1; c <= kCategoryMax; ++c) {
    if (CategoryName(static_cast<Category>(c)) == name) return static_cast<Category>(c);
  }
  return Category::kUnspecified;
}

}  // namespace sqms::complaints::domain
