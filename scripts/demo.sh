#!/usr/bin/env bash
# make demo: the suite running locally, fed by a call-center simulation.
#
#   scripts/demo.sh [--keep-running] [--complaints N] [--contact-events N]
#
# 1. starts the local stack (Redis, devkafka, Prometheus, Alertmanager) and
#    the complaints service on free ports (scripts/stack.sh);
# 2. streams a realistic sample of complaints and contact events
#    (sqms-loadgen: hotline, counter, app, web and email complaints in
#    Chinese and English, duplicates, retried submissions, calls, surveys,
#    an outage);
# 3. takes complaints through the lifecycle with sqmsctl: one all the way to
#    closed, one reopened by an unsatisfied follow-up, one waiting on the
#    customer (SLA clock paused) and escalated;
# 4. prints what happened: complaints by category, priority and department,
#    SLA state, the events on Kafka, what Prometheus scraped;
# 5. stops everything (also on Ctrl-C) unless --keep-running.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${SQMS_BUILD_DIR:-$REPO_ROOT/build}"
RUN_DIR="${SQMS_DEMO_DIR:-$REPO_ROOT/run/demo}"
KEEP_RUNNING=0
COMPLAINTS=300
CONTACT_EVENTS=400
SERVICE_PID=""

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
export SCRIPT_NAME=demo  # read by lib.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --keep-running) KEEP_RUNNING=1; shift ;;
    --complaints) COMPLAINTS="$2"; shift 2 ;;
    --contact-events) CONTACT_EVENTS="$2"; shift 2 ;;
    -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

SQMSCTL="$BUILD_DIR/tools/sqmsctl/sqmsctl"
LOADGEN="$BUILD_DIR/tools/loadgen/sqms-loadgen"
EVENTS="$BUILD_DIR/tools/events/sqms-events"
SERVICE="$BUILD_DIR/services/complaints/sqms-complaints"
for bin in "$SQMSCTL" "$LOADGEN" "$EVENTS" "$SERVICE"; do
  [ -x "$bin" ] || die "$bin is missing: run 'make build' first"
done

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$SERVICE_PID" ] && kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill -TERM "$SERVICE_PID" 2>/dev/null || true
    wait "$SERVICE_PID" 2>/dev/null || true
  fi
  SQMS_RUN_DIR="$RUN_DIR" bash "$REPO_ROOT/scripts/stack.sh" down >/dev/null 2>&1 || true
  [ "$status" -eq 0 ] && echo "demo: stopped cleanly; logs in $RUN_DIR"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_stack() {
  say "Starting Redis, devkafka (3 brokers), Prometheus and Alertmanager"
  rm -rf "$RUN_DIR"
  SQMS_RUN_DIR="$RUN_DIR" SQMS_BUILD_DIR="$BUILD_DIR" \
    bash "$REPO_ROOT/scripts/stack.sh" up --with-monitoring
  set -a
  # shellcheck disable=SC1091
  . "$RUN_DIR/stack.env"
  set +a
}

start_service() {
  say "Starting the complaints service"
  cat >"$RUN_DIR/tokens.txt" <<'EOF'
demo-agent-token      agent.li       agent
demo-supervisor-token supervisor.wang supervisor
demo-admin-token      admin.zhao     admin
demo-loadgen-token    callcenter-sim service
EOF
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$RUN_DIR/pii.key"
  "$SERVICE" --tokens-file "$RUN_DIR/tokens.txt" --pii-key-file "$RUN_DIR/pii.key" \
    --triage-config "$REPO_ROOT/services/complaints/config/triage.yaml" \
    --triage-training-data "$(triage_training_data "$REPO_ROOT")" \
    --ready-file "$RUN_DIR/complaints.ready" >"$RUN_DIR/complaints.log" 2>&1 &
  SERVICE_PID=$!
  for _ in $(seq 1 150); do
    [ -s "$RUN_DIR/complaints.ready" ] && break
    kill -0 "$SERVICE_PID" 2>/dev/null || { tail -5 "$RUN_DIR/complaints.log"; die "service exited"; }
    sleep 0.2
  done
  [ -s "$RUN_DIR/complaints.ready" ] || die "service not ready after 30 s (see $RUN_DIR/complaints.log)"
  GRPC_PORT=$(jq -r .grpc_port "$RUN_DIR/complaints.ready")
  METRICS_PORT=$(jq -r .metrics_port "$RUN_DIR/complaints.ready")
  export SQMS_SERVER="127.0.0.1:$GRPC_PORT"
  echo "gRPC on $SQMS_SERVER, /metrics on 127.0.0.1:$METRICS_PORT"
}

simulate_call_center() {
  say "Call-center simulation: $COMPLAINTS complaints, $CONTACT_EVENTS contact events"
  SQMS_TOKEN=demo-loadgen-token "$LOADGEN" --mode demo --complaints "$COMPLAINTS" \
    --contact-events "$CONTACT_EVENTS" --streams 2 --ids-out "$RUN_DIR/ids.txt"
}

ctl() { SQMS_TOKEN=demo-supervisor-token "$SQMSCTL" "$@"; }

