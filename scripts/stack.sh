#!/usr/bin/env bash
# The local stack: real components on free ports, for the demo, the
# benchmarks and manual runs.
#
#   scripts/stack.sh up [--run-dir DIR] [--brokers N] [--with-monitoring] [--redis-cluster]
#   scripts/stack.sh down [--run-dir DIR]
#   scripts/stack.sh status [--run-dir DIR]
#   scripts/stack.sh env [--run-dir DIR]          # `eval "$(scripts/stack.sh env)"`
#   scripts/stack.sh kafka [--run-dir DIR] LINE   # devkafka control, e.g. "down all"
#
# Components:
#   redis       Debian's redis-server, AOF on (appendfsync everysec), data in
#               $RUN_DIR/redis
#   redis-node-0..5 (--redis-cluster, instead of redis): a Redis Cluster of
#               three primaries with one replica each (--cluster-enabled yes,
#               created by redis-cli --cluster create), AOF everysec, data in
#               $RUN_DIR/redis-node-N; stack.env then sets SQMS_REDIS_MODE=cluster
#               and SQMS_REDIS_ADDRESS to the six nodes, comma-separated
#   devkafka    build/tools/devkafka/devkafka: librdkafka's in-memory mock
#               cluster (not durable), suite topics created, control FIFO at
#               $RUN_DIR/devkafka.ctl
#   prometheus, alertmanager (--with-monitoring): configs rendered from
#               deploy/prometheus and deploy/alertmanager into $RUN_DIR
#
# `up` writes $RUN_DIR/stack.env (KEY=VALUE lines: SQMS_REDIS_ADDRESS,
# KAFKA_BROKERS, SQMS_GRPC_LISTEN and SQMS_METRICS_LISTEN reserved for the
# complaints service, METRICS_SERVICE_GRPC_LISTEN and
# METRICS_SERVICE_METRICS_LISTEN reserved for sqms-metrics,
# ALERTS_SERVICE_{GRPC,METRICS,WEBHOOK}_LISTEN for sqms-alerts (Prometheus
# scrapes the three services), PROMETHEUS_URL, ALERTMANAGER_URL), one <name>.pid and
# <name>.log per component. `down` stops everything (SIGTERM, then SIGKILL
# after $SQMS_STOP_TIMEOUT seconds, default 15) and is idempotent.
#
# Environment: SQMS_RUN_DIR (default run/stack), SQMS_BUILD_DIR (default
# build), DEVKAFKA_BIN, SQMS_START_TIMEOUT (seconds, default 30).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly CLUSTER_NODES=(redis-node-0 redis-node-1 redis-node-2 redis-node-3 redis-node-4 redis-node-5)
readonly COMPONENTS=(alertmanager prometheus devkafka redis "${CLUSTER_NODES[@]}")  # stop order
START_TIMEOUT="${SQMS_START_TIMEOUT:-30}"
STOP_TIMEOUT="${SQMS_STOP_TIMEOUT:-15}"

RUN_DIR="${SQMS_RUN_DIR:-$REPO_ROOT/run/stack}"
BROKERS=3
WITH_MONITORING=0
REDIS_CLUSTER=0
CLUSTER_SEEDS=""

export SCRIPT_NAME=stack  # read by lib.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}


# Prints N TCP ports that were free on 127.0.0.1 a moment ago. All sockets
# are held until every port is chosen, so the N ports are distinct.
free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
PY
}

pid_file() { echo "$RUN_DIR/$1.pid"; }
log_file() { echo "$RUN_DIR/$1.log"; }

