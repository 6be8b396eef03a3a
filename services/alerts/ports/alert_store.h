#pragma once
// What the use cases need from storage (Redis in production:
// adapters/redis_alert_store.h; an in-memory fake for unit tests). Every
// incident change is ONE atomic write: the document, compare-and-set on its
// version, together with its deliveries, its timers, its events for
// sqms.incidents.v1 and its group index — so an acknowledgement and an
// escalation of one incident can never both win, and nothing is ever
// half-written.
// Plans changed through UpsertPlan are stored here too, each change one
// compare-and-set on the plan's version (WritePlan); and the plans last in
// force, so an open incident keeps its plan after the configuration lost it
// (app/plan_changes.h, "Retired plans").

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/alerts/domain/alert.h"
#include "services/alerts/domain/plan.h"
#include "services/alerts/domain/silence.h"
#include "services/alerts/ports/incident.h"
#include "sqms/runtime/page_token.h"

namespace sqms::alerts::ports {

// Kinds of sqms.incidents.v1 events a write publishes (the store encodes
// them from the written document).
enum class IncidentEventKind {
  kOpened, kEscalated, kAcknowledged, kMitigating, kResolved, kClosed, kStepCompleted, kAlertAdded
};

struct TimerChange {
  std::string id;  // timer id, e.g. "esc|<incident>|<seq>"
  absl::Time due;  // ignored for cancellations
};

struct IncidentWrite {
  Incident incident;          // the new document; its version is set by the store
  int64_t expected_version = 0;  // 0: create (refused when the id exists)
  std::vector<Delivery> deliveries;  // new; each gets timer "dlv|<id>" due now
  std::vector<TimerChange> schedule;  // ZADD
  std::vector<std::string> cancel;    // ZREM
  std::vector<IncidentEventKind> events;
  std::string actor = "system";       // for the events
  // Point group_key at this incident; refused (kGroupTaken) when it points
  // at another one.
  bool claim_group = false;
  bool release_group = false;  // remove the group key if it points here
  // Pages (delivery ids) the decision took as not sent yet: pending and
  // never claimed when it read them. The write is refused (kConflict) when
  // any of them has been claimed since: the dispatcher started sending it
  // while the decision assumed it never would (changes::PagedTiers).
  std::vector<std::string> unclaimed_pages;
  // A command's request id: when already recorded the write is not applied
  // (kReplayed); otherwise recorded with it (kept 8 days). Which command an id
  // belongs to is settled before, by BindRequest.
  std::string request_id;
};

enum class WriteOutcome { kWritten, kConflict, kGroupTaken, kReplayed };

// The outcome of claiming a delivery for sending.
struct DeliveryClaim {
  enum class Kind { kClaimed, kCancelled, kDone } kind = Kind::kDone;
  Delivery delivery;  // after the claim (attempts counted)
  Incident incident;  // kClaimed: the incident as it is now
};

// List's order: newest opened first, then by id, both descending. An
// incident's position in it is (opened_at in Unix ms, id), the position a
// ListIncidents page token holds.
inline runtime::PagePosition ListPosition(const Incident& i) {
  return {absl::ToUnixMillis(i.opened_at), i.id};
}

struct ListFilter {
  bool active_only = false;
  std::string plan_id;   // "" = any
  int limit = 100;
  // Only the incidents after this position (the last of a page before);
  // nullopt: from the newest.
  std::optional<runtime::PagePosition> after;
};

// A plan changed through UpsertPlan, as stored.
struct StoredPlan {
  std::string id;
  int64_t version = 0;
  // The fingerprint of the config file's plan the change was made over; ""
  // when the file had no such plan (domain/plan_source.h).
  std::string seed;
  domain::Plan plan;  // at `version`; only id and version when `problem`
  // Non-empty: the stored document does not decode into a plan (why).
  std::string problem;
};

// A change of a plan: compare-and-set on the version in force, which the
// store works out by domain::ChoosePlanSource from what it holds and the
// writer's config file plan.
struct PlanWrite {
  domain::Plan plan;  // on kWritten its version is the stored one
  int64_t expected_version = 0;  // the version in force the change was decided on; 0: create
  int64_t config_version = 0;    // the writer's config file plan of this id; 0: none
  std::string config_seed;       // its fingerprint (stored as the plan's seed)
  int64_t current_version = 0;   // out, on kConflict: the version in force
};

// A firing alert muted for one plan or more, from a source that does not
// re-send it (app/alert_processor.h, "Kept muted alerts"): kept until its
// mutes end, then decided again; dropped when it resolves. One per
// fingerprint (a newer one with the same labels replaces it).
struct MutedAlert {
  std::string fingerprint;
  domain::Alert alert;
  struct Mute {
    std::string plan_id;
    std::string silence_id;    // muted by this silence, or
    std::string inhibited_by;  // by this active incident
  };
  std::vector<Mute> mutes;  // at least one
  absl::Time kept_at;
};

// How much later than a resolution's end a firing must have started for
// that resolution to leave it be: kept (AlertStore::DropResolved), or
// firing in an incident (app/alert_processor.h). Host clocks may disagree
// by less than this, so a firing's own resolution always ends it.
inline constexpr absl::Duration kNewerFiringMargin = absl::Seconds(5);

// Whether a firing that started at `started` is newer than a resolution
// that ended at `ended` (kNewerFiringMargin). False when either is unknown:
// the resolution ends it.
inline bool StartedAfterEnd(absl::Time started, absl::Time ended) {
  return domain::IsFinite(started) && domain::IsFinite(ended) &&
         started > ended + kNewerFiringMargin;
}

class AlertStore {
 public:
  virtual ~AlertStore() = default;

