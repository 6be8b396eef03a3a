#!/usr/bin/env bash
# The metrics service's benchmark (issue 8, section 10), step g of
# `make bench`; runs on its own too.
#
#   scripts/bench-metrics.sh [--events N] [--probes P] [--results FILE]
#                            [--keep-run-dir]
#
#   --events N      contact events pre-filled into sqms.contact.v1 (default 150000)
#   --probes P      single events for the freshness figure (default 200; 0: skip)
#   --results FILE  merge the figures into FILE's "metrics" section and print a
#                   table (without it: one JSON object)
#   --keep-run-dir  keep run/bench-metrics-<time> (logs, redis, samples)
#
# Steps, in one fresh stack of its own (scripts/stack.sh up --run-dir
# run/bench-metrics-*; the complaints steps write garbage to the same topic):
#   1. bench/metrics_fill: N contact events of yesterday (Asia/Shanghai), as
#      the relay writes them, into sqms.contact.v1 (12 partitions)
#   2. bench/kafka_raw_consumer: the raw librdkafka consume ceiling over the
#      same topic, fresh group                        -> records/s
#   3. sqms-metrics (shipped metrics.yaml, fresh Redis, fresh group): the time
#      until every event is checkpointed (the sum of the checkpoint store's
#      offsets in Redis reaches N, polled every 20 ms), its CPU from
#      /proc/<pid>/stat                               -> events/s, events per CPU-second
#   4. Redis used_memory before and after, the window hashes by size; the
#      events the day window counts (must be N: each counted exactly once)
#   5. freshness: P single events at `now`, 100 ms apart, each time until
#      a WatchKpis stream shows it (bench/metrics_freshness)   -> p50 / p99
# Prints the figures on stdout (logs on stderr); exit 0 whether or not a
# target was met, non-zero only when something failed to run.
#
# Environment: SQMS_BUILD_DIR or BUILD_DIR (default build),
# BENCH_METRICS_TIMEOUT (seconds to wait for the checkpoints, default 150),
# BENCH_METRICS_FLAGS (more sqms-metrics flags, e.g. "--checkpoint-every 20000").
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
BUILD_DIR="${SQMS_BUILD_DIR:-${BUILD_DIR:-build}}"
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$REPO_ROOT/$BUILD_DIR" ;; esac
readonly BUILD_DIR
readonly TOPIC="sqms.contact.v1"
readonly KEY_PREFIX="{sqms:metrics}"
readonly TOKEN="bench-token"
TIMEOUT="${BENCH_METRICS_TIMEOUT:-150}"

# Targets (issue 8, section 10).
readonly TARGET_PER_CORE=200000   # events per CPU-second of the service
readonly TARGET_RAW_RATIO=0.5     # of the raw consume rate
readonly TARGET_FRESH_P99_MS=1000

EVENTS=150000
PROBES=200
RESULTS=""
KEEP=0
RUN_DIR=""
STACK_UP=0
SERVICE_PID=""
REDIS_HOST=""
REDIS_PORT=""
BROKERS=""

export SCRIPT_NAME=bench-metrics  # read by lib.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  sed -n '5,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit "$1"
}

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --events) EVENTS="${2:?--events needs a number}"; shift 2 ;;
      --probes) PROBES="${2:?--probes needs a number}"; shift 2 ;;
      --results) RESULTS="${2:?--results needs a file}"; shift 2 ;;
      --keep-run-dir) KEEP=1; shift ;;
      -h | --help) usage 0 ;;
      *) echo "bench-metrics: unknown argument '$1'" >&2; usage 2 ;;
    esac
  done
  [[ "$EVENTS" =~ ^[1-9][0-9]*$ ]] || die "--events: '$EVENTS' is not a positive number"
  [[ "$PROBES" =~ ^[0-9]+$ ]] || die "--probes: '$PROBES' is not a number"
  # devkafka keeps ~5 MiB per partition and drops the oldest silently; the
  # events average ~330 B with headers, and of 200,000 only 178,470 were
  # left in 12 partitions. The raw consumer fails the run if any was dropped.
  [ "$EVENTS" -le 170000 ] || die "--events: at most 170000 (devkafka keeps ~5 MiB per partition)"
}