# Prints the pid of a running component; fails when it is not running.
running_pid() {
  local file pid
  file="$(pid_file "$1")"
  [ -s "$file" ] || return 1
  pid="$(cat "$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# Starts a component in its own session (Ctrl-C in the caller's terminal does
# not reach it; the caller stops it with `down`), stdout/stderr to its log.
spawn() {
  local name="$1"; shift
  local log
  log="$(log_file "$name")"
  : >"$log"
  setsid "$@" >>"$log" 2>&1 </dev/null &
  echo $! >"$(pid_file "$name")"
}

# Reports a component that did not come up, with the tail of its log.
fail_component() {
  local name="$1" reason="$2"
  {
    echo "stack: error: $name did not come up: $reason"
    echo "----- last lines of $(log_file "$name") -----"
    tail -n 30 "$(log_file "$name")" 2>/dev/null || true
    echo "-----"
  } >&2
  stop_all
  exit 1
}

# Polls `check` (a function name plus args) until it succeeds; fails the
# component when the process dies or START_TIMEOUT passes.
await_ready() {
  local name="$1"; shift
  local deadline=$((SECONDS + START_TIMEOUT))
  while ! "$@" >/dev/null 2>&1; do
    running_pid "$name" >/dev/null || fail_component "$name" "process exited"
    [ "$SECONDS" -lt "$deadline" ] || fail_component "$name" "not ready after ${START_TIMEOUT}s"
    sleep 0.2
  done
}

redis_ready() { [ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = "PONG" ]; }
file_ready() { [ -s "$1" ]; }
http_ready() { curl -fsS -o /dev/null --max-time 2 "$1"; }

# write_redis_conf DIR PORT [EXTRA_LINE...]: DIR/redis.conf for one node,
# AOF every second, loopback only; extra lines (cluster settings) appended.
# rdbcompression no: the AOF rewrite's RDB part skips LZF, which costs 40 %
# of the rewrite's CPU and saves 8 % of the file on our records (protobuf
# and UTF-8 text; measured on a bench run's data; README, "Redis in production").
# Not hash-max-listpack-value 1024: it makes a complaint a third of the
# memory but costs the metrics service's checkpoints a quarter more Redis
# CPU (same README section).
write_redis_conf() {
  local dir="$1" port="$2"
  shift 2
  mkdir -p "$dir"
  {
    echo "# Generated by scripts/stack.sh"
    printf '%s\n' "bind 127.0.0.1" "port $port" "dir $dir" "daemonize no" 'save ""' \
      "appendonly yes" "appendfsync everysec" "rdbcompression no" \
      "protected-mode yes" "loglevel notice" "$@"
  } >"$dir/redis.conf"
}

start_redis() {
  local port="$1" dir="$RUN_DIR/redis"
  write_redis_conf "$dir" "$port"
  spawn redis redis-server "$dir/redis.conf"
  await_ready redis redis_ready "$port"
  log "redis       127.0.0.1:$port (AOF in $dir)"
}

cluster_ok() { redis-cli -h 127.0.0.1 -p "$1" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; }

# Six cluster-enabled nodes (each with its own free bus port), made into
# three primaries with one replica each; sets CLUSTER_SEEDS.
start_redis_cluster() {
  local ports bus_ports i port dir name seeds=()
  read -r -a ports <<<"$(free_ports 6)"
  read -r -a bus_ports <<<"$(free_ports 6)"
  for i in 0 1 2 3 4 5; do
    name="${CLUSTER_NODES[$i]}" port="${ports[$i]}" dir="$RUN_DIR/${CLUSTER_NODES[$i]}"
    rm -f "$dir/nodes.conf" "$dir"/appendonly*  # a fresh cluster each time
    write_redis_conf "$dir" "$port" "cluster-enabled yes" "cluster-port ${bus_ports[$i]}" \
      "cluster-config-file $dir/nodes.conf" "cluster-node-timeout 5000"
    spawn "$name" redis-server "$dir/redis.conf"
    seeds+=("127.0.0.1:$port")
  done
  for i in 0 1 2 3 4 5; do await_ready "${CLUSTER_NODES[$i]}" redis_ready "${ports[$i]}"; done
  redis-cli --cluster create "${seeds[@]}" --cluster-replicas 1 --cluster-yes \
    >"$RUN_DIR/redis-cluster-create.log" 2>&1 ||
    fail_component redis-node-0 "redis-cli --cluster create failed (see $RUN_DIR/redis-cluster-create.log)"
  for i in 0 1 2 3 4 5; do await_ready "${CLUSTER_NODES[$i]}" cluster_ok "${ports[$i]}"; done
  CLUSTER_SEEDS="$(IFS=,; echo "${seeds[*]}")"
  log "redis       cluster of 3 primaries + 3 replicas: $CLUSTER_SEEDS"
}

start_devkafka() {
  local bin="${DEVKAFKA_BIN:-${SQMS_BUILD_DIR:-$REPO_ROOT/build}/tools/devkafka/devkafka}"
  [ -x "$bin" ] || die "devkafka not built: $bin (run 'make build' first)"
  local bootstrap_file="$RUN_DIR/kafka.bootstrap"
  # devkafka creates its control FIFO; a stale one from a killed run goes.
  rm -f "$bootstrap_file" "$RUN_DIR/devkafka.ctl"
  spawn devkafka "$bin" --brokers "$BROKERS" --bootstrap-file "$bootstrap_file" \
    --control "$RUN_DIR/devkafka.ctl"
  await_ready devkafka file_ready "$bootstrap_file"
  log "devkafka    $(cat "$bootstrap_file") ($BROKERS brokers, in-memory)"
}

start_monitoring() {
  local prom_port="$1" am_port="$2" metrics_listen="$3" kpi_metrics_listen="$4"
  local alerts_metrics_listen="$5" alerts_webhook_listen="$6"
  require prometheus prometheus-alertmanager curl
  local am_dir="$RUN_DIR/alertmanager" prom_dir="$RUN_DIR/prometheus"
  mkdir -p "$am_dir/data" "$prom_dir/data"
  # The shipped config with the suite's own alerts routed to the local
  # sqms-alerts receiver (the port reserved below) and its token.
  echo "local-alertmanager-token" >"$am_dir/alerts-webhook-token"
  sed -e "s|http://alerts.sqms.svc:9095/|http://$alerts_webhook_listen/|" \
    -e "s|credentials_file: /etc/alertmanager/secrets/alerts-webhook-token/token|credentials_file: $am_dir/alerts-webhook-token|" \
    "$REPO_ROOT/deploy/alertmanager/alertmanager.yml" >"$am_dir/alertmanager.yml"
  # --cluster.listen-address= turns gossip off: one local instance, no port 9094.
  spawn alertmanager prometheus-alertmanager \
    --config.file="$am_dir/alertmanager.yml" --storage.path="$am_dir/data" \
    --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address=
  await_ready alertmanager http_ready "http://127.0.0.1:$am_port/-/ready"
  log "alertmanager http://127.0.0.1:$am_port"

  bash "$REPO_ROOT/deploy/prometheus/render.sh" --out "$prom_dir" \
    --complaints "$metrics_listen" --metrics "$kpi_metrics_listen" --alerts "$alerts_metrics_listen" \
    --alertmanager "127.0.0.1:$am_port" --prometheus "127.0.0.1:$prom_port"
  spawn prometheus prometheus --config.file="$prom_dir/prometheus.yml" \
    --storage.tsdb.path="$prom_dir/data" --web.listen-address="127.0.0.1:$prom_port"
  await_ready prometheus http_ready "http://127.0.0.1:$prom_port/-/ready"
  log "prometheus  http://127.0.0.1:$prom_port (scrapes complaints at $metrics_listen, metrics at $kpi_metrics_listen, alerts at $alerts_metrics_listen)"
}

cmd_up() {
  require python3 redis-server redis-cli setsid
  local name
  for name in "${COMPONENTS[@]}"; do
    if running_pid "$name" >/dev/null; then
      die "$name is already running from $RUN_DIR (pid $(running_pid "$name")); run 'scripts/stack.sh down --run-dir $RUN_DIR' first"
    fi
  done
  mkdir -p "$RUN_DIR"
  rm -f "$RUN_DIR/stack.env"

  local redis_port grpc_port metrics_port prom_port am_port kpi_grpc_port kpi_metrics_port
  local alerts_grpc_port alerts_metrics_port alerts_webhook_port
  read -r redis_port grpc_port metrics_port prom_port am_port kpi_grpc_port kpi_metrics_port \
    alerts_grpc_port alerts_metrics_port alerts_webhook_port <<<"$(free_ports 10)"

  if [ "$REDIS_CLUSTER" -eq 1 ]; then
    start_redis_cluster
  else
    start_redis "$redis_port"
  fi
  start_devkafka
  if [ "$WITH_MONITORING" -eq 1 ]; then
    start_monitoring "$prom_port" "$am_port" "127.0.0.1:$metrics_port" "127.0.0.1:$kpi_metrics_port" \
      "127.0.0.1:$alerts_metrics_port" "127.0.0.1:$alerts_webhook_port"
  fi

  local env_file="$RUN_DIR/stack.env"
  {
    echo "# Generated by scripts/stack.sh up; source with 'set -a; . $env_file; set +a'"
    echo "SQMS_RUN_DIR=$RUN_DIR"
    if [ "$REDIS_CLUSTER" -eq 1 ]; then
      echo "SQMS_REDIS_MODE=cluster"
      echo "SQMS_REDIS_ADDRESS=$CLUSTER_SEEDS"
    else
      echo "SQMS_REDIS_ADDRESS=127.0.0.1:$redis_port"
    fi
    echo "KAFKA_BROKERS=$(cat "$RUN_DIR/kafka.bootstrap")"
    echo "SQMS_DEVKAFKA_CONTROL=$RUN_DIR/devkafka.ctl"
    # Free ports reserved for the complaints service (Prometheus scrapes this one).
    echo "SQMS_GRPC_LISTEN=127.0.0.1:$grpc_port"
    echo "SQMS_METRICS_LISTEN=127.0.0.1:$metrics_port"
    # Free ports reserved for sqms-metrics (Prometheus scrapes the second one).
    # Not SQMS_-prefixed: the services read SQMS_* as their flags' defaults.
    echo "METRICS_SERVICE_GRPC_LISTEN=127.0.0.1:$kpi_grpc_port"
    echo "METRICS_SERVICE_METRICS_LISTEN=127.0.0.1:$kpi_metrics_port"
    # Free ports reserved for sqms-alerts: gRPC, /metrics (scraped) and the
    # receiver of Alertmanager's webhook (Alertmanager routes to it).
    echo "ALERTS_SERVICE_GRPC_LISTEN=127.0.0.1:$alerts_grpc_port"
    echo "ALERTS_SERVICE_METRICS_LISTEN=127.0.0.1:$alerts_metrics_port"
    echo "ALERTS_SERVICE_WEBHOOK_LISTEN=127.0.0.1:$alerts_webhook_port"
    if [ "$WITH_MONITORING" -eq 1 ]; then
      echo "PROMETHEUS_URL=http://127.0.0.1:$prom_port"
      echo "ALERTMANAGER_URL=http://127.0.0.1:$am_port"
    fi
  } >"$env_file.tmp"
  mv "$env_file.tmp" "$env_file"
  log "up; environment in $env_file"
  cat "$env_file"
}

# SIGTERM, wait up to STOP_TIMEOUT, then SIGKILL. Quiet when not running.
stop_component() {
  local name="$1" pid deadline
  if pid="$(running_pid "$name")"; then
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + STOP_TIMEOUT))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) ignored SIGTERM for ${STOP_TIMEOUT}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    else
      log "$name stopped"
    fi
  fi
  rm -f "$(pid_file "$name")"
}

