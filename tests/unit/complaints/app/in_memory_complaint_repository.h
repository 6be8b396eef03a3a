#pragma once
// ports::ComplaintRepository in memory, with the semantics of the Redis
// store (adapters/redis_complaint_repository.cc, redis_scripts.cc) so the use
// cases can be tested without Redis:
//  - Reserve: binds an idempotency scope to (fingerprint, id) unless bound
//    (until its TTL on the injected clock).
//  - Create: replay when the id exists with the same idempotency scope
//    (another existing id is ABORTED, a collision), then the duplicate
//    check (the fingerprint's first complaint must equal expected_first, else
//    kDuplicateRaced with what the store has); the dedup key is set only by
//    the first complaint (expected_first ""), expiring after its TTL.
//  - Update: a recorded request id changes nothing (false); else
//    compare-and-set on the stored version (false = lost); NOT_FOUND
//    when absent; audit entries newer than expected_version are appended; the
//    complaint's timers are replaced; the request id, if any, is recorded
//    with the complaint after the change until request_ttl.
//  - The stored record has no audit trail: Get(with_audit=false) and List
//    return none, Get(with_audit=true) the whole trail.
//  - Timers: a multimap (at → "<id>|<target digit>|r|b"), due when at <= now.
//    Not part of the port: runtime::DurableTimers owns the Redis timer sets;
//    DueTimers/DropTimer below let a test play its loop (DropTimer removes
//    only what no write re-set since DueTimers, like its completion).
//  - List: by (received_at, id), every filter of ListQuery, the store's
//    page tokens (adapters/list_page_token.h: bound to their query;
//    INVALID_ARGUMENT "page_token" for a foreign one or another query's).
//  - Ids: "CMP-<n>" from NewId; any other id is INVALID_ARGUMENT "id".
//  - The asynchronous operations call back inline, on the calling thread,
//    before they return (allowed by the port); the blocking forms are the
//    port's (async + wait).
// Test hooks: SetDown() makes every call fail (e.g. UNAVAILABLE);
// BeforeNext() runs an action (a concurrent writer) right before the next
// call of one operation. Every write is recorded for assertions.
//
// Thread-safe. Hooks run without the lock held, so they may call back in.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/complaints/ports/complaint_repository.h"
#include "sqms/runtime/clock.h"

namespace sqms::complaints::app::testing {

class InMemoryComplaintRepository final : public ports::ComplaintRepository {
 public:
  enum class Op { kNewId, kCreate, kGet, kUpdate, kList, kDueTimers, kDropTimer, kReserve,
                  kFindRequest, kCount };

  // An outbox entry: the event and the complaint's state it was written with.
  struct OutboxEntry {
    ports::PendingEvent event;
    domain::Complaint snapshot;  // without audit
    std::string complainant_key;
  };

  // `clock` (for key TTLs) must outlive the repository.
  explicit InMemoryComplaintRepository(const runtime::Clock& clock);

  std::string NewId(const std::string& seed, absl::Time now) override;
  void ReserveAsync(const std::string& scope, const std::string& request_fingerprint,
                    const std::string& complaint_id, absl::Duration ttl,
                    ports::Done<ports::IdempotencyReservation> done) override {
    done(ReserveNow(scope, request_fingerprint, complaint_id, ttl));
  }
  void CreateAsync(const ports::NewComplaint& complaint,
                   ports::Done<ports::CreateResult> done) override {
    done(CreateNow(complaint));
  }
  void GetAsync(const std::string& id, bool with_audit,
                ports::Done<domain::Complaint> done) override {
    done(GetNow(id, with_audit));
  }
  absl::StatusOr<bool> Update(const ports::ComplaintUpdate& update) override;
  absl::StatusOr<std::optional<ports::RecordedRequest>> FindRequest(
      const std::string& id, const std::string& request_id) override;
  absl::StatusOr<ports::ListPage> List(const ports::ListQuery& query) override;
  // Counted from the records at each call (the store keeps running counts).
  absl::StatusOr<ports::StatusCounts> CountByStatusAndPriority() override;

