#pragma once
// Identifiers made without coordination between replicas.

#include <string>

namespace sqms::runtime {

// A random UUID (version 4), e.g. "3f2b8c1e-9d4a-4c7e-8b1f-0a2d6e5c7b90": the
// id of every event the suite publishes (CloudEvents ce_id), so consumers
// can dedupe on it. Thread-safe; no lock (one generator per thread).
std::string NewEventId();

}  // namespace sqms::runtime