stop_all() {
  local name
  for name in "${COMPONENTS[@]}"; do
    stop_component "$name"
  done
}

cmd_down() {
  [ -d "$RUN_DIR" ] || { log "nothing to stop in $RUN_DIR"; return 0; }
  stop_all
  rm -f "$RUN_DIR/stack.env"
  log "down"
}

cmd_status() {
  local name pid any_down=0
  for name in redis "${CLUSTER_NODES[@]}" devkafka prometheus alertmanager; do
    # Cluster nodes are listed only for a cluster stack.
    [[ "$name" == redis-node-* && ! -e "$(pid_file "$name")" ]] && continue
    if pid="$(running_pid "$name")"; then
      printf '%-13s running (pid %s)\n' "$name" "$pid"
    elif [ -e "$(pid_file "$name")" ]; then
      printf '%-13s DEAD (see %s)\n' "$name" "$(log_file "$name")"
      any_down=1
    else
      printf '%-13s not started\n' "$name"
    fi
  done
  [ -s "$RUN_DIR/stack.env" ] && grep -v '^#' "$RUN_DIR/stack.env"
  return "$any_down"
}

cmd_env() {
  [ -s "$RUN_DIR/stack.env" ] || die "no stack in $RUN_DIR (run 'scripts/stack.sh up' first)"
  local line
  while IFS= read -r line; do
    case "$line" in
      '#'* | '') ;;
      *) printf 'export %s=%q\n' "${line%%=*}" "${line#*=}" ;;
    esac
  done <"$RUN_DIR/stack.env"
}

