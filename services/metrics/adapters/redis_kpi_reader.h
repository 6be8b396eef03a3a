#pragma once
// ports::KpiReader over the window hashes the KpiProcessor writes
// (kpi_keys.h): one HGETALL per window, pipelined. The hashes hold the sum
// of every partition's checkpointed partials, so any replica reads the
// same figures. Thread-safe; blocking (RedisClient::Pipeline).

#include "services/metrics/ports/kpi_reader.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::metrics::adapters {

class RedisKpiReader final : public ports::KpiReader {
 public:
  explicit RedisKpiReader(runtime::RedisClient& redis) : redis_(redis) {}
  absl::StatusOr<std::vector<ports::WindowAggregate>> Read(
      const std::vector<domain::Window>& windows, domain::Dimension dimension,
      bool drill) override;

 private:
  runtime::RedisClient& redis_;
};

}  // namespace sqms::metrics::adapters
