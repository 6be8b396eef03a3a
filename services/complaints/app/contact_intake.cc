#include "services/complaints/app/contact_intake.h"

#include <utility>

#include "services/complaints/codec/contact_codec.h"
#include "sqms/runtime/ids.h"

namespace sqms::complaints::app {

ContactIntake::ContactIntake(ports::ContactEventStore& store, const runtime::Clock& clock,
                             domain::ContactLimits limits)
    : store_(store), clock_(clock), limits_(std::move(limits)) {}

absl::StatusOr<ContactAccepted> ContactIntake::Accept(domain::ContactEvent event) {
  absl::Status valid = domain::ValidateContactEvent(event, clock_.Now(), limits_);
  if (!valid.ok()) return valid;
  if (event.event_id.empty()) event.event_id = runtime::NewEventId();

  ports::ContactRecord record;
  record.event_id = event.event_id;
  record.contact_id = event.contact_id;
  record.type = codec::ContactEventType(event.kind);
  record.occurred_at = event.occurred_at;
  record.payload = codec::EncodeContactEvent(event);

  absl::StatusOr<bool> appended = store_.Append(record);
  if (!appended.ok()) return appended.status();
  return ContactAccepted{std::move(record.event_id), !*appended};
}

}  // namespace sqms::complaints::app
