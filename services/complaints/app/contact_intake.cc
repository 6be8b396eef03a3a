#include "services/complaints/app/contact_intake.h"

#include <cstdint>
#include <random>
#include <utility>

#include "absl/strings/str_format.h"
#include "services/complaints/codec/contact_codec.h"

namespace sqms::complaints::app {

std::string NewRandomEventId() {
  // One generator per thread, seeded from the OS: no lock on the hot path.
  thread_local std::mt19937_64 generator = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  const uint64_t high = generator();
  const uint64_t low = generator();
  return absl::StrFormat("%016x%016x", high, low);
}

ContactIntake::ContactIntake(ports::ContactEventStore& store, const runtime::Clock& clock,
                             domain::ContactLimits limits)
    : store_(store), clock_(clock), limits_(std::move(limits)) {}

absl::StatusOr<ContactAccepted> ContactIntake::Accept(domain::ContactEvent event) {
  absl::Status valid = domain::ValidateContactEvent(event, clock_.Now(), limits_);
  if (!valid.ok()) return valid;
  if (event.event_id.empty()) event.event_id = NewRandomEventId();

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
