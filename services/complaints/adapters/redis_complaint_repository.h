#pragma once
// ports::ComplaintRepository on Redis (key schema: redis_keys.h, scripts:
// redis_scripts.h). Every write is one Lua script, so the complaint, its
// indexes, its SLA timers and its outbox events commit together or not at
// all; OutboxRelay then moves the events to Kafka.
//
// Thread-safe: all calls go through the shared pipelined RedisClient. The
// asynchronous operations (ReserveAsync, CreateAsync, GetAsync) never block
// and call back on the client's I/O thread (see ports::ComplaintRepository);
// the others block the calling (worker) thread for one round trip.

#include <functional>
#include <string>

#include "services/complaints/adapters/redis_keys.h"
#include "services/complaints/codec/complaint_codec.h"
#include "services/complaints/ports/complaint_repository.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::complaints::adapters {

class RedisComplaintRepository final : public ports::ComplaintRepository {
 public:
  // `on_commit` runs after every successful write (wakes the outbox relay);
  // it must not block. `keys` and `redis` must outlive the repository.
  RedisComplaintRepository(runtime::RedisClient& redis, const RedisKeys& keys,
                           std::string complaints_topic, std::function<void()> on_commit = {});

  std::string NewId(const std::string& seed, absl::Time now) override;
  // SET NX GET on the key's own slot (RedisKeys::Idempotency).
  void ReserveAsync(const std::string& scope, const std::string& request_fingerprint,
                    const std::string& complaint_id, absl::Duration ttl,
                    ports::Done<ports::IdempotencyReservation> done) override;
  // The create script (EVALSHA); `on_commit` runs on the I/O thread before
  // `done` when the complaint was created.
  void CreateAsync(const ports::NewComplaint& complaint,
                   ports::Done<ports::CreateResult> done) override;
  // HGET of the record (and LRANGE of the audit trail), sent together.
  void GetAsync(const std::string& id, bool with_audit,
                ports::Done<domain::Complaint> done) override;
  absl::StatusOr<bool> Update(const ports::ComplaintUpdate& update) override;
  absl::StatusOr<std::optional<ports::RecordedRequest>> FindRequest(
      const std::string& id, const std::string& request_id) override;
  absl::StatusOr<ports::ListPage> List(const ports::ListQuery& query) override;
  // One HGETALL per shard's counts hash, pipelined.
  absl::StatusOr<ports::StatusCounts> CountByStatusAndPriority() override;

 private:
  // Appends the write arguments shared by create and update: the 12 record
  // fields, then audit entries newer than `since_version`, timers, events.
  // AppendFields returns the record's proto, which AppendTail's events take.
  codec::pb::Complaint AppendFields(const domain::Complaint& c,
                                    const std::string& complainant_key,
                                    std::vector<std::string>& args) const;
  void AppendTail(const domain::Complaint& c, codec::pb::Complaint stored, int64_t since_version,
                  const std::vector<domain::SlaTimer>& timers,
                  const std::vector<ports::PendingEvent>& events,
                  const std::string& complainant_key, std::vector<std::string>& args) const;

  runtime::RedisClient& redis_;
  const RedisKeys& keys_;
  std::string topic_;
  std::function<void()> on_commit_;
};

}  // namespace sqms::complaints::adapters
