#pragma once
// The Lua scripts behind RedisComplaintRepository and the outbox. Each runs
// atomically in Redis and touches the keys of one shard only (one cluster
// slot). Argument layouts are documented in redis_scripts.cc beside each
// script and built only by redis_complaint_repository.cc / redis_contact_event_store.cc.
// (The outbox lease scripts are the runtime relay's: sqms/runtime/outbox_lease.h.)

#include "sqms/runtime/redis_client.h"

namespace sqms::complaints::adapters::scripts {

// Replay check, duplicate check, complaint + indexes + timers + outbox.
// Returns {"created", id} | {"replayed", id} | {"raced", first_id} |
// {"collision", ""}.
const runtime::LuaScript& CreateComplaint();
// Compare-and-set on the version, then the same writes.
// Returns {"ok"} | {"conflict", version} | {"missing"}.
const runtime::LuaScript& UpdateComplaint();
// One shard's page of List. Returns {matches, exhausted, last_score, last_id}
// where matches = id, score, record, id, score, record, ...
const runtime::LuaScript& ListShard();
// Whether a contact event id was seen, and the contact's record.
const runtime::LuaScript& LoadContact();
// Contact event: idempotent on the event id; compare-and-set against the
// contact's record (ports::ContactEventStore::Append); appended to the
// outbox with the record's update. Returns {'seen'} | {'stale', record...} |
// {'appended'}.
const runtime::LuaScript& AppendContactEvent();
// Deletes a contact event id's binding (KEYS[1]) only while it is still to
// the contact ARGV[1]. Returns 1 when deleted, else 0.
const runtime::LuaScript& ReleaseContactEventId();

}  // namespace sqms::complaints::adapters::scripts
