#pragma once
// What the use cases need from storage. The Redis implementation
// (adapters/redis_complaint_repository.h) makes every write atomic together
// with its outbox events and SLA timers (architecture.md: transactional
// outbox), so an acknowledged write is never lost and its events always
// reach Kafka.

#include <cstdint>
#include <optional>
#include <string>
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
  absl::Duration idempotency_ttl;
};

enum class CreateOutcome { kCreated, kReplayed, kDuplicateRaced };
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
};

struct ListQuery {
  std::vector<domain::Status> statuses;
  std::vector<domain::Category> categories;
  std::vector<domain::Priority> priorities;
  std::string department;
  domain::Channel channel = domain::Channel::kUnspecified;
  std::string region;
  std::string station;
  std::optional<absl::Time> created_after;   // inclusive
  std::optional<absl::Time> created_before;  // exclusive
  bool sla_breached_only = false;
  int page_size = 50;
  std::string page_token;                    // opaque, from ListPage
};

struct ListPage {
  std::vector<domain::Complaint> complaints;  // by (received_at, id)
  std::string next_page_token;                // "" = end
};

// Thread-safe. Every method returns UNAVAILABLE when the store is down, and
// INVALID_ARGUMENT for a malformed id or page token.
class ComplaintRepository {
 public:
  virtual ~ComplaintRepository() = default;

  // Storage shards follow from a seed: the dedup fingerprint, else the
  // idempotency key, else anything random. The idempotency key, dedup key
  // and complaint of one submission thus live together (one cluster slot).
  // An empty seed means "any shard".
  static std::string ShardSeed(const std::string& fingerprint,
                               const std::string& idempotency_key) {
    return fingerprint.empty() ? idempotency_key : fingerprint;
  }

  // A new id in the shard of `seed`.
  virtual std::string NewId(const std::string& seed, absl::Time now) = 0;
  // Atomic: replay check on the idempotency key, duplicate check on the
  // fingerprint, complaint + indexes + timers + outbox events.
  // `complaint.complaint.id` must come from NewId(seed).
  virtual absl::StatusOr<CreateResult> Create(const NewComplaint& complaint) = 0;
  // NOT_FOUND when absent. With the whole audit trail when `with_audit`.
  virtual absl::StatusOr<domain::Complaint> Get(const std::string& id, bool with_audit) = 0;
  // Atomic compare-and-set on expected_version; false = someone else won.
  virtual absl::StatusOr<bool> Update(const ComplaintUpdate& update) = 0;
  virtual absl::StatusOr<ListPage> List(const ListQuery& query) = 0;
};

}  // namespace sqms::complaints::ports