stop_service() {
  [ -n "$SERVICE_PID" ] || return 0
  if kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill -TERM "$SERVICE_PID" 2>/dev/null || true
    local deadline=$((SECONDS + 20))
    while kill -0 "$SERVICE_PID" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    if kill -0 "$SERVICE_PID" 2>/dev/null; then
      log "sqms-metrics (pid $SERVICE_PID) ignored SIGTERM; sending SIGKILL"
      kill -KILL "$SERVICE_PID" 2>/dev/null || true
    fi
  fi
  wait "$SERVICE_PID" 2>/dev/null || true
  SERVICE_PID=""
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_service
  if [ "$STACK_UP" -eq 1 ]; then
    bash "$REPO_ROOT/scripts/stack.sh" down --run-dir "$RUN_DIR" >/dev/null 2>&1 ||
      log "stack down failed; see $RUN_DIR"
  fi
  if [ -n "$RUN_DIR" ] && [ -d "$RUN_DIR" ]; then
    if [ "$KEEP" -eq 1 ] || [ "$rc" -ne 0 ]; then
      log "run directory kept: $RUN_DIR"
    else
      rm -rf "$RUN_DIR"
    fi
  fi
  exit "$rc"
}

on_signal() { log "interrupted"; exit 130; }

rcli() { redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" "$@"; }

# CPU seconds (user + system) a process has used so far, with its reaped
# children (Redis's AOF rewrite forks count as Redis), as bench.sh counts.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15 + $16 + $17) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}

used_memory() { rcli INFO memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }'; }

stack_up() {
  RUN_DIR="$REPO_ROOT/run/bench-metrics-$(date +%Y%m%d-%H%M%S)-$$"
  mkdir -p "$RUN_DIR"
  STACK_UP=1
  SQMS_BUILD_DIR="$BUILD_DIR" bash "$REPO_ROOT/scripts/stack.sh" up --run-dir "$RUN_DIR" \
    >"$RUN_DIR/stack-up.log" 2>&1 || { cat "$RUN_DIR/stack-up.log" >&2; die "stack up failed"; }
  local redis
  redis="$(sed -n 's/^SQMS_REDIS_ADDRESS=//p' "$RUN_DIR/stack.env")"
  BROKERS="$(sed -n 's/^KAFKA_BROKERS=//p' "$RUN_DIR/stack.env")"
  REDIS_HOST="${redis%:*}"
  REDIS_PORT="${redis##*:}"
  log "stack up in $RUN_DIR (redis $redis, kafka $BROKERS)"
}

# 1. The events, over yesterday in the configuration's zone, so that every
# window (minute windows are kept 7 days) outlives the run.
fill() {
  local day
  day="$(TZ=Asia/Shanghai date -d yesterday +%F)"
  log "1. metrics_fill: $EVENTS contact events of $day into $TOPIC"
  "$BUILD_DIR/bench/metrics_fill" "$BROKERS" "$TOPIC" "$EVENTS" "$day" \
    >"$RUN_DIR/fill.json" 2>"$RUN_DIR/fill.err" ||
    { cat "$RUN_DIR/fill.err" "$RUN_DIR/fill.json" >&2; die "metrics_fill failed"; }
  log "1. $(cat "$RUN_DIR/fill.json")"
}

# 2. The raw consume ceiling; fails when devkafka dropped any event.
raw_consume() {
  log "2. kafka_raw_consumer over the same $EVENTS events, fresh group"
  "$BUILD_DIR/bench/kafka_raw_consumer" "$BROKERS" "$TOPIC" "$EVENTS" "bench-raw-$$" 60 \
    >"$RUN_DIR/raw.json" 2>"$RUN_DIR/raw.err" ||
    { cat "$RUN_DIR/raw.err" "$RUN_DIR/raw.json" >&2; die "kafka_raw_consumer failed"; }
  log "2. $(cat "$RUN_DIR/raw.json")"
}

# Prints "<claimed partitions of the topic> <sum of their checkpointed offsets>".
checkpointed() {
  rcli HGETALL "$KEY_PREFIX:checkpoints" | awk -v topic="$TOPIC" '
    NR % 2 == 1 { field = $0; next }
    index(field, "e:" topic ":") == 1 { claimed++ }
    index(field, "o:" topic ":") == 1 { sum += $0 }
    END { printf "%d %d\n", claimed, sum }'
}

now() { date +%s.%N; }

# 3. The service from start until every event is checkpointed; writes one
# JSON object to $RUN_DIR/service.json. Not to be run in a subshell: the
# service's pid must reach cleanup.
run_service() {
  echo "$TOKEN bench-agent agent" >"$RUN_DIR/tokens"
  local ready="$RUN_DIR/ready.json" t0 t_claimed="" t_done="" claimed sum cpu_claimed=""
  local redis_pid devkafka_pid redis_cpu0 devkafka_cpu0
  redis_pid="$(cat "$RUN_DIR/redis.pid")"
  devkafka_pid="$(cat "$RUN_DIR/devkafka.pid")"
  redis_cpu0="$(cpu_seconds "$redis_pid")"
  devkafka_cpu0="$(cpu_seconds "$devkafka_pid")"
  log "3. sqms-metrics (services/metrics/config/metrics.yaml), fresh Redis and group"
  local extra=()
  read -r -a extra <<<"${BENCH_METRICS_FLAGS:-}"
  t0="$(now)"
  "$BUILD_DIR/services/metrics/sqms-metrics" \
    --config "$REPO_ROOT/services/metrics/config/metrics.yaml" \
    --grpc-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 \
    --redis-address "$REDIS_HOST:$REDIS_PORT" --kafka-brokers "$BROKERS" \
    --tokens-file "$RUN_DIR/tokens" --instance-id bench --ready-file "$ready" \
    --log-level warn "${extra[@]}" >"$RUN_DIR/service.log" 2>&1 </dev/null &
  SERVICE_PID=$!
  while true; do
    kill -0 "$SERVICE_PID" 2>/dev/null ||
      { tail -n 20 "$RUN_DIR/service.log" >&2; die "sqms-metrics exited"; }
    read -r claimed sum < <(checkpointed)
    if [ -z "$t_claimed" ] && [ "$claimed" -gt 0 ]; then
      t_claimed="$(now)"
      cpu_claimed="$(cpu_seconds "$SERVICE_PID")"
    fi
    if [ "$sum" -ge "$EVENTS" ]; then t_done="$(now)"; break; fi
    awk -v s="$t0" -v n="$(now)" -v t="$TIMEOUT" 'BEGIN { exit !(n - s > t) }' &&
      die "after ${TIMEOUT}s only $sum of $EVENTS events are checkpointed"
    sleep 0.02
  done
  local cpu redis_cpu devkafka_cpu
  cpu="$(cpu_seconds "$SERVICE_PID")"
  redis_cpu="$(awk -v a="$redis_cpu0" -v b="$(cpu_seconds "$redis_pid")" 'BEGIN { print b - a }')"
  devkafka_cpu="$(awk -v a="$devkafka_cpu0" -v b="$(cpu_seconds "$devkafka_pid")" 'BEGIN { print b - a }')"
  local scrape dead
  scrape="$(curl -fsS --max-time 5 "http://127.0.0.1:$(metrics_port "$ready")/metrics" || true)"
  echo "$scrape" >"$RUN_DIR/service-metrics.txt"
  dead="$(sum_series "$scrape" sqms_consumer_records_total 'outcome="dead_lettered"')"
  local written failed duration_sum evalsha
  written="$(sum_series "$scrape" sqms_consumer_checkpoints_total 'outcome="written"')"
  failed="$(sum_series "$scrape" sqms_consumer_checkpoints_total 'outcome="failed"')"
  duration_sum="$(sum_series "$scrape" sqms_consumer_checkpoint_duration_seconds_sum '')"
  # The checkpoint script's Redis time (the service's only EVALSHA load here
  # besides target evaluation and the relay's lease).
  local stats
  stats="$(rcli INFO commandstats | tr -d '\r')"
  evalsha="$(echo "$stats" | sed -n 's/^cmdstat_evalsha:calls=\([0-9]*\),usec=\([0-9]*\),.*/\1 \2/p')"
  # Commands a script runs count in commandstats too: the delta's writes,
  # one HMGET and one HSET per group of up to 1,000 fields of a window
  # (libs/runtime/src/checkpoint_delta.h), HINCRBY only for what no group
  # takes — and, a few per checkpoint, the store's own (an HSET of each
  # partition's offset, the claim's HINCRBY of its epoch).
  local hincrby hmget hset
  hincrby="$(echo "$stats" | sed -n 's/^cmdstat_hincrby:calls=\([0-9]*\),.*/\1/p')"
  hmget="$(echo "$stats" | sed -n 's/^cmdstat_hmget:calls=\([0-9]*\),.*/\1/p')"
  hset="$(echo "$stats" | sed -n 's/^cmdstat_hset:calls=\([0-9]*\),.*/\1/p')"
  log "3. every event checkpointed $(awk -v a="$t0" -v b="$t_done" 'BEGIN { printf "%.2f", b - a }')s after start; service CPU ${cpu}s (${cpu_claimed:-0}s of it before the assignment)"
  python3 - "$EVENTS" "$t0" "$t_claimed" "$t_done" "$cpu" "$redis_cpu" "$devkafka_cpu" "$dead" \
    "$written" "$failed" "$duration_sum" "${evalsha:-0 0}" "${hincrby:-0}" \
    "${hmget:-0}" "${hset:-0}" "${cpu_claimed:-0}" <<'PY'
import json, sys
n, t0, t_claimed, t_done, cpu, redis_cpu, devkafka_cpu, dead = sys.argv[1:9]
written, failed = int(float(sys.argv[9])), int(float(sys.argv[10]))
duration_sum = float(sys.argv[11])
evalsha_calls, evalsha_usec = (int(x) for x in sys.argv[12].split())
hincrby, hmget, hset = int(sys.argv[13]), int(sys.argv[14]), int(sys.argv[15])
cpu_at_assignment = float(sys.argv[16])  # start-up, config, group join
n, t0, t_done, cpu = int(n), float(t0), float(t_done), float(cpu)
t_claimed = float(t_claimed) if t_claimed else t0
total, steady = t_done - t0, t_done - t_claimed
print(json.dumps({
    "events": n, "seconds": round(total, 3), "seconds_from_assignment": round(steady, 3),
    "events_per_s": round(n / total, 1), "events_per_s_from_assignment": round(n / steady, 1),
    "cpu_s": round(cpu, 2), "events_per_cpu_s": round(n / cpu, 1) if cpu > 0 else None,
    "cpu_s_at_assignment": round(cpu_at_assignment, 2),
    "events_per_cpu_s_from_assignment":
        round(n / (cpu - cpu_at_assignment), 1) if cpu > cpu_at_assignment else None,
    "cores_used": round(cpu / total, 2),
    "redis_cpu_s": round(float(redis_cpu), 2), "devkafka_cpu_s": round(float(devkafka_cpu), 2),
    "dead_lettered": int(float(dead)),
    "checkpoints_written": written, "checkpoints_failed": failed,
    "checkpoint_mean_s": round(duration_sum / written, 3) if written else None,
    "redis_evalsha_calls": evalsha_calls,
    "redis_evalsha_ms_per_call": round(evalsha_usec / 1000 / evalsha_calls, 1) if evalsha_calls else None,
    "redis_hincrby_calls": hincrby, "redis_hmget_calls": hmget, "redis_hset_calls": hset,
    "redis_writes_per_event": round((hincrby + hmget + hset) / n, 2)}))
PY
} >"$RUN_DIR/service.json"

# sum_series TEXT NAME FILTER: the sum of NAME's samples whose labels match FILTER.
sum_series() {
  echo "$1" | awk -v name="$2" -v filter="$3" '
    index($0, name) == 1 && (substr($0, length(name) + 1, 1) == "{" || substr($0, length(name) + 1, 1) == " ") &&
    (filter == "" || index($0, filter) > 0) { s += $NF }
    END { printf "%.6f\n", s }'
}

metrics_port() {
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["metrics_port"])' "$1"
}
grpc_port() {
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["grpc_port"])' "$1"
}

