#!/usr/bin/env bash
# make demo: the suite running locally, fed by a call-center simulation.
#
#   scripts/demo.sh [--build] [--keep-running] [--complaints N] [--contact-events N]
#
# 0. with --build (make demo): builds what it runs, quietly (log in
#    run/demo-build.log, its tail printed only when the build fails);
# 1. starts the local stack (Redis, devkafka, Prometheus, Alertmanager) and
#    the complaints service on free ports (scripts/stack.sh), with the demo
#    SLA targets (scripts/demo/sla.yaml: P1 due in seconds and minutes);
# 2. streams a realistic sample of complaints and contact events
#    (sqms-loadgen: hotline, counter, app, web and email complaints in
#    Chinese and English, duplicates, retried submissions, calls, surveys,
#    an outage);
# 3. takes complaints through the lifecycle with sqmsctl: a telecom
#    broadband outage all the way to closed, a billing complaint reopened by
#    an unsatisfied follow-up, a railway complaint waiting on the customer
#    (SLA clock paused) and escalated; a P1 nobody answers goes at risk and
#    breaches its first-response SLA while `sqmsctl watch` shows it;
# 4. prints what happened: complaints by category, priority and department,
#    SLA state, the events on Kafka, what Prometheus scraped;
# 5. stops everything (also on Ctrl-C, which exits 0) unless --keep-running.
# Quiet: each step prints what it shows; the stack's and the service's logs
# stay in run/demo/ and their tails are printed only when something fails.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${SQMS_BUILD_DIR:-$REPO_ROOT/build}"
RUN_DIR="${SQMS_DEMO_DIR:-$REPO_ROOT/run/demo}"
KEEP_RUNNING=0
COMPLAINTS=300
CONTACT_EVENTS=400
SERVICE_PID=""
WATCH_PID=""
BUILD=0
INTERRUPTED=0

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
export SCRIPT_NAME=demo  # read by lib.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --keep-running) KEEP_RUNNING=1; shift ;;
    --build) BUILD=1; shift ;;
    --complaints) COMPLAINTS="$2"; shift 2 ;;
    --contact-events) CONTACT_EVENTS="$2"; shift 2 ;;
    -h | --help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

# `make demo` passes --build: the targets the demo runs, output to a log.
build_quietly() {
  local log="$REPO_ROOT/run/demo-build.log"
  mkdir -p "$REPO_ROOT/run"
  printf 'Building the demo binaries (log: %s) ... ' "${log#"$REPO_ROOT"/}"
  if { [ -f "$BUILD_DIR/CMakeCache.txt" ] ||
    cmake -S "$REPO_ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo; } >"$log" 2>&1 &&
    cmake --build "$BUILD_DIR" -j "${JOBS:-$(nproc)}" --target sqmsctl sqms-loadgen sqms-events \
      sqms-complaints devkafka >>"$log" 2>&1; then
    echo "done"
  else
    echo failed
    tail -40 "$log"
    die "build failed (whole log: $log)"
  fi
}
[ "$BUILD" -eq 1 ] && build_quietly

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
  [ "$INTERRUPTED" -eq 1 ] && status=0
  if [ -n "$WATCH_PID" ] && kill -0 "$WATCH_PID" 2>/dev/null; then
    kill -TERM "$WATCH_PID" 2>/dev/null || true
    wait "$WATCH_PID" 2>/dev/null || true
  fi
  if [ -n "$SERVICE_PID" ] && kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill -TERM "$SERVICE_PID" 2>/dev/null || true
    wait "$SERVICE_PID" 2>/dev/null || true
  fi
  SQMS_RUN_DIR="$RUN_DIR" bash "$REPO_ROOT/scripts/stack.sh" down >/dev/null 2>&1 || true
  if [ "$status" -eq 0 ]; then
    echo "demo: stopped cleanly; logs in $RUN_DIR"
  else
    for f in "$RUN_DIR"/complaints.log "$RUN_DIR"/stack-up.log; do
      [ -s "$f" ] && { echo "----- last lines of $f -----"; tail -15 "$f"; }
    done
  fi
  exit "$status"
}
trap cleanup EXIT
# Ctrl-C (make demo sees it too) is the way to stop --keep-running: stop
# everything and exit 0, so make reports no error.
trap 'INTERRUPTED=1; echo; exit 0' INT TERM

