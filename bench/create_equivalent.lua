-- The raw Redis ceiling for `make bench` (scripts/bench.sh): the same reads
-- and writes as one submission of the complaints service, with no SQMS code
-- around them, run by `redis-benchmark ... EVALSHA <sha> 9 ...`. Keys and ids
-- vary with __rand_int__; the values are plain bytes of the sizes the service
-- writes for a bench-corpus complaint (scripts/bench.sh sets them).
--
-- A submission is, in the service, two round trips: the idempotency key's
-- reservation (RedisComplaintRepository::Reserve: SET NX GET PX, on the key's
-- own slot) when the request has a key, then the create script (kCommon +
-- kCreate in services/complaints/adapters/redis_scripts.cc). Both are done
-- here in one script, so the ceiling is Redis's work alone; the second round
-- trip is the service's overhead. Like sqms-loadgen, 9 in 10 submissions
-- carry a key (here: the id's last digit is not 0).
--
-- KEYS: 1 complaint 2 audit 3 idem 4 dedup 5 received 6 timers 7 outbox
--       8 counts 9 due
-- ARGV: 1 id, 2 record (protobuf), 3 department, 4 region, 5 station,
--       6 complainant hash, 7 score (ms), 8 ttl (ms), 9 audit entry,
--       10 event id, 11 event payload, 12 traceparent
local id = ARGV[1]
local keyed = string.sub(id, -1) ~= '0'
-- Reserve: bind the key to (request fingerprint, id) unless bound.
if keyed then
  local held = redis.call('SET', KEYS[3], ARGV[6] .. '\t' .. id, 'NX', 'GET', 'PX', ARGV[8])
  if held then return {'replayed', held} end
end
-- Create: id collision or replay, raced duplicate.
if redis.call('EXISTS', KEYS[1]) == 1 then return {'collision', ''} end
local first = redis.call('GET', KEYS[4]) or ''
if first ~= '' then return {'raced', first} end
-- The record: 13 fields and "counted", the idempotency key it was created
-- under, and the shard's count of complaints by status and priority.
redis.call('HSET', KEYS[1], 'v', '1', 'pb', ARGV[2], 'st', '1', 'cat', '10',
  'pri', '2', 'dept', ARGV[3], 'ch', '3', 'reg', ARGV[4], 'stn', ARGV[5],
  'brk', '0', 'ts', ARGV[7], 'ck', ARGV[6], 'inc', '', 'cn', '1')
redis.call('HINCRBY', KEYS[8], '1:2', 1)
if keyed then redis.call('HSET', KEYS[1], 'ik', KEYS[3]) end
redis.call('ZADD', KEYS[5], ARGV[7], id)
redis.call('SET', KEYS[4], id, 'PX', ARGV[8])
redis.call('RPUSH', KEYS[2], ARGV[9])
-- The complaint's next SLA moment (its only timer; a new complaint has none
-- to replace).
redis.call('ZADD', KEYS[6], tonumber(ARGV[7]) + 3600000, id)
-- Its next due time, in the index of ListComplaints' next-due order.
redis.call('ZADD', KEYS[9], tonumber(ARGV[7]) + 7200000, id)
-- The outbox entry, with the request's trace context.
redis.call('XADD', KEYS[7], '*', 'topic', 'sqms.complaints.v1', 'key', id,
  'id', ARGV[10], 'type', 'sqms.complaints.v1.submitted', 'time', ARGV[7],
  'payload', ARGV[11], 'traceparent', ARGV[12], 'tracestate', '')
return {'created', id}
