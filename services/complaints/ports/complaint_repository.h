#pragma once
// What the use cases need from storage. The Redis implementation
// (adapters/redis_complaint_repository.h) makes every write atomic together
// with its outbox events and SLA timers (architecture.md: transactional
// outbox), so an acknowledged write is never lost and its events always
// reach Kafka.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/complaints/domain/lifecycle.h"
#include "services/complaints/domain/model.h"

namespace sqms::complaints::ports {

// An event ready for the outbox; the store encodes it with the complaint's
// state after the change and gives it to the relay.
struct PendingEvent {
  std::string event_id;
  domain::Event event;
};

struct NewComplaint {
  domain::Complaint complaint;       // version 1, with its first audit entries
  std::vector<PendingEvent> events;
  std::vector<domain::SlaTimer> timers;
  std::string complainant_key;       // keyed hash; "" when anonymous
  std::string fingerprint;           // dedup key; "" = no dedup (anonymous)
  // The first complaint the caller believes `fingerprint` has ("" = none).
  // If the store has another, Create answers kDuplicateRaced with it and the
  // caller retries linked to it: one round trip for the usual submission.
  std::string expected_first;
  absl::Duration duplicate_window;
  // With an idempotency key: the Reserve()d key. Create answers kReplayed
  // when a complaint with this id and key exists (an earlier attempt of the
  // same request got there).
  std::string idempotency_scope;     // "" = no idempotency key
};

enum class CreateOutcome { kCreated, kReplayed, kDuplicateRaced };

// What an idempotency key is bound to: the first request's fingerprint and
// the id its complaint has (or will have).
struct IdempotencyReservation {
  std::string request_fingerprint;
  std::string complaint_id;
  bool reserved_now = false;         // false: an earlier request holds the key
};

// The first outcome of a lifecycle command with a request id.
struct RecordedRequest {
  std::string request_fingerprint;
  domain::Complaint complaint;       // as that command left it (no audit)
};
struct CreateResult {
  CreateOutcome outcome = CreateOutcome::kCreated;
  std::string id;                    // kReplayed: the original complaint
  std::string first_duplicate_id;    // kDuplicateRaced: what the store has
};

struct ComplaintUpdate {
  domain::Complaint complaint;       // after the change (version bumped)
  int64_t expected_version = 0;      // the version it was loaded at
  std::vector<PendingEvent> events;
  std::vector<domain::SlaTimer> timers;  // replaces the complaint's timers
  std::string complainant_key;
  // AIP-155 request id ("" = none): recorded with its fingerprint and the
  // complaint after the change in the same atomic write, kept request_ttl.
  // A write whose request id is recorded already changes nothing (false).
  std::string request_id;
  std::string request_fingerprint;
  absl::Duration request_ttl = absl::Hours(24);
};

// kReceived: by (received_at, id), every complaint. kNextDue: by (next due
// time, id) — domain::NextDue — only complaints that have one (not closed,
// a deadline not met): a queue, most urgent first. A page token belongs to
// its order.
enum class ListOrder { kReceived, kNextDue };

struct ListQuery {
  std::vector<domain::Status> statuses;
  std::vector<domain::Category> categories;
  std::vector<domain::Priority> priorities;
  std::string department;
  domain::Channel channel = domain::Channel::kUnspecified;
  std::string region;
  std::string station;
  // On received_at, which is whole milliseconds (ComplaintService::Now);
  // a bound may be finer.
  std::optional<absl::Time> created_after;   // inclusive
  std::optional<absl::Time> created_before;  // exclusive
  bool sla_breached_only = false;
  std::string assignee;        // "" = any; the rpc layer has resolved "me"
  bool sla_at_risk_only = false;  // domain::SlaClock::AnyAtRisk
  bool escalated_only = false;    // escalation_level > 0
  // The caller's history: the request's phone, which ComplaintService::List
  // turns into `complainant_key` (the keyed hash stored with each complaint)
  // and clears; a store filters on the key only and never sees the phone.
  std::string complainant_phone;
  std::string complainant_key;               // "" = any
  // Complaints linked to this incident as a known issue ("" = any).
  std::string incident_id;
  ListOrder order = ListOrder::kReceived;
  int page_size = 50;
  std::string page_token;                    // opaque, from ListPage
};

struct ListPage {
  std::vector<domain::Complaint> complaints;  // in the query's order
  std::string next_page_token;                // "" = end
};

// How many complaints the store holds per (status, priority), closed ones
// included; a pair with none may be absent. Kept with every write, so
// reading it never scans complaints.
using StatusCounts = std::map<std::pair<domain::Status, domain::Priority>, int64_t>;

// Thread-safe. Every method returns UNAVAILABLE when the store is down, and
// INVALID_ARGUMENT for a malformed id or page token.
//
// The operations of a submission (Reserve, Create, and Get for a replay)
// come in two forms with one meaning and one implementation:
//  - XAsync(..., done): starts the operation and returns without waiting;
//    `done` runs exactly once with what the blocking form would return.
//    It runs on the store's I/O thread (the Redis client's: it must not
//    block, nor call the blocking forms; it may start further XAsync
//    operations), or on the calling thread before XAsync returns when the
//    operation fails before it is sent or the store answers at once (the
//    in-memory fake always does). The arguments are read before XAsync
//    returns; the store keeps no reference to them.
//  - X(...): XAsync plus a wait for `done`. Blocks the calling thread for
//    the round trip: never call it from the store's I/O thread.
// Failures are the same in both: UNAVAILABLE (did not run, may be retried),
// DEADLINE_EXCEEDED (the outcome is unknown: it may have run), INTERNAL,
// and what each operation names below.
template <typename T>
using Done = std::function<void(absl::StatusOr<T>)>;

class ComplaintRepository {
 public:
  virtual ~ComplaintRepository() = default;