# Events the day window counts (the dimension total, every event type): E
# when every event was counted exactly once (all of them are of one day).
counted_in_day() {
  local key
  key="$(rcli --scan --pattern "$KEY_PREFIX:w:day:*" | awk 'NR == 1')"
  [ -n "$key" ] || { echo 0; return; }
  # The total's cell is a vector of little-endian int64s whose first 19
  # slots are the event types (services/metrics/adapters/kpi_keys.cc; a
  # type added later gets a slot after the counters, and this sum would
  # have to take it too); redis-cli --no-raw quotes binary values as
  # Python reads bytes literals.
  rcli --no-raw HGET "$key" "total|all" | python3 -c '
import ast, struct, sys
line = sys.stdin.read().strip()
value = ast.literal_eval("b" + line) if line.startswith("\"") else b""
n = len(value) // 8
print(sum(struct.unpack("<%dq" % n, value[: 8 * n])[:19]))'
}

# 4. The window hashes by size: "<size> <keys> <fields> <bytes>" lines.
window_footprint() {
  rcli --scan --pattern "$KEY_PREFIX:w:*" >"$RUN_DIR/window-keys.txt"
  awk '{ print "HLEN " $0; print "MEMORY USAGE " $0 " SAMPLES 0" }' "$RUN_DIR/window-keys.txt" |
    rcli >"$RUN_DIR/window-sizes.txt"
  paste -d' ' "$RUN_DIR/window-keys.txt" <(paste -d' ' - - <"$RUN_DIR/window-sizes.txt") |
    awk '{ n = split($1, p, ":"); size = p[n - 1]; keys[size]++; fields[size] += $2; bytes[size] += $3 }
         END { for (s in keys) print s, keys[s], fields[s], bytes[s] }'
}

