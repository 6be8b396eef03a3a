#!/usr/bin/env bash
# The alerts service's benchmark (issue 9, section 11), step h of `make
# bench`; runs on its own too.
#
#   scripts/bench-alerts.sh [--alerts N] [--groups G] [--threads T] [--probes P]
#                           [--pending K] [--timer-probes Q] [--results FILE]
#                           [--keep-run-dir]
#
#   --alerts N        distinct RaiseAlert calls of the ingest step, each sent
#                     twice (default 3000)
#   --groups G        incidents they group into (label case = i % G, default 100)
#   --threads T       client threads of the ingest step and its ceiling (default 8)
#   --probes P        safety complaints of the end-to-end step (default 100; 0: skip)
#   --pending K       dummy timers pending in the timer step (default 100000)
#   --timer-probes Q  escalations timed at 0 and at K pending (default 50; 0: skip)
#   --results FILE    merge the figures into FILE's "alerts" section and print a
#                     table (without it: one JSON object)
#   --keep-run-dir    keep run/bench-alerts-<time> (logs, redis, sink.jsonl)
#
# Steps, in one fresh stack of its own (scripts/stack.sh up --run-dir
# run/bench-alerts-*), with webhook-sink receiving every page, sqms-complaints
# started as for the complaints bench, and sqms-alerts on a bench config:
# the shipped services/alerts/config/alerts.yaml with its targets pointed at
# the sink and their rate limits raised out of the way, plus plans
# bench-ingest (BenchIngest, group_by case) and bench-timer (BenchTimer,
# tier 0 ack_timeout 2s). Between steps every active incident is resolved.
#   1. ceiling: bench/alerts_bench raw-redis — 100,000 EVALSHA of `return 1`,
#      and 100,000 GET, from T threads each waiting for its reply (the
#      service's request workers call Redis that way) -> calls/s
#   2. ingest: N distinct alerts from T threads       -> alerts/s; the same N
#      requests again (same request_id, answered from the record)
#                                                     -> duplicates/s; the
#      Redis commands and Redis time per alert (INFO commandstats), the
#      service's and Redis's CPU
#   3. e2e: P safety complaints through sqms-complaints, 200 ms apart, each
#      at a station of its own so each opens an incident of plan
#      safety-complaint: from just before SubmitComplaint to the sink's
#      received_at_ms of that station's page        -> p50/p99, and where the
#      time went (to incident opened, opened to sent, sent to received).
#      Beside it: Alertmanager's default route waits group_wait = 30 s
#      before a new group's first notification.
#   4. timers: Q alerts of plan bench-timer, 100 ms apart; for each, the
#      tier-1 page's received_at minus (opened_at + 2 s)  -> lag p50/p99;
#      first with no other timer pending, then after K far-future dummy
#      timers were added to {sqms:alerts}:timers; and the service's
#      sqms_timer_lateness_seconds{timers="alerts"} over each run.
# Prints the figures on stdout (logs on stderr); exit 0 whether or not a
# target was met, non-zero only when something failed to run.
#
# Environment: SQMS_BUILD_DIR or BUILD_DIR (default build).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
BUILD_DIR="${SQMS_BUILD_DIR:-${BUILD_DIR:-build}}"
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$REPO_ROOT/$BUILD_DIR" ;; esac
readonly BUILD_DIR
readonly TOKEN="bench-token"
readonly ACK_TIMEOUT_MS=2000       # bench-timer's tier 0
readonly E2E_INTERVAL_MS=200
readonly TIMER_INTERVAL_MS=100

# Targets (issue 9, section 11) and the documented comparison.
readonly TARGET_E2E_P99_MS=1000
readonly ALERTMANAGER_GROUP_WAIT_MS=30000

ALERTS=3000
GROUPS_N=100
THREADS=8
PROBES=100
PENDING=100000
TIMER_PROBES=50
RESULTS=""
KEEP=0
RUN_DIR=""
STACK_UP=0
SINK_PID=""
COMPLAINTS_PID=""
ALERTS_PID=""
REDIS_ADDRESS=""
ALERTS_GRPC=""
ALERTS_METRICS=""
COMPLAINTS_GRPC=""

