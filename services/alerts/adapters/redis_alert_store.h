#pragma once
// ports::AlertStore on Redis (one node or a cluster: every key carries the
// {sqms:alerts} hash tag, alert_keys.h). Each incident change is one Lua
// script: compare-and-set on the incident's version, then the document, the
// indexes, the deliveries and their timers, the escalation timers and the
// outbox entries for sqms.incidents.v1 — all or nothing. The acknowledgement
// and the escalation of one incident are two such scripts; Redis runs them
// one after the other, so exactly one of them sees the version it read.
// A plan change is one script too: compare-and-set on the version in force
// (domain/plan_source.h), then the plan (redis_alert_store_plans.cc).
// A kept muted alert and its timer: one script (redis_alert_store_muted.cc).
// A counting trigger's window and the complaint ids of its members: one
// script per Count, trimming both (redis_alert_store_count.cc).
//
// Threads: any, except the Redis client's I/O thread (calls block).

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "services/alerts/ports/alert_store.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::alerts::adapters {

class RedisAlertStore final : public ports::AlertStore {
 public:
  // `incidents_topic`: where the outbox entries go (sqms.incidents.v1).
  // `wake_relay` runs after a write that queued events. Borrows `redis`.
  RedisAlertStore(runtime::RedisClient& redis, std::string incidents_topic,
                  std::function<void()> wake_relay);

  absl::StatusOr<std::optional<ports::Incident>> Get(const std::string& id) override;
  absl::StatusOr<std::string> FindGroup(const std::string& group_key) override;
  absl::StatusOr<std::vector<ports::Incident>> List(const ports::ListFilter& filter) override;
  absl::StatusOr<ports::WriteOutcome> Write(ports::IncidentWrite& write) override;
  absl::StatusOr<std::optional<ports::Delivery>> GetDelivery(const std::string& id) override;
  absl::StatusOr<ports::DeliveryClaim> ClaimDelivery(const std::string& id,
                                                     absl::Time retry_at) override;
  absl::Status RecordAttempt(const ports::Delivery& after, absl::Time retry_at) override;
  // redis_alert_store_silences.cc
  absl::Status PutSilence(const domain::Silence& silence) override;
  absl::StatusOr<domain::Silence> AddSilence(const domain::Silence& silence) override;
  absl::StatusOr<std::vector<domain::Silence>> ListSilences() override;
  absl::StatusOr<int> PruneSilences(absl::Time ended_before) override;
  // redis_alert_store_muted.cc
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
  // redis_alert_store_count.cc
  absl::StatusOr<int> Count(const std::string& key, const std::string& member,
                            const std::string& complaint_id, absl::Time at,
                            absl::Duration within) override;
  absl::StatusOr<std::vector<std::string>> CountedComplaints(const std::string& key, absl::Time at,
                                                             absl::Duration within,
                                                             size_t limit) override;
  // redis_alert_store_plans.cc
  absl::StatusOr<std::vector<ports::StoredPlan>> ListPlans() override;
  absl::StatusOr<ports::WriteOutcome> WritePlan(ports::PlanWrite& write) override;
  absl::StatusOr<std::vector<ports::StoredPlan>> ListKnownPlans() override;
  absl::Status PutKnownPlan(const domain::Plan& plan) override;
  absl::Status DropKnownPlan(const std::string& id) override;

 private:
  absl::StatusOr<std::vector<ports::Incident>> Load(const std::vector<std::string>& ids);
  // KeepMuted, or KeepMutedIfKept when `only_if_kept`.
  absl::StatusOr<bool> Keep(const ports::MutedAlert& muted, absl::Time due, bool only_if_kept);
  // The drop script (redis_alert_store_muted.cc): DropResolved with
  // `ended_at` (recorded when finite) and `only_id` ""; DropMuted with
  // `ended_at` InfinitePast and `only_id` the script's id argument.
  absl::Status Drop(const std::string& fingerprint, absl::Time ended_at,
                    const std::string& only_id);

  runtime::RedisClient& redis_;
  std::string topic_;
  std::function<void()> wake_relay_;
};

}  // namespace sqms::alerts::adapters