# 5. Freshness: a probe every 100 ms, each until a WatchKpis stream shows it.
freshness() {
  local ready="$RUN_DIR/ready.json"
  log "5. freshness: $PROBES single events, 100 ms apart"
  "$BUILD_DIR/bench/metrics_freshness" "$BROKERS" "$TOPIC" "127.0.0.1:$(grpc_port "$ready")" \
    "$TOKEN" "$PROBES" 100 >"$RUN_DIR/freshness.json" 2>"$RUN_DIR/freshness.err" ||
    { cat "$RUN_DIR/freshness.err" >&2; die "metrics_freshness failed"; }
  log "5. $(cat "$RUN_DIR/freshness.json")"
}

report() {
  local service_json="$1" mem_before="$2" mem_after="$3" footprint="$4" load_before="$5"
  local fresh_json="${6:-null}" counted="$7"
  local commit
  commit="$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  [ -z "$(git -C "$REPO_ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] ||
    commit="$commit-dirty"
  python3 - "$RESULTS" <<PY
import datetime, json, sys
fill = json.load(open("$RUN_DIR/fill.json"))
raw = json.load(open("$RUN_DIR/raw.json"))
svc = json.loads('''$service_json''')
svc["counted_in_day_window"] = $counted
fresh = json.loads('''$fresh_json''')
n = $EVENTS
windows = {}
for line in """$footprint""".strip().splitlines():
    size, keys, fields, nbytes = line.split()
    windows[size] = {"keys": int(keys), "fields": int(fields), "bytes": int(nbytes)}
delta = $mem_after - $mem_before
per_core = svc["events_per_cpu_s"] or 0
ratio_steady = svc["events_per_s_from_assignment"] / raw["records_per_s_from_first"]
ratio_total = svc["events_per_s"] / raw["records_per_s"]
result = {
    "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "commit": "$commit", "nproc": int("$(nproc)"),
    "loadavg_before": "$load_before", "loadavg_after": " ".join(open("/proc/loadavg").read().split()[:3]),
    "config": {"events": n, "topic": "$TOPIC", "partitions": 12, "probes": $PROBES,
               "settings": "services/metrics/config/metrics.yaml"},
    "fill": fill,
    "raw_consumer": raw,
    "service": svc,
    "redis_memory": {
        "used_memory_before": $mem_before, "used_memory_after": $mem_after,
        "delta_bytes": delta, "bytes_per_million_events": round(delta * 1e6 / n),
        "windows": windows,
    },
    "freshness": fresh,
    "ratios": {"service_per_raw_from_assignment": round(ratio_steady, 4),
               "service_per_raw_from_start": round(ratio_total, 4)},
    "targets": {
        "per_core": {"target_events_per_cpu_s": $TARGET_PER_CORE, "measured": per_core,
                     "met": per_core >= $TARGET_PER_CORE},
        "raw_ratio": {"target": $TARGET_RAW_RATIO, "measured": round(ratio_steady, 4),
                      "met": ratio_steady >= $TARGET_RAW_RATIO},
        # A probe never seen (lost) misses the target whatever the others read.
        "freshness_p99": {"target_ms": $TARGET_FRESH_P99_MS,
                          "measured_ms": fresh["p99_ms"] if fresh else None,
                          "met": (fresh["p99_ms"] <= $TARGET_FRESH_P99_MS and fresh["lost"] == 0)
                                 if fresh else None},
    },
}
if not sys.argv[1]:
    print(json.dumps(result))
    sys.exit(0)
try:
    whole = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    whole = {}
whole["metrics"] = result
with open(sys.argv[1], "w") as f:
    json.dump(whole, f, indent=2)
    f.write("\n")

def row(name, value, unit, ceiling="", ratio=""):
    print(f"  {name:<38} {value:>12} {unit:<14} {ceiling:>14} {ratio:>8}")
print()
print(f"SQMS metrics bench  commit {result['commit']}  nproc {result['nproc']}  "
      f"load {result['loadavg_before']} -> {result['loadavg_after']}")
print(f"  {'figure':<38} {'value':>12} {'unit':<14} {'raw ceiling':>14} {'ratio':>8}")
row(f"kafka raw consumer ({n:,} events)", f"{raw['records_per_s_from_first']:,.0f}", "records/s")
row("  from start (group join included)", f"{raw['records_per_s']:,.0f}", "records/s")
row("sqms-metrics, until all checkpointed", f"{svc['events_per_s_from_assignment']:,.0f}", "events/s",
    f"{raw['records_per_s_from_first']:,.0f}", f"{ratio_steady:.3f}")
row("  from start (group join included)", f"{svc['events_per_s']:,.0f}", "events/s",
    f"{raw['records_per_s']:,.0f}", f"{ratio_total:.3f}")
row("  per CPU-second of the service", f"{per_core:,.0f}", "events/cpu-s",
    f"{raw['records_per_cpu_s']:,.0f}", f"{per_core / raw['records_per_cpu_s']:.3f}")
if svc.get("events_per_cpu_s_from_assignment"):
    row("    from assignment (no start-up)", f"{svc['events_per_cpu_s_from_assignment']:,.0f}",
        "events/cpu-s")
row("  service CPU; cores while it ran", f"{svc['cpu_s']:.2f}; {svc['cores_used']:.2f}", "s; cores")
row("  checkpoints written / failed", f"{svc['checkpoints_written']}/{svc['checkpoints_failed']}", "")
if svc["checkpoint_mean_s"] is not None:
    row("  checkpoint write, mean", f"{svc['checkpoint_mean_s'] * 1000:,.0f}", "ms")
row("  redis CPU meanwhile", f"{svc['redis_cpu_s']:.2f}", "s")
row("  Redis commands in checkpoints per event", f"{svc['redis_writes_per_event']:.2f}", "",
    f"HMGET {svc['redis_hmget_calls']:,}, HSET {svc['redis_hset_calls']:,}, HINCRBY {svc['redis_hincrby_calls']:,}")
row("  events counted (day window, total)", f"{svc['counted_in_day_window']:,}", "",
    f"{n:,}", "exact" if svc['counted_in_day_window'] == n else "WRONG")
row("redis used_memory per 1M events", f"{delta * 1e6 / n / 2**20:,.1f}", "MiB")
row("  window hashes (keys, fields)", f"{sum(w['keys'] for w in windows.values()):,}",
    f"{sum(w['fields'] for w in windows.values()):,} fields")
if fresh:
    row("freshness produce -> WatchKpis p50/p99", f"{fresh['p50_ms']:.0f}/{fresh['p99_ms']:.0f}", "ms")
    row("  probes seen / lost", f"{fresh['visible']}/{fresh['lost']}", "")
else:
    row("freshness produce -> WatchKpis", "not measured", "")
t = result["targets"]
verdict = lambda ok: "n/a" if ok is None else ("PASS" if ok else "MISS")
print(f"  target >= {$TARGET_PER_CORE:,} events/s per core: {verdict(t['per_core']['met'])} ({per_core:,.0f})")
print(f"  target >= {$TARGET_RAW_RATIO} x raw consume rate: {verdict(t['raw_ratio']['met'])} ({ratio_steady:.3f})")
print(f"  target freshness p99 <= {$TARGET_FRESH_P99_MS} ms: {verdict(t['freshness_p99']['met'])}"
      + (f" ({fresh['p99_ms']:.0f} ms, {fresh['lost']} lost)" if fresh else " (not measured)"))
print(f"  written to {sys.argv[1]}")
PY
}

main() {
  parse_args "$@"
  require redis-cli python3 curl git
  local bin
  for bin in services/metrics/sqms-metrics bench/metrics_fill bench/kafka_raw_consumer \
      tools/devkafka/devkafka; do
    [ -x "$BUILD_DIR/$bin" ] || die "$BUILD_DIR/$bin is not built (run 'make build' first)"
  done
  [ "$PROBES" -eq 0 ] || [ -x "$BUILD_DIR/bench/metrics_freshness" ] ||
    die "$BUILD_DIR/bench/metrics_freshness is not built (run 'make build' first)"
  trap cleanup EXIT
  trap on_signal INT TERM
  local load_before mem_before mem_after service_json footprint counted fresh_json=null
  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  stack_up
  fill
  raw_consume
  mem_before="$(used_memory)"
  run_service
  service_json="$(cat "$RUN_DIR/service.json")"
  mem_after="$(used_memory)"
  footprint="$(window_footprint)"
  counted="$(counted_in_day)"
  log "4. the day window counts $counted events of $EVENTS"
  log "4. used_memory $mem_before -> $mem_after; windows: $(echo "$footprint" | tr '\n' ';')"
  if [ "$PROBES" -gt 0 ]; then
    freshness
    fresh_json="$(cat "$RUN_DIR/freshness.json")"
  fi
  stop_service
  report "$service_json" "$mem_before" "$mem_after" "$footprint" "$load_before" "$fresh_json" \
    "$counted"
}

main "$@"
