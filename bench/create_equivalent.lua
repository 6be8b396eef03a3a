-- The raw Redis ceiling for `make bench` (scripts/bench.sh): the same reads
-- and writes as the complaints service's create script (kCreate in
-- services/complaints/adapters/redis_scripts.cc), with no SQMS code around
-- it, run by `redis-benchmark ... EVALSHA <sha> 7 ...`. Keys and ids vary
-- with __rand_int__; the values are plain bytes of the sizes the service
-- writes for a bench-corpus complaint (scripts/bench.sh sets them).
--
-- KEYS: 1 complaint 2 audit 3 idem 4 dedup 5 received 6 timers 7 outbox
-- ARGV: 1 id, 2 record (protobuf), 3 department, 4 region, 5 station,
--       6 complainant hash, 7 score (ms), 8 ttl (ms), 9 audit entry,
--       10 event id, 11 event payload
local id = ARGV[1]
-- Checks: replayed idempotency key, raced duplicate, id collision.
local original = redis.call('GET', KEYS[3])
if original then return {'replayed', original} end
local first = redis.call('GET', KEYS[4]) or ''
if first ~= '' then return {'raced', first} end
if redis.call('EXISTS', KEYS[1]) == 1 then return {'collision', ''} end
-- The record: 12 fields.
redis.call('HSET', KEYS[1], 'v', '1', 'pb', ARGV[2], 'st', '1', 'cat', '10',
  'pri', '2', 'dept', ARGV[3], 'ch', '3', 'reg', ARGV[4], 'stn', ARGV[5],
  'brk', '0', 'ts', ARGV[7], 'ck', ARGV[6])
redis.call('ZADD', KEYS[5], ARGV[7], id)
redis.call('SET', KEYS[3], id, 'PX', ARGV[8])
redis.call('SET', KEYS[4], id, 'PX', ARGV[8])
redis.call('RPUSH', KEYS[2], ARGV[9])
-- The complaint's next SLA moment (its only timer; a new complaint has none
-- to replace).
redis.call('ZADD', KEYS[6], tonumber(ARGV[7]) + 3600000, id)
-- The outbox entry.
redis.call('XADD', KEYS[7], '*', 'topic', 'sqms.complaints.v1', 'key', id,
  'id', ARGV[10], 'type', 'sqms.complaints.v1.submitted', 'time', ARGV[7],
  'payload', ARGV[11])
return {'created', id}
