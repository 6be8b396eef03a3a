#pragma once
// ports::IncidentRegistry on Redis (key schema: redis_keys.h): one hash of
// active incidents and an "ended" marker per incident, in one cluster slot,
// each change one Lua script.

#include <string>
#include <vector>

#include "services/complaints/adapters/redis_keys.h"
#include "services/complaints/ports/incident_registry.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::complaints::adapters {

class RedisIncidentRegistry final : public ports::IncidentRegistry {
 public:
  // `ended_ttl`: how long an ended incident is remembered (longer than any
  // redelivery of its events can take).
  RedisIncidentRegistry(runtime::RedisClient& redis, const RedisKeys& keys,
                        absl::Duration ended_ttl = absl::Hours(24 * 7));

  absl::Status Activate(const domain::ActiveIncident& incident) override;
  absl::Status End(const std::string& incident_id) override;
  absl::StatusOr<std::vector<domain::ActiveIncident>> Active() override;

 private:
  runtime::RedisClient& redis_;
  const RedisKeys& keys_;
  absl::Duration ended_ttl_;
};

}  // namespace sqms::complaints::adapters
