# Sourced by the bench/profile_*.sh scripts: scripts/bench.sh in the
# background, and a wait for the step to profile.

# start_bench LOG ARGS...: runs scripts/bench.sh ARGS with its output in LOG;
# sets $bench to its pid and kills it if the caller exits early.
start_bench() {
  local log="$1"; shift
  bash scripts/bench.sh "$@" >"$log" 2>&1 &
  bench=$!
  trap 'kill "$bench" 2>/dev/null || true' EXIT
}

# await_log LOG PATTERN INTERVAL: waits until LOG has a line matching the
# grep PATTERN; exits with the log when the bench ended first.
await_log() {
  until grep -q "$2" "$1" 2>/dev/null; do
    kill -0 "$bench" 2>/dev/null || { cat "$1" >&2; exit 1; }
    sleep "$3"
  done
}