  virtual absl::StatusOr<std::optional<Incident>> Get(const std::string& id) = 0;
  // The incident the group key points at ("" when none).
  virtual absl::StatusOr<std::string> FindGroup(const std::string& group_key) = 0;
  // In List's order (ListPosition), at most filter.limit, of
  // filter.plan_id when set, after filter.after when set, however far back
  // in the history they are.
  virtual absl::StatusOr<std::vector<Incident>> List(const ListFilter& filter) = 0;
  // Applies `write` atomically (see IncidentWrite). On kWritten,
  // write.incident.version is the stored version.
  virtual absl::StatusOr<WriteOutcome> Write(IncidentWrite& write) = 0;

  // Deliveries. Claim: a pending delivery gets attempts + 1 and its timer
  // moved to `retry_at` (the safety net should this process die sending);
  // a page whose incident is no longer triggered is cancelled instead, in
  // the same atomic step — so no page is started after an acknowledgement
  // was written. Done: it is not pending (or gone).
  virtual absl::StatusOr<std::optional<Delivery>> GetDelivery(const std::string& id) = 0;
  virtual absl::StatusOr<DeliveryClaim> ClaimDelivery(const std::string& id,
                                                      absl::Time retry_at) = 0;
  // Records an attempt's result: status "delivered" / "failed" remove the
  // timer; "pending" moves it to `retry_at`. Nothing is recorded over
  // "delivered". An attempt's result that comes after a later claim (its
  // process stalled past the safety net, which let another attempt go) is
  // recorded only if "delivered": the target got it, whichever attempt
  // says so; a failure or retry is the latest attempt's to decide.
  virtual absl::Status RecordAttempt(const Delivery& after, absl::Time retry_at) = 0;

  // Silences, by id: every one put and not pruned, expired ones included.
  // PutSilence writes `silence` over the one with its id (an expiry).
  virtual absl::Status PutSilence(const domain::Silence& silence) = 0;
  // Stores `silence` unless one with its id is stored, in one atomic step,
  // and returns the one stored: `silence`, or the one already there. So
  // racing attempts of one CreateSilence answer alike, and a late attempt
  // never brings back, unexpired, a silence expired meanwhile.
  virtual absl::StatusOr<domain::Silence> AddSilence(const domain::Silence& silence) = 0;
  virtual absl::StatusOr<std::vector<domain::Silence>> ListSilences() = 0;
  // Deletes the silences that ended before `ended_before`, except one put
  // again meanwhile; returns how many it deleted.
  virtual absl::StatusOr<int> PruneSilences(absl::Time ended_before) = 0;

  // Alerts already handled: the recorded answer for `alert_id`, or nullopt.
  // MarkSeen records it, replacing an earlier answer (an alert muted before
  // is decided again on its next delivery: app/alert_processor.h).
  virtual absl::StatusOr<std::optional<std::string>> Seen(const std::string& alert_id) = 0;
  virtual absl::Status MarkSeen(const std::string& alert_id, const std::string& answer) = 0;

  // Kept muted alerts, by fingerprint. KeepMuted stores `muted` (replacing
  // the one of its fingerprint) and, in the same atomic step, puts its
  // durable timer "muted|<fingerprint>" at `due` — or removes the timer
  // when `due` is InfiniteFuture (a mute with no known end: an inhibiting
  // incident, whose resolution wakes it) — unless a resolution of its
  // fingerprint that ended at or after muted.alert.at was recorded
  // (DropResolved): handled first, that resolution ends this firing (both
  // delivered at once to two replicas, or the firing one late). True when
  // kept; false, and nothing written, when so ended.
  virtual absl::StatusOr<bool> KeepMuted(const MutedAlert& muted, absl::Time due) = 0;
  // KeepMuted in one step with the check that the alert kept under its
  // fingerprint is still this one (its id is muted.alert.id: a kept alert
  // comes from a source whose ids name one firing — a Kafka event, a
  // RaiseAlert request, whose retry keeps its id); false, and nothing
  // written, when none is kept (its resolution dropped it after it was
  // read: a decision made again from that copy must not bring it back) or
  // another is (a newer firing of the same labels, kept since: the old
  // copy must not replace it).
  virtual absl::StatusOr<bool> KeepMutedIfKept(const MutedAlert& muted, absl::Time due) = 0;
  virtual absl::StatusOr<std::optional<MutedAlert>> GetMuted(const std::string& fingerprint) = 0;
  virtual absl::StatusOr<std::vector<MutedAlert>> ListMuted() = 0;
  // Removes the kept alert `fingerprint` and its timer in one step if it is
  // the alert `alert_id`; OK, and nothing removed, when none is kept or
  // another is (a newer firing of the same labels, kept after this one's
  // decision was read).
  virtual absl::Status DropMuted(const std::string& fingerprint, const std::string& alert_id) = 0;
  // The latest end of the alert `fingerprint` that DropResolved recorded
  // (kept 8 days); InfinitePast when none is.
  virtual absl::StatusOr<absl::Time> RecordedEnd(const std::string& fingerprint) = 0;
  // The resolution of the alert `fingerprint`, which ended at `ended_at`:
  // removes the kept alert and its timer, unless it started after that end
  // (StartedAfterEnd: a new firing, kept before this older resolution was
  // handled), and in the same step records for 8 days that the alert
  // ended then (the latest recorded end stays), which KeepMuted checks.
  // With `ended_at` not finite: removes whatever is kept, records nothing.
  virtual absl::Status DropResolved(const std::string& fingerprint, absl::Time ended_at) = 0;
  // Moves the timer of the kept alert `fingerprint` to `at` in one step
  // with the check that it is kept; nothing when it is not (a wake-up
  // never brings back an alert dropped meanwhile).
  virtual absl::Status WakeMuted(const std::string& fingerprint, absl::Time at) = 0;