export SCRIPT_NAME=bench-alerts  # read by lib.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  sed -n '5,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit "$1"
}

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --alerts) ALERTS="${2:?--alerts needs a number}"; shift 2 ;;
      --groups) GROUPS_N="${2:?--groups needs a number}"; shift 2 ;;
      --threads) THREADS="${2:?--threads needs a number}"; shift 2 ;;
      --probes) PROBES="${2:?--probes needs a number}"; shift 2 ;;
      --pending) PENDING="${2:?--pending needs a number}"; shift 2 ;;
      --timer-probes) TIMER_PROBES="${2:?--timer-probes needs a number}"; shift 2 ;;
      --results) RESULTS="${2:?--results needs a file}"; shift 2 ;;
      --keep-run-dir) KEEP=1; shift ;;
      -h | --help) usage 0 ;;
      *) echo "bench-alerts: unknown argument '$1'" >&2; usage 2 ;;
    esac
  done
  local flag value
  for flag in alerts groups threads; do
    case "$flag" in alerts) value="$ALERTS" ;; groups) value="$GROUPS_N" ;; *) value="$THREADS" ;; esac
    [[ "$value" =~ ^[1-9][0-9]*$ ]] || die "--$flag: '$value' is not a positive number"
  done
  for flag in probes pending timer-probes; do
    case "$flag" in probes) value="$PROBES" ;; pending) value="$PENDING" ;; *) value="$TIMER_PROBES" ;; esac
    [[ "$value" =~ ^[0-9]+$ ]] || die "--$flag: '$value' is not a number"
  done
}

# ---------------------------------------------------------------- cleanup

# stop_pid PID NAME: SIGTERM, up to 20 s, then SIGKILL; reaps it.
stop_pid() {
  local pid="$1" name="$2"
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 20))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) ignored SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

