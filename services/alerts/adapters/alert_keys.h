#pragma once
// The whole Redis key schema of sqms-alerts, in one place. Every key shares
// the hash tag {sqms:alerts}, so each incident change is one script on one
// cluster slot (the price: all alerts state on one slot — incidents are
// few, unlike complaints).
//
//   {sqms:alerts}:inc:<id>        hash: doc (JSON), state, version
//   {sqms:alerts}:incidents       zset: id → opened ms (newest first lists)
//   {sqms:alerts}:active          set: ids of active incidents
//   {sqms:alerts}:group:<key>     string: the group's current incident id
//   {sqms:alerts}:seen:cmd|<req>  string: a command already applied (8 days)
//   {sqms:alerts}:request:<req>   string: the fingerprint of the command the
//                                 request id came with first (8 days 1 h)
//   {sqms:alerts}:dlv:<id>        hash: doc (JSON), status, attempts, last_*
//   {sqms:alerts}:dlv:<id>:log    list: every attempt (JSON), newest first
//   {sqms:alerts}:timers          zset: durable timers (esc|, ackx|, quiet|,
//                                 dlv|, muted|, unmute|)
//   {sqms:alerts}:outbox          stream: events for sqms.incidents.v1
//   {sqms:alerts}:outbox:lease    the relay's lease
//   {sqms:alerts}:silences        hash: id → JSON
//   {sqms:alerts}:seen:<alert>    string: an alert's first answer (8 days)
//   {sqms:alerts}:muted           hash: fingerprint → a kept muted alert
//                                 (JSON; its timer "muted|<fingerprint>"
//                                 in the timers zset)
//   {sqms:alerts}:ended:<fingerprint>
//                                 string: when the alert last resolved
//                                 (Unix ms; 8 days): no keep of a firing
//                                 it ended (ports::AlertStore::KeepMuted)
//   {sqms:alerts}:count:<key>     zset: a counting trigger's window
//                                 (alert fingerprint → counted at, ms)
//   {sqms:alerts}:count-complaints:<key>
//                                 hash: fingerprint → complaint id of the
//                                 window's members that have one; trimmed
//                                 and expiring with the zset (one script)
//   {sqms:alerts}:plan:<id>       hash: doc (sqms.alerts.v1.Plan bytes),
//                                 version, seed — a plan changed through
//                                 UpsertPlan (never expires)
//   {sqms:alerts}:plans           set: ids of the stored plans
//   {sqms:alerts}:known-plans     hash: id → the plan last in force
//                                 (sqms.alerts.v1.Plan bytes): what an
//                                 open incident follows once its plan is
//                                 gone from the configuration; dropped
//                                 when none of its incidents is open

#include <cstdint>
#include <string>
#include <string_view>

namespace sqms::alerts::adapters {

inline constexpr char kKeyPrefix[] = "{sqms:alerts}";

// How long what a request id recorded is kept (a command's record, a raised
// alert's answer): a retry within it gets the first outcome.
inline constexpr int64_t kRequestRecordSeconds = 8 * 24 * 3600;
// A request id's binding outlives every record written under it (written
// after it, within a request's deadline) by an hour, so no record is ever
// read on behalf of a command it does not belong to (ports/alert_store.h).
inline constexpr int64_t kRequestBindingSeconds = kRequestRecordSeconds + 3600;
// How long an alert's recorded end (EndedKey) is kept: far longer than a
// redelivery or a replica's stall can hold back the firing it ends.
inline constexpr int64_t kAlertEndSeconds = 8 * 24 * 3600;

std::string IncidentKey(std::string_view id);
std::string IncidentsKey();
std::string ActiveKey();
std::string GroupKey(std::string_view group);
std::string CommandKey(std::string_view request_id);
std::string RequestKey(std::string_view request_id);
std::string DeliveryKey(std::string_view id);
std::string DeliveryLogKey(std::string_view id);
std::string TimersKey();
std::string OutboxKey();
std::string OutboxLeaseKey();
std::string SilencesKey();
std::string MutedKey();
std::string EndedKey(std::string_view fingerprint);
std::string SeenKey(std::string_view alert_id);
std::string CountKey(std::string_view key);
std::string CountComplaintsKey(std::string_view key);
std::string PlanKey(std::string_view id);
std::string PlansKey();
std::string KnownPlansKey();

}  // namespace sqms::alerts::adapters
