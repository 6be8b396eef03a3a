#!/usr/bin/env bash
# Per-complaint cost of the intake, for attributing a change in `make bench`
# (docs/benchmarks.md, "Where the extra CPU goes"). Runs scripts/bench.sh
# with N complaints and, in a window of the max-rate run, measures the
# service with perf (Debian package linux-perf; not needed by make bench):
#
#   bench/profile_intake.sh [--complaints N] [--window S] [--out PREFIX]
#                           [--call-graph fp|dwarf]
#
# Writes PREFIX.txt: complaints in the window, service CPU per complaint,
# futex calls and context switches per complaint; PREFIX.perf.data for
# `perf report -i PREFIX.perf.data --no-children -n --sort dso`. Compare two
# commits by running it in a worktree of each, one after the other. make's
# build/ is Release, without debug info: for source lines and inlined frames
# profile a RelWithDebInfo build (`cmake -S . -B build-prof
# -DCMAKE_BUILD_TYPE=RelWithDebInfo`, then BUILD_DIR=build-prof).
set -euo pipefail
cd "$(dirname "$0")/.."
N=60000 WINDOW=6 OUT=run/profile-intake CALL_GRAPH=fp
while [ $# -gt 0 ]; do
  case "$1" in
    --complaints) N="$2"; shift 2 ;;
    --window) WINDOW="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --call-graph) CALL_GRAPH="$2"; shift 2 ;;  # dwarf: whole stacks, larger files
    *) echo "profile_intake: unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v perf >/dev/null || { echo "profile_intake: needs perf (apt install linux-perf)" >&2; exit 2; }
mkdir -p "$(dirname "$OUT")"
BUILD_DIR="${BUILD_DIR:-build}"
log="$OUT.bench.log"
# shellcheck source=bench/profile_lib.sh
source bench/profile_lib.sh
start_bench "$log" --complaints "$N" --streams 8
await_log "$log" '^bench: max:' 0.3
pid="$(pgrep -f "$PWD/$BUILD_DIR/services/complaints/sqms-complaints" | head -1)"
metrics="$(grep -o 'metrics 127.0.0.1:[0-9]*' "$log" | head -1 | cut -d: -f2)"
sleep 2  # past the stream set-up
submitted() {
  curl -s "http://127.0.0.1:$metrics/metrics" |
    awk '/^sqms_complaints_submitted_total/ {s += $2} END {printf "%d", s}'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
c0="$(submitted)" t0="$(cpu_ticks)"
perf stat -x, -e 'syscalls:sys_enter_futex,context-switches' -p "$pid" -o "$OUT.stat" -- \
  perf record -F 499 --call-graph "$CALL_GRAPH" -p "$pid" -o "$OUT.perf.data" -- sleep "$WINDOW" >/dev/null 2>&1
c1="$(submitted)" t1="$(cpu_ticks)"
wait "$bench"
trap - EXIT
n=$((c1 - c0))
hz="$(getconf CLK_TCK)"
awk -F, -v n="$n" -v ticks="$((t1 - t0))" -v hz="$hz" '
  /sys_enter_futex/ {futex = $1} /context-switches/ {cs = $1}
  END {
    printf "complaints in the window: %d\n", n
    printf "service CPU per complaint: %.0f us\n", ticks / hz / n * 1e6
    printf "futex calls per complaint: %.2f\n", futex / n
    printf "context switches per complaint: %.2f\n", cs / n
  }' "$OUT.stat" | tee "$OUT.txt"
