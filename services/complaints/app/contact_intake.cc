#include "services/complaints/app/contact_intake.h"

#include <utility>

#include "sqms/runtime/ids.h"

namespace sqms::complaints::app {

ContactIntake::ContactIntake(ports::ContactEventStore& store, const runtime::Clock& clock,
                             domain::ContactLimits limits)
    : store_(store), clock_(clock), limits_(std::move(limits)) {}

absl::StatusOr<ContactAccepted> ContactIntake::Accept(domain::ContactEvent event) {
  absl::Status valid = domain::ValidateContactEvent(event, clock_.Now(), limits_);
  if (!valid.ok()) return valid;
  if (event.event_id.empty()) event.event_id = runtime::NewEventId();

  absl::StatusOr<bool> appended = store_.Append(event);
  if (!appended.ok()) return appended.status();
  return ContactAccepted{std::move(event.event_id), !*appended};
}

}  // namespace sqms::complaints::app