  // --- The timer set, as runtime::DurableTimers would see it ---

  struct DueTimer {
    std::string complaint_id;
    std::string member;
    absl::Time at;
    int64_t generation = 0;  // of the complaint's timers when seen
  };
  // Timers due at `now` (at most `limit`), oldest first.
  absl::StatusOr<std::vector<DueTimer>> DueTimers(absl::Time now, int limit);
  // Removes `timer` unless the complaint's timers were rewritten since.
  absl::Status DropTimer(const DueTimer& timer);

  // --- Test hooks ---

  // While `status` is not OK every call (but NewId) answers it and changes
  // nothing; OkStatus() brings the store back.
  void SetDown(absl::Status status);
  // Runs `action` once, right before the next call of `op` does its work
  // (the lock is not held: `action` may use this repository, e.g. to write
  // concurrently). The hook is consumed before `action` runs.
  void BeforeNext(Op op, std::function<void()> action);
  // Another writer changes `id`: version + 1, a "note" audit entry and its
  // timers re-set, as a committed command would. NOT_FOUND when absent.
  absl::Status SimulateConcurrentWrite(const std::string& id);
  // Plants a timer as if an older version of the complaint had set it.
  void PlantTimer(const std::string& id, domain::SlaTarget target, bool breach, absl::Time at);

  // --- Inspection ---

  int creates() const;  // successful Create calls (kCreated)
  int updates() const;  // successful Update calls
  std::vector<OutboxEntry> outbox() const;
  // The timer members of the store, oldest first: (at, member).
  std::vector<std::pair<absl::Time, std::string>> timers() const;
  // The stored complainant key and fingerprint of `id` ("" when absent).
  std::string ComplainantKeyOf(const std::string& id) const;
  std::string FingerprintOf(const std::string& id) const;

 private:
  struct Record {
    domain::Complaint complaint;  // audit kept apart, as in the store
    std::vector<domain::AuditEntry> audit;
    std::string complainant_key;
    std::string fingerprint;
    std::string idempotency_scope;
  };
  struct Recorded {
    ports::RecordedRequest request;
    absl::Time expires;
  };
  struct Key {
    std::string value;
    absl::Time expires;
  };

  absl::StatusOr<ports::IdempotencyReservation> ReserveNow(const std::string& scope,
                                                           const std::string& request_fingerprint,
                                                           const std::string& complaint_id,
                                                           absl::Duration ttl);
  absl::StatusOr<ports::CreateResult> CreateNow(const ports::NewComplaint& complaint);
  absl::StatusOr<domain::Complaint> GetNow(const std::string& id, bool with_audit);

  // Runs the armed hook for `op`, then answers the injected fault if any.
  absl::Status Enter(Op op);
  // The value of an unexpired key, or "".
  std::string Live(const std::map<std::string, Key>& keys, const std::string& key) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReplaceTimers(const std::string& id, const std::vector<domain::SlaTimer>& timers)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The events go to the outbox with the record's state after the write.
  void AppendOutbox(const Record& record, const std::vector<ports::PendingEvent>& events)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool Matches(const ports::ListQuery& q, const Record& r) const;

  const runtime::Clock& clock_;
  mutable absl::Mutex mu_;
  absl::Status down_ ABSL_GUARDED_BY(mu_);
  std::map<Op, std::function<void()>> hooks_ ABSL_GUARDED_BY(mu_);
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<std::string, Record> records_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Key> idempotency_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Key> dedup_ ABSL_GUARDED_BY(mu_);
  // "<complaint id>\n<request id>" → its first outcome.
  std::map<std::string, Recorded> requests_ ABSL_GUARDED_BY(mu_);
  std::multimap<absl::Time, std::string> timers_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> timer_generation_ ABSL_GUARDED_BY(mu_);  // by id
  std::vector<OutboxEntry> outbox_ ABSL_GUARDED_BY(mu_);
  int creates_ ABSL_GUARDED_BY(mu_) = 0;
  int updates_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sqms::complaints::app::testing