walk_lifecycles() {
  mapfile -t ids < <(head -3 "$RUN_DIR/ids.txt")
  [ "${#ids[@]}" -eq 3 ] || die "the simulation accepted fewer than 3 complaints"
  local a="${ids[0]}" b="${ids[1]}" c="${ids[2]}"

  say "Complaint $a: the whole lifecycle, receive → close"
  ctl assign "$a" --department customer-service --assignee agent.li >/dev/null
  ctl start "$a" --note "called the passenger back" >/dev/null
  ctl wait "$a" --note "waiting for the ticket number" >/dev/null
  ctl resume "$a" >/dev/null
  ctl resolve "$a" --findings "announcement system failed at the platform" \
    --root-cause "faulty amplifier" --action "amplifier replaced; daily check added" >/dev/null
  ctl reply "$a" --message "We are sorry; the fault is fixed and checked daily." >/dev/null
  ctl follow-up "$a" --satisfied --score 5 --comment "quick and polite" >/dev/null
  ctl close "$a" >/dev/null
  ctl get "$a"

  say "Complaint $b: unsatisfied follow-up reopens it"
  ctl assign "$b" --department customer-service >/dev/null
  ctl start "$b" >/dev/null
  ctl resolve "$b" --findings "refund delayed" --root-cause "batch job" --action "refunded" >/dev/null
  ctl reply "$b" --message "Your refund was issued." >/dev/null
  ctl follow-up "$b" --unsatisfied --score 2 --comment "still no money" >/dev/null
  ctl get "$b" | head -3

  say "Complaint $c: waiting on the customer (SLA clock paused), escalated"
  ctl assign "$c" --department customer-service >/dev/null
  ctl start "$c" >/dev/null
  ctl escalate "$c" --note "VIP member, supervisor informed" >/dev/null
  ctl wait "$c" --note "asked for photos" >/dev/null
  ctl get "$c" | head -3

  say "Triage explained (nothing is created): Traditional Chinese, a negation"
  ctl triage explain "車廂連接處冒煙了，有燒焦味，請馬上派人" --station 北京南
  echo
  ctl triage explain "不是安全问题，就是厕所太脏了"

  say "An agent overrides triage: recorded from → to and counted by category pair"
  ctl reclassify "$c" --category facilities --note "it is the broken flush" | head -5
  curl -fsS "127.0.0.1:$METRICS_PORT/metrics" | grep '^sqms_complaints_triage_overrides_total' |
    grep -v ' 0$' || true

  say "Errors are clear: an illegal transition and a bad submission"
  ctl resolve "$a" --findings x --root-cause y --action z || true
  ctl submit --channel hotline --title "" --content "x" --phone 12 || true
}

summarise() {
  say "What happened"
  ctl list --all --page-size 500 -o json >"$RUN_DIR/complaints.json"
  jq -r '
    def short: tostring | sub("^(CATEGORY|PRIORITY|STATUS)_"; "") | ascii_downcase;
    def count(f): map(f | short) | group_by(.) | map("  \(.[0]): \(length)") | .[];
    .complaints as $c
    | "complaints: \($c | length)",
      "by category:", ($c | count(.category)),
      "by priority:", ($c | count(.priority)),
      "by department:", ($c | count(.department)),
      "by status:", ($c | count(.status)),
      "duplicates linked: \([$c[] | select(.duplicateOf)] | length)",
      "SLA: \([$c[] | select(any(.sla.deadlines[]?; .breached))] | length) breached, \([$c[] | select(any(.sla.deadlines[]?; .atRisk))] | length) at risk, \([$c[] | select(.sla.paused)] | length) paused"
  ' "$RUN_DIR/complaints.json"

  say "Events on Kafka"
  "$EVENTS" --brokers "$KAFKA_BROKERS" --topic sqms.complaints.v1
  "$EVENTS" --brokers "$KAFKA_BROKERS" --topic sqms.contact.v1

  say "Service metrics (/metrics) and Prometheus"
  curl -s "127.0.0.1:$METRICS_PORT/metrics" |
    grep -E '^sqms_(outbox_depth|kafka_delivered_total|kafka_delivery_errors_total) ' || true
  local query='sum(sqms_complaints_submitted_total)' value=""
  for _ in $(seq 1 40); do
    value=$(curl -s --get "$PROMETHEUS_URL/api/v1/query" --data-urlencode "query=$query" |
      jq -r '.data.result[0].value[1] // empty')
    [ -n "$value" ] && break
    sleep 0.5
  done
  echo "Prometheus ($PROMETHEUS_URL) scraped $query = ${value:-not yet scraped}"
}

start_stack
start_service
simulate_call_center
walk_lifecycles
summarise

if [ "$KEEP_RUNNING" -eq 1 ]; then
  say "Still running (Ctrl-C stops everything)"
  echo "  export SQMS_SERVER=$SQMS_SERVER SQMS_TOKEN=demo-supervisor-token"
  echo "  $SQMSCTL list --status received"
  echo "  Prometheus: $PROMETHEUS_URL   Alertmanager: ${ALERTMANAGER_URL:-}"
  wait "$SERVICE_PID"
fi
