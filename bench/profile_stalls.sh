#!/usr/bin/env bash
# Where intake's tail latency at half the max rate comes from (issue 6 §7,
# "attribute the stalls"; docs/benchmarks.md). Runs scripts/bench.sh
# --only complaints and, during its half-max run, samples every 100 ms:
#   - the service's own histograms: stream items
#     (sqms_rpc_latency_seconds, method StreamComplaints.item) and Redis
#     commands, enqueue to reply (sqms_redis_latency_seconds): how many,
#     and how many took over 10 ms;
#   - CPU pressure: /proc/pressure/cpu "some" (the share of the interval in
#     which at least one runnable task waited for a CPU);
#   - Redis: an AOF rewrite in progress, and fsyncs it had to delay.
# Then prints the intervals in which slow items finished and a summary: the
# loadgen's p99 beside the service's own share of items over 10 ms, and how
# the slow items split by CPU pressure and by slow Redis replies.
#
#   bench/profile_stalls.sh [--complaints N] [--out PREFIX]
#
# Writes PREFIX.samples (one line per sample) and PREFIX.txt (the summary).
# Needs nothing beyond make bench's packages; run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
N=100000 OUT=run/profile-stalls
while [ $# -gt 0 ]; do
  case "$1" in
    --complaints) N="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "profile_stalls: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -r /proc/pressure/cpu ] || { echo "profile_stalls: needs /proc/pressure/cpu (PSI)" >&2; exit 2; }
mkdir -p "$(dirname "$OUT")"
log="$OUT.bench.log"
# shellcheck source=bench/profile_lib.sh
source bench/profile_lib.sh
start_bench "$log" --only complaints --complaints "$N"
await_log "$log" 'halfmax: .* complaints over' 0.05
metrics="$(grep -o 'metrics 127.0.0.1:[0-9]*' "$log" | tail -1 | cut -d' ' -f2)"
pid="$(grep -o 'service pid [0-9]*' "$log" | tail -1 | awk '{print $3}')"
redis_port="$(ss -ltnp 2>/dev/null | awk '/redis-server/ {split($4, a, ":"); print a[2]; exit}')"

# One line: unix time, items, items > 10 ms, Redis replies, replies > 10 ms,
# PSI some total (us), AOF rewrite in progress, delayed fsyncs.
sample() {
  local now m psi info
  now="$(date +%s.%N)"
  m="$(curl -s "http://$metrics/metrics")" || return 1
  psi="$(awk '/^some/ {split($5, a, "="); print a[2]}' /proc/pressure/cpu)"
  info="$(redis-cli -p "$redis_port" INFO persistence 2>/dev/null | tr -d '\r')"
  awk -v now="$now" -v psi="$psi" \
      -v rewrite="$(sed -n 's/^aof_rewrite_in_progress://p' <<<"$info")" \
      -v delayed="$(sed -n 's/^aof_delayed_fsync://p' <<<"$info")" '
    # Summed over the series (one per status code).
    /^sqms_rpc_latency_seconds_bucket/ && /method="StreamComplaints.item"/ {
      if ($0 ~ /le="0.01"/) items_fast += $NF
      if ($0 ~ /le="\+Inf"/) items += $NF
    }
    /^sqms_redis_latency_seconds_bucket/ {
      if ($0 ~ /le="0.01"/) redis_fast += $NF
      if ($0 ~ /le="\+Inf"/) redis += $NF
    }
    END {
      printf "%s %d %d %d %d %s %s %s\n", now, items, items - items_fast, redis,
             redis - redis_fast, psi, rewrite + 0, delayed + 0
    }' <<<"$m"
}

: >"$OUT.samples"
while kill -0 "$pid" 2>/dev/null && ! grep -q 'halfmax: {' "$log"; do
  sample >>"$OUT.samples" || break
  sleep 0.1
done
wait "$bench" || { cat "$log" >&2; exit 1; }
trap - EXIT

python3 - "$OUT.samples" "$log" <<'PY' | tee "$OUT.txt"
import json, re, sys
rows = [list(map(float, line.split())) for line in open(sys.argv[1]) if line.strip()]
half = None
for line in open(sys.argv[2]):
    m = re.search(r"halfmax: (\{.*\})", line)
    if m:
        half = json.loads(m.group(1))
intervals = []
for a, b in zip(rows, rows[1:]):
    dt = b[0] - a[0]
    if dt <= 0:
        continue
    intervals.append({
        "t": b[0] - rows[0][0], "items": b[1] - a[1], "slow": b[2] - a[2],
        "redis": b[3] - a[3], "redis_slow": b[4] - a[4],
        "pressure": (b[5] - a[5]) / 1e6 / dt, "rewrite": b[6], "delayed_fsync": b[7] - a[7]})
items = sum(i["items"] for i in intervals)
slow = sum(i["slow"] for i in intervals)
print("interval  items  >10ms  redis>10ms  cpu-pressure  aof-rewrite  delayed-fsync")
for i in intervals:
    if i["slow"] or i["redis_slow"] or i["delayed_fsync"]:
        print(f"{i['t']:7.1f}s {i['items']:6.0f} {i['slow']:6.0f} {i['redis_slow']:10.0f} "
              f"{i['pressure']:12.0%} {i['rewrite']:11.0f} {i['delayed_fsync']:14.0f}")
if half:
    print(f"loadgen at {half.get('target_rate_per_s', 0):,.0f}/s: p50 {half['p50_ms']:.1f} ms, "
          f"p99 {half['p99_ms']:.1f} ms, p99.9 {half['p999_ms']:.1f} ms")
if items:
    print(f"the service's own items over 10 ms: {slow:.0f} of {items:.0f} ({slow / items:.2%})")
    for lo, hi in ((0, 0.25), (0.25, 0.5), (0.5, 0.75), (0.75, 10)):
        sel = [i for i in intervals if lo <= i["pressure"] < hi]
        n = sum(i["items"] for i in sel)
        s = sum(i["slow"] for i in sel)
        print(f"  cpu pressure {lo:.0%}-{min(hi, 1):.0%}: {len(sel)} intervals, {n:.0f} items, "
              f"{s:.0f} over 10 ms" + (f" ({s / n:.2%})" if n else ""))
    with_redis = sum(i["slow"] for i in intervals if i["redis_slow"] > 0)
    print(f"  slow items in intervals with a Redis reply over 10 ms: {with_redis:.0f}")
    print(f"  intervals with an AOF rewrite: {sum(1 for i in intervals if i['rewrite'])}, "
          f"delayed fsyncs: {sum(i['delayed_fsync'] for i in intervals):.0f}")
PY
