#pragma once
// Identifiers made without coordination between replicas.

#include <string>
#include <string_view>

namespace sqms::runtime {

// A random UUID (version 4), e.g. "3f2b8c1e-9d4a-4c7e-8b1f-0a2d6e5c7b90": the
// id of every event the suite publishes (CloudEvents ce_id), so consumers
// can dedupe on it. Thread-safe; no lock (one generator per thread).
std::string NewEventId();

// A UUID shaped like NewEventId's, version 8 (RFC 9562: custom), made of
// the first 32 hex digits of `hex_digest` (a SHA-256 or HMAC in hex, at
// least 32 digits): the same digest always gives the same id — for an
// event whose sender gave none, so that its retry gets its id again.
std::string EventIdFromDigest(std::string_view hex_digest);

}  // namespace sqms::runtime