# Writes one control line to devkafka's FIFO, e.g. "down all" / "up all",
# waits for devkafka's acknowledgement ("ok <line>" or "error <line>: why" in
# <fifo>.out), prints it, and fails on an error.
cmd_kafka() {
  [ $# -gt 0 ] || die "kafka: a control line is required, e.g. 'down all'"
  local ctl="$RUN_DIR/devkafka.ctl" line="$*" acks before deadline reply
  acks="$ctl.out"
  running_pid devkafka >/dev/null || die "devkafka is not running in $RUN_DIR"
  [ -p "$ctl" ] || die "$ctl is not a FIFO"
  before="$(wc -l <"$acks" 2>/dev/null || echo 0)"
  # A FIFO write blocks until a reader has it open; never hang the caller.
  # shellcheck disable=SC2016  # $1/$2 expand in the child shell
  timeout 5 bash -c 'printf "%s\n" "$1" >"$2"' _ "$line" "$ctl" ||
    die "devkafka did not read its control FIFO $ctl within 5s"
  deadline=$((SECONDS + 5))
  while [ "$(wc -l <"$acks" 2>/dev/null || echo 0)" -le "$before" ]; do
    [ "$SECONDS" -lt "$deadline" ] || die "no acknowledgement of '$line' in $acks within 5s"
    sleep 0.05
  done
  reply="$(sed -n "$((before + 1))p" "$acks")"
  echo "$reply"
  [[ "$reply" == ok* ]]
}

main() {
  [ $# -gt 0 ] || usage 1
  local command="$1"; shift
  local rest=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --run-dir) RUN_DIR="${2:?--run-dir needs a directory}"; shift 2 ;;
      --brokers) BROKERS="${2:?--brokers needs a number}"; shift 2 ;;
      --with-monitoring) WITH_MONITORING=1; shift ;;
      --redis-cluster) REDIS_CLUSTER=1; shift ;;
      -h | --help) usage 0 ;;
      *) rest+=("$1"); shift ;;
    esac
  done
  [[ "$BROKERS" =~ ^[1-9][0-9]*$ ]] || die "--brokers: '$BROKERS' is not a positive number"
  mkdir -p "$(dirname "$RUN_DIR")"
  RUN_DIR="$(cd "$(dirname "$RUN_DIR")" && pwd)/$(basename "$RUN_DIR")"

  case "$command" in
    up) [ ${#rest[@]} -eq 0 ] || die "up: unexpected '${rest[*]}'"; cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    env) cmd_env ;;
    kafka) cmd_kafka "${rest[@]}" ;;
    -h | --help | help) usage 0 ;;
    *) echo "stack: unknown command '$command'" >&2; usage 1 ;;
  esac
}

main "$@"