start_stack() {
  say "Starting Redis, devkafka (3 brokers), Prometheus and Alertmanager"
  rm -rf "$RUN_DIR"
  mkdir -p "$RUN_DIR"
  SQMS_RUN_DIR="$RUN_DIR" SQMS_BUILD_DIR="$BUILD_DIR" \
    bash "$REPO_ROOT/scripts/stack.sh" up --with-monitoring >"$RUN_DIR/stack-up.log" 2>&1 ||
    die "the stack did not start"
  set -a
  # shellcheck disable=SC1091
  . "$RUN_DIR/stack.env"
  set +a
}

# The shipped triage.yaml with the demo SLA block (scripts/demo/sla.yaml)
# instead of its own; holiday files are resolved beside the config, so they
# are named by absolute path. Prints the generated file's path.
demo_triage_config() {
  local shipped="$REPO_ROOT/services/complaints/config" out="$RUN_DIR/triage-demo.yaml"
  awk -v sla="$REPO_ROOT/scripts/demo/sla.yaml" -v dir="$shipped" '
    /^sla:/ { while ((getline line < sla) > 0) if (line !~ /^#/) print line; skip = 1; next }
    skip && !/^ / { skip = 0 }
    skip { next }
    /^    - holidays-[0-9]+\.yaml/ { sub(/- /, "- " dir "/") }
    { print }' "$shipped/triage.yaml" >"$out"
  grep -q "$shipped/holidays-" "$out" || die "demo triage config: no holiday file in $out"
  echo "$out"
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
    --triage-config "$(demo_triage_config)" \
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

# Submits one complaint with sqmsctl; prints its id.
submit() {
  ctl submit -o json "$@" | jq -r '.complaint.id'
}

walk_lifecycles() {
  local a b c
  a=$(submit --channel app --title "家里宽带每天晚上断网" \
    --content "家里的宽带最近一周每天晚上八点以后就断网，光猫的灯一直闪，重启也没用。" \
    --name 王芳 --phone 13911112222 --region 北京)
  say "Complaint $a (telecom): broadband drops every evening; receive → close"
  ctl assign "$a" --department network-operations --assignee agent.li >/dev/null
  ctl start "$a" --note "called the customer back; line tests show drops after 20:00" >/dev/null
  ctl wait "$a" --note "engineer visit booked; waiting for the customer to be at home" >/dev/null
  ctl resume "$a" --note "engineer on site" >/dev/null
  ctl resolve "$a" --findings "the optical network terminal rebooted every evening" \
    --root-cause "faulty power adapter of the optical network terminal" \
    --action "terminal and adapter replaced; line monitored for three days" >/dev/null
  ctl reply "$a" --message "很抱歉给您带来不便：光猫及电源已更换，线路已连续三天稳定。" >/dev/null
  ctl follow-up "$a" --satisfied --score 5 --comment "网速正常了，师傅很专业" >/dev/null
  ctl close "$a" >/dev/null
  ctl get "$a"

  b=$(submit --channel hotline --title "话费多扣了30元" \
    --content "这个月的话费账单多扣了30元的国际漫游费，我根本没有出国。" \
    --name 李强 --phone 13722223333 --region 上海)
  say "Complaint $b (telecom billing): an unsatisfied follow-up reopens it"
  ctl assign "$b" --department billing-center >/dev/null
  ctl start "$b" >/dev/null
  ctl resolve "$b" --findings "a roaming package was charged although unused" \
    --root-cause "roaming records of another line matched by mistake" \
    --action "30 yuan refunded to the account" >/dev/null
  ctl reply "$b" --message "多扣的30元已退回您的账户。" >/dev/null
  ctl follow-up "$b" --unsatisfied --score 2 --comment "账户里还没看到退款" >/dev/null
  ctl get "$b" | head -3

  c=$(submit --channel counter --title "G101次5号车厢厕所很脏" \
    --content "G101次5号车厢的厕所很脏，冲水按钮坏了，一直没人处理。" \
    --name 赵敏 --phone 13633334444 --station 北京南 --service-number G101)
  say "Complaint $c (railway): waiting on the customer (SLA clock paused), escalated"
  ctl assign "$c" --department onboard-services >/dev/null
  ctl start "$c" >/dev/null
  ctl escalate "$c" --note "VIP member, supervisor informed" >/dev/null
  ctl wait "$c" --note "asked for photos of the toilet" >/dev/null
  ctl get "$c" | head -3

  say "Triage explained (nothing is created): Traditional Chinese, a negation"
  ctl triage explain "車廂連接處冒煙了，有燒焦味，請馬上派人" --station 北京南
  echo
  ctl triage explain "不是安全问题，就是厕所太脏了"

  say "An agent overrides triage: recorded from → to and counted by category pair"
  ctl reclassify "$c" --category facilities --note "it is the broken flush" | head -5
  curl -fsS "127.0.0.1:$METRICS_PORT/metrics" | grep '^sqms_complaints_triage_overrides_total' |
    grep -v ' 0$' || true

  say "Errors are clear: an illegal transition, a bad submission, an agent assigning to someone else"
  ctl resolve "$a" --findings x --root-cause y --action z || true
  ctl submit --channel hotline --title "" --content "x" --phone 12 || true
  SQMS_TOKEN=demo-agent-token "$SQMSCTL" assign "$c" --assignee supervisor.wang || true
}

# A P1 nobody answers: at risk at half its first-response target (20 s),
# breached at 40 s (scripts/demo/sla.yaml), as `sqmsctl watch` shows.
sla_story() {
  local station=雄安站 d deadline
  say "SLA: a P1 nobody answers (demo targets: first response 40 s, at risk at 20 s)"
  ctl watch --station "$station" --count 3 --timeout 120 &
  WATCH_PID=$!
  sleep 2 # the watch registers before the submission (a missed one shows 2 lines)
  d=$(submit --channel hotline --title "站台电梯冒烟" --urgency high --importance high \
    --content "雄安站2号站台的电梯冒烟了，有烧焦味，请马上派人处理！" \
    --name 陈晨 --phone 13544445555 --station "$station")
  deadline=$((SECONDS + 90))
  until ctl get "$d" -o json | jq -e 'any(.sla.deadlines[]?; .breached)' >/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || die "complaint $d did not breach its SLA within 90 s"
    sleep 1
  done
  sleep 1 # the breach event reaches the watch
  if kill -0 "$WATCH_PID" 2>/dev/null; then kill -INT "$WATCH_PID" 2>/dev/null || true; fi
  wait "$WATCH_PID" 2>/dev/null || true
  WATCH_PID=""
  echo
  ctl get "$d" | grep -E '^(id|status|priority|sla|due)'
  say "The supervisor escalates the breached P1 and dispatches it"
  ctl escalate "$d" --note "first-response SLA breached" >/dev/null
  ctl assign "$d" --department safety-office --assignee agent.li >/dev/null
  ctl list --sla-breached --station "$station"
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
  # Open complaints by status (summed over priorities), from the store's counts.
  curl -s "127.0.0.1:$METRICS_PORT/metrics" |
    awk '/^sqms_complaints_open\{/ {
        match($0, /status="[^"]*"/)
        open[substr($0, RSTART + 8, RLENGTH - 9)] += $NF
      }
      END { line = "open complaints by status:"
            for (s in open) if (open[s] > 0) line = line " " s "=" open[s]
            print line }' || true
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
sla_story
summarise

if [ "$KEEP_RUNNING" -eq 1 ]; then
  say "Still running (Ctrl-C stops everything)"
  echo "  export SQMS_SERVER=$SQMS_SERVER SQMS_TOKEN=demo-supervisor-token"
  echo "  $SQMSCTL list --status received"
  echo "  Prometheus: $PROMETHEUS_URL   Alertmanager: ${ALERTMANAGER_URL:-}"
  wait "$SERVICE_PID"
fi