  // Storage shards follow from a seed: the dedup fingerprint, else the
  // idempotency scope, else anything random. The dedup key and complaint of
  // one submission thus live together (one cluster slot). An empty seed
  // means "any shard". Idempotency keys live apart (Reserve).
  static std::string ShardSeed(const std::string& fingerprint,
                               const std::string& idempotency_scope) {
    return fingerprint.empty() ? idempotency_scope : fingerprint;
  }

  // A new id in the shard of `seed`.
  virtual std::string NewId(const std::string& seed, absl::Time now) = 0;
  // Binds the idempotency key `scope` (subject + key; located by the key
  // alone, whatever the shard count) to (`request_fingerprint`,
  // `complaint_id`) for `ttl`, unless it is bound already: then returns
  // the binding held (reserved_now false). Atomic. The reservation comes
  // before Create, so a crash between the two leaves a key whose retry
  // creates the complaint under the reserved id (docs/api.md, "Retries").
  virtual void ReserveAsync(const std::string& scope, const std::string& request_fingerprint,
                            const std::string& complaint_id, absl::Duration ttl,
                            Done<IdempotencyReservation> done) = 0;
  absl::StatusOr<IdempotencyReservation> Reserve(const std::string& scope,
                                                 const std::string& request_fingerprint,
                                                 const std::string& complaint_id,
                                                 absl::Duration ttl);
  // Atomic: replay check (this id with this idempotency scope exists),
  // duplicate check on the fingerprint, complaint + indexes + timers +
  // outbox events. `complaint.complaint.id` must come from NewId(seed).
  // ABORTED on an id collision (another complaint has the id).
  virtual void CreateAsync(const NewComplaint& complaint, Done<CreateResult> done) = 0;
  absl::StatusOr<CreateResult> Create(const NewComplaint& complaint);
  // NOT_FOUND when absent. With the whole audit trail when `with_audit`.
  virtual void GetAsync(const std::string& id, bool with_audit,
                        Done<domain::Complaint> done) = 0;
  absl::StatusOr<domain::Complaint> Get(const std::string& id, bool with_audit);
  // Atomic compare-and-set on expected_version; false = someone else won
  // (or update.request_id is recorded already: see FindRequest).
  virtual absl::StatusOr<bool> Update(const ComplaintUpdate& update) = 0;
  // The recorded outcome of `request_id` on complaint `id` (nullopt: none
  // within the request TTL).
  virtual absl::StatusOr<std::optional<RecordedRequest>> FindRequest(
      const std::string& id, const std::string& request_id) = 0;
  virtual absl::StatusOr<ListPage> List(const ListQuery& query) = 0;
  // Counted by the same atomic writes as the complaints themselves: a
  // complaint is in exactly one pair, the one of its last write. Complaints
  // written before the counts existed (an upgrade) are not in them.
  virtual absl::StatusOr<StatusCounts> CountByStatusAndPriority() = 0;
};

}  // namespace sqms::complaints::ports