  // Request ids (app/request_ids.h): binds `request_id` to `fingerprint`
  // (a hash of the command it came with) unless it is bound already — one
  // atomic step — and returns the fingerprint it is bound to: `fingerprint`
  // itself for the first use and for a retry of the same command, another
  // one when the id came with a different command before. A binding is
  // never replaced; it is kept 8 days and an hour, longer than anything
  // recorded under a request id alone (a command record and a RaiseAlert
  // answer, 8 days: a retry within them gets the first outcome; drills,
  // kept for good, and silences, kept at least 8 days after they end, are
  // found by the request id and the command together), so no record is
  // ever read on behalf of a command it does not belong to.
  virtual absl::StatusOr<std::string> BindRequest(const std::string& request_id,
                                                  const std::string& fingerprint) = 0;

  // Counting triggers: adds `member` (an alert's fingerprint) at `at` to
  // the window `key` with the complaint id of its alert (`complaint_id`; ""
  // when it has none), drops the members older than newest − within (newest:
  // the latest time in the window, `at` included) together with their
  // complaint ids, and returns how many members remain — one atomic step.
  // So the members counted always lie within `within` of each other, also
  // when `at` is not the latest (an alert kept while muted and decided
  // again hours later, at its own time). A member older than newest −
  // within is too late for the window: it is not added, nothing changes,
  // and the answer is 0. Idempotent per member: a member counted again
  // counts once, at its latest `at`, with its latest complaint id. A window and its
  // complaint ids are kept no longer than `within` after its last Count
  // (memory is bounded by the members inside the window). The member stays
  // the fingerprint and the complaint id is kept beside it (in Redis a hash
  // member → complaint id next to the window's sorted set, alert_keys.h).
  virtual absl::StatusOr<int> Count(const std::string& key, const std::string& member,
                                    const std::string& complaint_id, absl::Time at,
                                    absl::Duration within) = 0;
  // The complaint ids of the members of window `key` still inside it at
  // `at` (counted at or after at − within): oldest member first (members of
  // one time by member, as Redis orders them), each id once (at its oldest
  // member), members without one skipped; at most `limit`. Only reads: what
  // an incident a counting trigger opens links (app/alert_processor.h).
  virtual absl::StatusOr<std::vector<std::string>> CountedComplaints(const std::string& key,
                                                                     absl::Time at,
                                                                     absl::Duration within,
                                                                     size_t limit) = 0;

  // Plans changed through UpsertPlan (the config file's are not stored
  // until changed), by id; one that does not decode comes with `problem`.
  virtual absl::StatusOr<std::vector<StoredPlan>> ListPlans() = 0;
  // One atomic step: the version in force (domain::ChoosePlanSource of the
  // writer's config plan and the stored one) must be write.expected_version
  // — else kConflict, nothing changed, write.current_version set. Then the
  // plan is stored at expected_version + 1 with seed write.config_seed and
  // write.plan.version set to it (kWritten). Plans are never removed.
  virtual absl::StatusOr<WriteOutcome> WritePlan(PlanWrite& write) = 0;

  // The last known plans: each plan as a replica last installed it in force
  // (app::PlanChanges), by id, kept apart from the plans above. `seed` is
  // unused (""); one that does not decode comes with `problem`.
  virtual absl::StatusOr<std::vector<StoredPlan>> ListKnownPlans() = 0;
  // Records `plan` (at its version) as the last known plan of its id,
  // replacing the one recorded before, whatever its version.
  virtual absl::Status PutKnownPlan(const domain::Plan& plan) = 0;
  // Forgets the last known plan `id`; OK when there is none.
  virtual absl::Status DropKnownPlan(const std::string& id) = 0;
};

}  // namespace sqms::alerts::ports