stop_processes() {
  stop_pid "$ALERTS_PID" sqms-alerts
  ALERTS_PID=""
  stop_pid "$COMPLAINTS_PID" sqms-complaints
  COMPLAINTS_PID=""
  stop_pid "$SINK_PID" webhook-sink
  SINK_PID=""
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_processes
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

# ---------------------------------------------------------------- helpers

# CPU seconds (user + system, children included) of a process so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15 + $16 + $17) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# ready_port FILE KEY: a port from a service's ready file.
ready_port() {
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

# await_file FILE PID NAME LOG: waits up to 30 s for FILE to be non-empty
# while PID runs.
await_file() {
  local file="$1" pid="$2" name="$3" logfile="$4" deadline=$((SECONDS + 30))
  until [ -s "$file" ]; do
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$logfile" >&2; die "$name exited"; }
    [ "$SECONDS" -lt "$deadline" ] || die "$name was not ready within 30s (see $logfile)"
    sleep 0.1
  done
}

bench_bin() { "$BUILD_DIR/bench/alerts_bench" "$@"; }

# run_step NAME ARGS...: alerts_bench ARGS, its JSON to $RUN_DIR/NAME.json,
# its stderr to NAME.err; fails the run when it fails.
run_step() {
  local name="$1"; shift
  bench_bin "$@" >"$RUN_DIR/$name.json" 2>"$RUN_DIR/$name.err" ||
    { cat "$RUN_DIR/$name.err" >&2; die "alerts_bench $1 ($name) failed"; }
  log "$name: $(cat "$RUN_DIR/$name.json")"
}

resolve_all() {
  bench_bin resolve --server "$ALERTS_GRPC" --token "$TOKEN" >"$RUN_DIR/resolve.json" \
    2>>"$RUN_DIR/resolve.err" || { cat "$RUN_DIR/resolve.err" >&2; die "resolving the incidents failed"; }
  log "resolved the step's incidents: $(cat "$RUN_DIR/resolve.json")"
}

# ---------------------------------------------------------------- start-up

stack_up() {
  RUN_DIR="$REPO_ROOT/run/bench-alerts-$(date +%Y%m%d-%H%M%S)-$$"
  mkdir -p "$RUN_DIR"
  STACK_UP=1
  SQMS_BUILD_DIR="$BUILD_DIR" bash "$REPO_ROOT/scripts/stack.sh" up --run-dir "$RUN_DIR" \
    >"$RUN_DIR/stack-up.log" 2>&1 || { cat "$RUN_DIR/stack-up.log" >&2; die "stack up failed"; }
  set -a
  # shellcheck disable=SC1091
  . "$RUN_DIR/stack.env"
  set +a
  REDIS_ADDRESS="$SQMS_REDIS_ADDRESS"
  log "stack up in $RUN_DIR (redis $REDIS_ADDRESS, kafka $KAFKA_BROKERS)"
}

start_sink() {
  "$BUILD_DIR/tools/webhook-sink/webhook-sink" --listen 127.0.0.1:0 --port-file "$RUN_DIR/sink.port" \
    --out "$RUN_DIR/sink.jsonl" --quiet >"$RUN_DIR/sink.log" 2>&1 </dev/null &
  SINK_PID=$!
  await_file "$RUN_DIR/sink.port" "$SINK_PID" webhook-sink "$RUN_DIR/sink.log"
  log "webhook-sink pid $SINK_PID on 127.0.0.1:$(cat "$RUN_DIR/sink.port")"
}

# The shipped alerts.yaml with every target at the sink, rate limits out of
# the bench's way (60 pages a minute would hold the e2e probes back), and
# the two bench plans added to `plans:`.
write_config() {
  local port out="$RUN_DIR/alerts.yaml"
  port="$(cat "$RUN_DIR/sink.port")"
  awk -v port="$port" -v ack="$((ACK_TIMEOUT_MS / 1000))s" '
    (/^# Inhibition/ || /^inhibit_rules:/) && !added {
      print "  # Added by scripts/bench-alerts.sh."
      print "  - id: bench-ingest"
      print "    name: Bench ingest"
      print "    risk: system-failure"
      print "    level: IV"
      print "    triggers:"
      print "      - matchers: [\x27alertname=\"BenchIngest\"\x27]"
      print "    group_by: [case]"
      print "    escalation:"
      print "      - {notify: [\"rotation:noc\"], targets: [ops-webhook], ack_timeout: 1h}"
      print "  - id: bench-timer"
      print "    name: Bench timer"
      print "    risk: system-failure"
      print "    level: IV"
      print "    triggers:"
      print "      - matchers: [\x27alertname=\"BenchTimer\"\x27]"
      print "    group_by: [case]"
      print "    escalation:"
      print "      - {notify: [\"user:first\"], targets: [ops-webhook], ack_timeout: " ack "}"
      print "      - {notify: [\"user:second\"], targets: [ops-webhook], ack_timeout: 1h}"
      print ""
      added = 1
    }
    { gsub(/http:\/\/127\.0\.0\.1:9096\//, "http://127.0.0.1:" port "/")
      gsub(/rate_per_minute: [0-9]+/, "rate_per_minute: 600000")
      print }
  ' "$REPO_ROOT/services/alerts/config/alerts.yaml" >"$out"
  grep -q 'id: bench-timer' "$out" || die "found no '# Inhibition' or 'inhibit_rules:' line in alerts.yaml to add the bench plans before"
  ! grep -q '127.0.0.1:9096' "$out" || die "a target of alerts.yaml still points at 127.0.0.1:9096"
}

start_complaints() {
  echo "$TOKEN bench service" >"$RUN_DIR/complaints.tokens"
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$RUN_DIR/pii.key"
  local ready="$RUN_DIR/complaints-ready.json"
  SQMS_LOG_LEVEL=warn "$BUILD_DIR/services/complaints/sqms-complaints" \
    --tokens-file "$RUN_DIR/complaints.tokens" --pii-key-file "$RUN_DIR/pii.key" \
    --triage-config "$REPO_ROOT/services/complaints/config/triage.yaml" \
    --triage-training-data "$(triage_training_data "$REPO_ROOT")" \
    --grpc-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 --ready-file "$ready" \
    >"$RUN_DIR/complaints.log" 2>&1 </dev/null &
  COMPLAINTS_PID=$!
  await_file "$ready" "$COMPLAINTS_PID" sqms-complaints "$RUN_DIR/complaints.log"
  COMPLAINTS_GRPC="127.0.0.1:$(ready_port "$ready" grpc_port)"
  log "sqms-complaints pid $COMPLAINTS_PID, grpc $COMPLAINTS_GRPC"
}

start_alerts() {
  echo "$TOKEN bench supervisor" >"$RUN_DIR/alerts.tokens"
  # The webhook receiver fails closed: it needs a token file to listen.
  echo "$TOKEN" >"$RUN_DIR/alerts-webhook.tokens"
  local ready="$RUN_DIR/alerts-ready.json"
  "$BUILD_DIR/services/alerts/sqms-alerts" --config "$RUN_DIR/alerts.yaml" \
    --grpc-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 --webhook-listen 127.0.0.1:0 \
    --webhook-tokens-file "$RUN_DIR/alerts-webhook.tokens" \
    --redis-address "$REDIS_ADDRESS" --kafka-brokers "$KAFKA_BROKERS" \
    --tokens-file "$RUN_DIR/alerts.tokens" --instance-id bench --ready-file "$ready" \
    --log-level warn >"$RUN_DIR/alerts.log" 2>&1 </dev/null &
  ALERTS_PID=$!
  await_file "$ready" "$ALERTS_PID" sqms-alerts "$RUN_DIR/alerts.log"
  ALERTS_GRPC="127.0.0.1:$(ready_port "$ready" grpc_port)"
  ALERTS_METRICS="127.0.0.1:$(ready_port "$ready" metrics_port)"
  log "sqms-alerts pid $ALERTS_PID, grpc $ALERTS_GRPC, metrics $ALERTS_METRICS"
}

# ---------------------------------------------------------------- steps

# 2. Ingest, with the service's and Redis's CPU over both phases.
ingest() {
  local redis_pid cpu0 redis0 t0 t1
  redis_pid="$(cat "$RUN_DIR/redis.pid")"
  cpu0="$(cpu_seconds "$ALERTS_PID")"
  redis0="$(cpu_seconds "$redis_pid")"
  t0="$(date +%s.%N)"
  log "2. ingest: $ALERTS distinct alerts in $GROUPS_N groups from $THREADS threads, then each again"
  run_step ingest ingest --server "$ALERTS_GRPC" --token "$TOKEN" --alerts "$ALERTS" \
    --groups "$GROUPS_N" --threads "$THREADS" --redis "$REDIS_ADDRESS"
  t1="$(date +%s.%N)"
  python3 - "$RUN_DIR/ingest.json" "$cpu0" "$(cpu_seconds "$ALERTS_PID")" "$redis0" \
    "$(cpu_seconds "$redis_pid")" "$t0" "$t1" <<'PY'
import json, sys
path = sys.argv[1]
svc0, svc1, r0, r1, t0, t1 = (float(x) for x in sys.argv[2:8])
d = json.load(open(path))
wall = t1 - t0
d["cpu"] = {"service_s": round(svc1 - svc0, 2), "redis_s": round(r1 - r0, 2),
            "wall_s": round(wall, 2), "service_cores": round((svc1 - svc0) / wall, 2),
            "redis_cores": round((r1 - r0) / wall, 2)}
json.dump(d, open(path, "w"))
PY
}

e2e() {
  log "3. e2e: 2 warm-up complaints, then $PROBES safety complaints ${E2E_INTERVAL_MS} ms apart"
  run_step e2e-warmup e2e --complaints "$COMPLAINTS_GRPC" --token "$TOKEN" \
    --sink "$RUN_DIR/sink.jsonl" --probes 2 --interval-ms 500 --timeout-s 60
  run_step e2e e2e --complaints "$COMPLAINTS_GRPC" --token "$TOKEN" \
    --sink "$RUN_DIR/sink.jsonl" --probes "$PROBES" --interval-ms "$E2E_INTERVAL_MS" --timeout-s 30
}

# timers NAME PENDING: one timer run (dummy timers accumulate over runs).
timers() {
  log "4. timers: $TIMER_PROBES escalations with $2 dummy timers added"
  run_step "$1" timers --server "$ALERTS_GRPC" --token "$TOKEN" --redis "$REDIS_ADDRESS" \
    --sink "$RUN_DIR/sink.jsonl" --metrics "http://$ALERTS_METRICS/metrics" \
    --pending "$2" --probes "$TIMER_PROBES" --interval-ms "$TIMER_INTERVAL_MS" \
    --ack-timeout-ms "$ACK_TIMEOUT_MS" --timeout-s 30
}

# ---------------------------------------------------------------- report

report() {
  local load_before="$1" commit
  commit="$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  [ -z "$(git -C "$REPO_ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] ||
    commit="$commit-dirty"
  python3 - "$RESULTS" "$RUN_DIR" <<PY
import datetime, json, os, sys
run = sys.argv[2]
def load(name):
    p = os.path.join(run, name + ".json")
    return json.load(open(p)) if os.path.exists(p) else None
raw, ingest, e2e = load("raw"), load("ingest"), load("e2e")
t0, tk = load("timers-0"), load("timers-k")
ceiling = raw["evalsha_trivial"]["per_s"]
alerts_per_s = ingest["distinct"]["alerts_per_s"]
dups_per_s = ingest["retries"]["duplicates_per_s"]
result = {
    "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "commit": "$commit", "nproc": int("$(nproc)"),
    "loadavg_before": "$load_before",
    "loadavg_after": " ".join(open("/proc/loadavg").read().split()[:3]),
    "config": {"alerts": $ALERTS, "groups": $GROUPS_N, "threads": $THREADS, "probes": $PROBES,
               "pending": $PENDING, "timer_probes": $TIMER_PROBES,
               "ack_timeout_ms": $ACK_TIMEOUT_MS, "service_workers": 4,
               "settings": "services/alerts/config/alerts.yaml, targets at webhook-sink, "
                           "rate limits raised, plans bench-ingest and bench-timer added"},
    "raw_redis": raw,
    "ingest": ingest,
    "e2e": e2e,
    "timers_no_pending": t0,
    "timers_pending": tk,
    "comparison": {"alertmanager_default_group_wait_ms": $ALERTMANAGER_GROUP_WAIT_MS},
    "ratios": {"alerts_per_raw_evalsha": round(alerts_per_s / ceiling, 4),
               "duplicates_per_raw_evalsha": round(dups_per_s / ceiling, 4),
               "alerts_per_raw_get": round(alerts_per_s / raw["get"]["per_s"], 4)},
    "targets": {
        "e2e_p99": {"target_ms": $TARGET_E2E_P99_MS,
                    "measured_ms": e2e["p99_ms"] if e2e else None,
                    "met": (e2e["p99_ms"] <= $TARGET_E2E_P99_MS and e2e["lost"] == 0) if e2e else None},
    },
}
if not sys.argv[1]:
    print(json.dumps(result))
    sys.exit(0)
try:
    whole = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    whole = {}
whole["alerts"] = result
with open(sys.argv[1], "w") as f:
    json.dump(whole, f, indent=2)
    f.write("\n")

def row(name, value, unit, ceiling="", ratio=""):
    print(f"  {name:<40} {value:>12} {unit:<14} {ceiling:>14} {ratio:>8}")
def pct(s):
    return f"{s['p50_ms']:.0f}/{s['p99_ms']:.0f}"
print()
print(f"SQMS alerts bench  commit {result['commit']}  nproc {result['nproc']}  "
      f"load {result['loadavg_before']} -> {result['loadavg_after']}")
print(f"  {'figure':<40} {'value':>12} {'unit':<14} {'ceiling':>14} {'ratio':>8}")
row(f"redis EVALSHA 'return 1', {raw['threads']} threads", f"{ceiling:,.0f}", "calls/s")
row(f"redis GET, {raw['threads']} threads", f"{raw['get']['per_s']:,.0f}", "calls/s")
d, r = ingest["distinct"], ingest["retries"]
row(f"RaiseAlert, {ingest['alerts']:,} distinct", f"{alerts_per_s:,.0f}", "alerts/s",
    f"{ceiling:,.0f}", f"{alerts_per_s / ceiling:.3f}")
row("  first / last tenth of the calls", f"{d['first_tenth_per_s']:,.0f}/{d['last_tenth_per_s']:,.0f}", "alerts/s")
row("  latency p50/p99", pct(d["latency"]), "ms")
if "redis_per_call" in d:
    cmds = d["redis_per_call"]["commands"]
    row("  redis commands per alert", f"{sum(c['calls'] for c in cmds.values()):.1f}",
        f"{d['redis_per_call']['redis_usec']:.0f} us redis")
    row("  of them HGET (active incidents read)", f"{cmds.get('hget', {}).get('calls', 0):.1f}", "")
row("  outcomes", ", ".join(f"{k} {v}" for k, v in sorted(d["outcomes"].items())), "")
row("  errors", f"{d['errors']}", "")
row("RaiseAlert retried (same request_id)", f"{dups_per_s:,.0f}", "duplicates/s",
    f"{ceiling:,.0f}", f"{dups_per_s / ceiling:.3f}")
row("  latency p50/p99", pct(r["latency"]), "ms")
row("  answered from the record / mismatched", f"{r['answered_from_record']}/{r['mismatched']}", "")
c = ingest["cpu"]
row("  cores: service / redis (both phases)", f"{c['service_cores']:.2f}/{c['redis_cores']:.2f}", "cores")
if e2e:
    row(f"complaint -> page, {e2e['probes']} probes p50/p99", pct(e2e), "ms",
        f"{$ALERTMANAGER_GROUP_WAIT_MS:,} (AM)", f"{e2e['p99_ms'] / $ALERTMANAGER_GROUP_WAIT_MS:.3f}")
    row("  max; paged / lost", f"{e2e['max_ms']:.0f}", f"ms; {e2e['paged']}/{e2e['lost']}")
    row("  submit RPC p50/p99", pct(e2e["submit_rpc"]), "ms")
    row("  submit -> incident opened p50/p99", pct(e2e["to_incident_opened"]), "ms")
    row("  opened -> page sent p50/p99", pct(e2e["opened_to_sent"]), "ms")
    row("  sent -> received p50/p99", pct(e2e["sent_to_received"]), "ms")
else:
    row("complaint -> page", "not measured", "")
for label, t in (("timer lag, no other timer pending", t0),
                 (f"timer lag, {tk['pending_in_set'] if tk else 0:,} in the set", tk)):
    if not t:
        row(label, "not measured", "")
        continue
    row(label + " p50/p99", pct(t), "ms", f"{t0['p99_ms']:.0f}" if t is tk and t0 else "",
        f"{t['p99_ms'] / t0['p99_ms']:.2f}" if t is tk and t0 and t0["p99_ms"] > 0 else "")
    row("  due -> sent / sent -> received p50", f"{t['due_to_sent']['p50_ms']:.0f}/{t['sent_to_received']['p50_ms']:.0f}", "ms")
    h = t["service_lateness_histogram"]
    if h:
        row("  service histogram p50/p99 (estimate)", f"{h['p50_ms']:.0f}/{h['p99_ms']:.0f}",
            f"ms, {h['observations']:.0f} obs")
    row("  fired / lost", f"{t['fired']}/{t['lost']}", "")
tgt = result["targets"]["e2e_p99"]
verdict = "n/a" if tgt["met"] is None else ("met" if tgt["met"] else "MISSED")
print(f"  target complaint -> page p99 <= {$TARGET_E2E_P99_MS:,} ms: {verdict}"
      + (f" ({tgt['measured_ms']:.0f} ms)" if tgt["measured_ms"] is not None else "")
      + f"; Alertmanager's default group_wait alone is {$ALERTMANAGER_GROUP_WAIT_MS // 1000} s")
print(f"  written to {sys.argv[1]}")
PY
}

main() {
  parse_args "$@"
  require redis-cli python3 curl git
  local bin
  for bin in services/alerts/sqms-alerts services/complaints/sqms-complaints \
      tools/webhook-sink/webhook-sink tools/devkafka/devkafka bench/alerts_bench; do
    [ -x "$BUILD_DIR/$bin" ] || die "$BUILD_DIR/$bin is not built (run 'make build' first)"
  done
  trap cleanup EXIT
  trap on_signal INT TERM
  local load_before
  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  stack_up
  start_sink
  write_config
  start_complaints
  start_alerts

  log "1. ceiling: EVALSHA of a trivial script and GET from $THREADS threads"
  run_step raw raw-redis --redis "$REDIS_ADDRESS" --threads "$THREADS" --calls 100000
  ingest
  resolve_all
  if [ "$PROBES" -gt 0 ]; then
    e2e
    resolve_all
  fi
  if [ "$TIMER_PROBES" -gt 0 ]; then
    timers timers-0 0
    resolve_all
    timers timers-k "$PENDING"
  fi
  stop_processes
  report "$load_before"
}

main "$@"
