#pragma once
// The complaints service's whole Redis key schema, in one place.
//
// State is split into N shards. Every key of a shard carries the hash tag
// {cN}, so one Lua script only ever touches one Redis Cluster slot:
//
//   sqms:{c3}:complaint:<id>       hash  v (version), pb (stored record),
//                                        st cat pri dept ch reg stn brk ts inc
//                                        (filter fields for List), ck, cn (1: in counts)
//   sqms:{c3}:audit:<id>           list  encoded audit entries, oldest first
//   sqms:{c3}:requests:<id>        hash  lifecycle request id → fingerprint
//                                        "\n" stored record after that command
//                                        (TTL: idempotency_ttl, renewed per write)
//   sqms:{c3}:dedup:<fingerprint>  string first complaint id (TTL: window)
//   sqms:{c3}:received             zset  id by received time (ms)
//   sqms:{c3}:timers               zset  complaint id by its next SLA moment (ms)
//   sqms:{c3}:due                  zset  complaint id by its earliest deadline not
//                                        yet met (ms): List's next-due order
//   sqms:{c3}:counts               hash  "<st>:<pri>" → complaints of the shard
//                                        in that status and priority (kept by
//                                        the create and update scripts)
//   sqms:{c3}:outbox               stream events not yet confirmed by Kafka:
//                                        topic key id type time payload
//   sqms:{c3}:outbox:lease         string "<owner> <token>": the relay of this shard
//   sqms:{c3}:outbox:lease:fence   string the shard's last fencing token (INCR)
//   sqms:{c3}:contact-seen:<id>    string contact event ids seen (TTL: idempotency_ttl)
//   sqms:{c3}:contact:<contact id> hash  what one contact's events share: dept stn
//                                        reg ch line (the first non-empty value of
//                                        each), os op (first outage start, unix ms,
//                                        and its platform), oe (outage end, unix ms),
//                                        cc cag ccat (first consultation_created:
//                                        unix ms, agent, category), cd (first
//                                        consultation_dispatched, unix ms)
//                                        (TTL: idempotency_ttl, renewed per event)
//
// Contact keys live in the shard of their contact id (ShardOfSeed), so one
// script writes a contact's seen marker, record and outbox entry together.
//
// Complaint ids embed their shard: CMP-20261121-03K7Q2M9XW → shard 3.
//
// Idempotency keys are not sharded: each is located by itself, hashed from
// the calling subject and the key, in its own slot, so it stays where it is
// when the shard count changes:
//
//   sqms:{i:<hash>}:idem           string "<request fingerprint>\t<complaint id>"
//                                        (TTL: idempotency_ttl)
//
// Contact event ids likewise, hashed from the event id alone, so a retry
// that changed its contact id (and so its shard) still finds it:
//
//   sqms:{e:<hash>}:contact-event  string the contact id the event id is bound
//                                        to (TTL: idempotency_ttl)
//
// The alerts service's active incidents (known issues), shared by every
// replica, in one slot of their own:
//
//   sqms:{incidents}:active        hash  incident id → stored ActiveIncident
//   sqms:{incidents}:ended:<id>    string "1": the incident ended (TTL: 7 days),
//                                        so a redelivered older event cannot
//                                        revive it
//
// The shard count the data was written with, set by the first replica to
// start (shard_count_check.h); a replica started with another count refuses
// to start:
//
//   sqms:shards                    string N

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace sqms::complaints::adapters {

class RedisKeys {
 public:
  explicit RedisKeys(int shards, std::string prefix = "sqms");

  int shards() const { return shards_; }
  // Shard of a seed (stable hash); a random shard for an empty seed.
  int ShardOfSeed(const std::string& seed) const;
  // INVALID_ARGUMENT (field "id") when the id is not one of ours.
  absl::StatusOr<int> ShardOfId(const std::string& id) const;
  std::string NewId(int shard, absl::Time now) const;

  std::string Complaint(int shard, const std::string& id) const;
  std::string Audit(int shard, const std::string& id) const;
  // `scope` = subject + key (opaque); stored hashed, never in clear.
  std::string Idempotency(const std::string& scope) const;
  std::string Requests(int shard, const std::string& id) const;
  std::string Dedup(int shard, const std::string& fingerprint) const;
  std::string Received(int shard) const;
  std::string Timers(int shard) const;
  std::string Counts(int shard) const;
  std::string Due(int shard) const;
  std::string Outbox(int shard) const;
  std::string OutboxLease(int shard) const;
  std::string ContactSeen(int shard, const std::string& event_id) const;
  // The event id's binding to its contact, in a slot of its own.
  std::string ContactEventBinding(const std::string& event_id) const;
  std::string Contact(int shard, const std::string& contact_id) const;
  std::string ActiveIncidents() const;
  std::string EndedIncident(const std::string& incident_id) const;
  std::string ShardCount() const;
  // Prefix of complaint hashes in a shard (List's script appends the id).
  std::string ComplaintPrefix(int shard) const;

 private:
  std::string Tag(int shard) const;
  int shards_;
  std::string prefix_;
};

}  // namespace sqms::complaints::adapters
