#pragma once
// ports::AlertStore in memory, for the app's unit tests. It keeps the
// port's contract as RedisAlertStore does (tests/support/alerts/
// alert_store_contract.h runs the same checks on both): one Write is one
// atomic step under one mutex — replay by request id first, then the
// compare-and-set on the version and the pages that must still be
// unclaimed, then the group claim — and the request
// ids share the "seen" records (Seen("cmd|<request id>")), as in Redis.
//
// What Redis keeps in its sorted sets and stream is open to tests: the
// durable timers (esc|, ackx|, quiet|, dlv|, muted|, unmute| → due) so a test can fire them, and
// the events every write queued for sqms.incidents.v1, in order.
//
// Plans are kept as domain::Plan values (nothing to decode, so a stored
// plan never comes back with a `problem`); the version in force is
// domain::ChoosePlanSource's, as in the Redis script.
//
// Not modelled: the 24 h / 7 day / 8 day expiry of request ids, seen
// records, request id bindings and recorded ends of alerts, the real-time expiry of a counting
// window's key, the delivery attempt log. Times are kept as given (Redis rounds them to
// milliseconds; the counting window is computed in milliseconds here too).
//
// Thread-safe: every method may be called from any thread.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/alerts/ports/alert_store.h"

namespace sqms::alerts::testing {

// One entry of the outbox: what a write queued for sqms.incidents.v1.
struct QueuedEvent {
  std::string incident_id;
  ports::IncidentEventKind kind;
  std::string actor;
  int64_t version = 0;  // the incident version the write stored
};

class InMemoryAlertStore final : public ports::AlertStore {
 public:
  absl::StatusOr<std::optional<ports::Incident>> Get(const std::string& id) override;
  absl::StatusOr<std::string> FindGroup(const std::string& group_key) override;
  absl::StatusOr<std::vector<ports::Incident>> List(const ports::ListFilter& filter) override;
  absl::StatusOr<ports::WriteOutcome> Write(ports::IncidentWrite& write) override;
  absl::StatusOr<std::optional<ports::Delivery>> GetDelivery(const std::string& id) override;
  absl::StatusOr<ports::DeliveryClaim> ClaimDelivery(const std::string& id,
                                                     absl::Time retry_at) override;
  absl::Status RecordAttempt(const ports::Delivery& after, absl::Time retry_at) override;
  absl::Status PutSilence(const domain::Silence& silence) override;
  absl::StatusOr<domain::Silence> AddSilence(const domain::Silence& silence) override;
  absl::StatusOr<std::vector<domain::Silence>> ListSilences() override;
  absl::StatusOr<int> PruneSilences(absl::Time ended_before) override;
  absl::StatusOr<bool> KeepMuted(const ports::MutedAlert& muted, absl::Time due) override;
  absl::StatusOr<bool> KeepMutedIfKept(const ports::MutedAlert& muted, absl::Time due) override;
  absl::StatusOr<std::optional<ports::MutedAlert>> GetMuted(
      const std::string& fingerprint) override;
  absl::StatusOr<std::vector<ports::MutedAlert>> ListMuted() override;
  absl::Status DropMuted(const std::string& fingerprint, const std::string& alert_id) override;
  absl::StatusOr<absl::Time> RecordedEnd(const std::string& fingerprint) override;
  absl::Status DropResolved(const std::string& fingerprint, absl::Time ended_at) override;
  absl::Status WakeMuted(const std::string& fingerprint, absl::Time at) override;
  absl::StatusOr<std::optional<std::string>> Seen(const std::string& alert_id) override;
  absl::Status MarkSeen(const std::string& alert_id, const std::string& answer) override;
  absl::StatusOr<std::string> BindRequest(const std::string& request_id,
                                          const std::string& fingerprint) override;
  absl::StatusOr<int> Count(const std::string& key, const std::string& member,
                            const std::string& complaint_id, absl::Time at,
                            absl::Duration within) override;
  absl::StatusOr<std::vector<std::string>> CountedComplaints(const std::string& key, absl::Time at,
                                                             absl::Duration within,
                                                             size_t limit) override;
  absl::StatusOr<std::vector<ports::StoredPlan>> ListPlans() override;
  absl::StatusOr<ports::WriteOutcome> WritePlan(ports::PlanWrite& write) override;
  absl::StatusOr<std::vector<ports::StoredPlan>> ListKnownPlans() override;
  absl::Status PutKnownPlan(const domain::Plan& plan) override;
  absl::Status DropKnownPlan(const std::string& id) override;

  // What Redis has forgotten 8 days and an hour on: every request id
  // binding and every record kept under an id (a command's and a raised
  // alert's, 8 days).
  void ExpireRequestBindings();
  // The durable timers (id → due), as the timers' sorted set holds them.
  std::map<std::string, absl::Time> Timers() const;
  // The timers due at `now` (due ≤ now), earliest first.
  std::vector<std::string> DueTimers(absl::Time now) const;
  // What DurableTimers does after a handler returned OK: removes `id` if it
  // is still due at `due` (a write that re-scheduled it keeps it). True if
  // removed.
  bool CompleteTimer(const std::string& id, absl::Time due);

  // Every event queued by a written Write, oldest first.
  std::vector<QueuedEvent> Events() const;
  // The kinds of the events queued for `incident_id`, oldest first.
  std::vector<ports::IncidentEventKind> EventKinds(const std::string& incident_id) const;
  // How many Write calls were applied (kWritten).
  int writes() const;
  // Runs `hook` once, at the start of the next Write, before its
  // compare-and-set: a change another replica makes between a caller's read
  // and its write. The hook may call Write itself.
  void BeforeNextWrite(std::function<void()> hook);
  // Likewise at the start of the next KeepMuted or KeepMutedIfKept.
  void BeforeNextKeep(std::function<void()> hook);

 private:
  // Stores `muted` and puts (or removes) its timer.
  void Keep(const ports::MutedAlert& muted, absl::Time due) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs (and clears) the BeforeNextKeep hook, if any.
  void RunKeepHook() ABSL_LOCKS_EXCLUDED(mu_);

  mutable absl::Mutex mu_;
  std::map<std::string, ports::Incident> incidents_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> active_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> groups_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> seen_ ABSL_GUARDED_BY(mu_);  // alert ids and "cmd|<req>"
  std::map<std::string, std::string> requests_ ABSL_GUARDED_BY(mu_);  // request id → fingerprint
  std::map<std::string, ports::Delivery> deliveries_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, absl::Time> timers_ ABSL_GUARDED_BY(mu_);
  std::vector<QueuedEvent> events_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, domain::Silence> silences_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, ports::MutedAlert> muted_ ABSL_GUARDED_BY(mu_);  // by fingerprint
  std::map<std::string, absl::Time> ended_ ABSL_GUARDED_BY(mu_);  // DropResolved, by fingerprint
  // A counting window's member: its score (Unix ms) and complaint id.
  struct Counted {
    int64_t at_ms = 0;
    std::string complaint_id;  // "" = none
  };
  // window key → member → what it was counted with.
  std::map<std::string, std::map<std::string, Counted>> windows_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, ports::StoredPlan> plans_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, domain::Plan> known_plans_ ABSL_GUARDED_BY(mu_);
  int writes_ ABSL_GUARDED_BY(mu_) = 0;
  std::function<void()> before_next_write_ ABSL_GUARDED_BY(mu_);
  std::function<void()> before_next_keep_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sqms::alerts::testing
