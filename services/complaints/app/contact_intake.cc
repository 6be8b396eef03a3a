#include "services/complaints/app/contact_intake.h"

#include <utility>

#include "services/complaints/domain/contact_record.h"
#include "sqms/runtime/ids.h"

namespace sqms::complaints::app {
namespace {

// Appends of one contact race only across streams or replicas; a record
// that changes this often under one event is a client bug, not contention.
constexpr int kMaxAttempts = 4;

}  // namespace

ContactIntake::ContactIntake(ports::ContactEventStore& store, const runtime::Clock& clock,
                             domain::ContactLimits limits)
    : store_(store), clock_(clock), limits_(std::move(limits)) {}

absl::StatusOr<ContactAccepted> ContactIntake::Accept(domain::ContactEvent event) {
  absl::Status valid = domain::ValidateContactEvent(event, clock_.Now(), limits_);
  if (!valid.ok()) return valid;
  if (event.event_id.empty()) event.event_id = runtime::NewEventId();

  // First assume nothing is stored: most events agree with their contact's
  // record (they send every dimension), and then one round trip does it.
  domain::ContactRecord basis;
  bool known = false;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    domain::ContactEvent complete = event;
    absl::Status completed = domain::CompleteContactEvent(basis, complete, limits_);
    if (!completed.ok() && known) return completed;
    if (!completed.ok()) {
      // Judged against an assumed record: read the real one (and whether
      // this is a retry, which is acknowledged whatever the record says).
      absl::StatusOr<ports::ContactLookup> lookup = store_.Load(event.contact_id, event.event_id);
      if (!lookup.ok()) return lookup.status();
      if (lookup->seen) return ContactAccepted{std::move(event.event_id), true};
      basis = std::move(lookup->record);
      known = true;
      continue;
    }
    absl::StatusOr<ports::AppendOutcome> outcome = store_.Append(complete, basis);
    if (!outcome.ok()) return outcome.status();
    switch (outcome->result) {
      case ports::AppendResult::kAppended:
        return ContactAccepted{std::move(event.event_id), false};
      case ports::AppendResult::kDuplicate:
        return ContactAccepted{std::move(event.event_id), true};
      case ports::AppendResult::kStale:
        basis = std::move(outcome->current);
        known = true;
        break;
    }
  }
  return absl::AbortedError("the contact's record changed during every attempt; retry the event");
}

}  // namespace sqms::complaints::app
