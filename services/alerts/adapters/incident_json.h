#pragma once
// How the Redis store keeps an incident and a delivery: one JSON document
// each (nlohmann::json). Times are integer Unix milliseconds; "never"
// (InfinitePast / InfiniteFuture) is absent. Decoding is lenient about
// absent fields (older documents) and strict about types.

#include <string>

#include "absl/status/statusor.h"
#include "services/alerts/domain/silence.h"
#include "services/alerts/ports/alert_store.h"
#include "services/alerts/ports/incident.h"

namespace sqms::alerts::adapters {

std::string EncodeIncident(const ports::Incident& incident);
absl::StatusOr<ports::Incident> DecodeIncident(const std::string& json);

// The delivery's fixed part; status, attempts and last_* live beside it in
// the delivery's hash and are filled in by the store.
std::string EncodeDelivery(const ports::Delivery& delivery);
absl::StatusOr<ports::Delivery> DecodeDelivery(const std::string& json);

// Silences (in the silences hash).
std::string EncodeSilence(const domain::Silence& silence);
absl::StatusOr<domain::Silence> DecodeSilence(const std::string& json);

// Kept muted alerts (in the muted hash).
std::string EncodeMutedAlert(const ports::MutedAlert& muted);
absl::StatusOr<ports::MutedAlert> DecodeMutedAlert(const std::string& json);

}  // namespace sqms::alerts::adapters
