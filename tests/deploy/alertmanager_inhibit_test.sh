#!/usr/bin/env bash
# The shipped Alertmanager config's inhibit rules, proven against a real
# Alertmanager (Debian's prometheus-alertmanager): a critical alert mutes
# the warnings it is the sharper form of (by name, on its instance), and
# nothing else — not another instance's, not an unrelated warning of its
# instance, and a business-wide critical alert without job/instance labels
# (labels absent on both sides count as equal) no aggregated warning.
#   tests/deploy/alertmanager_inhibit_test.sh [repo root]
set -euo pipefail

REPO_ROOT="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
readonly REPO_ROOT
AM_BIN="$(command -v prometheus-alertmanager || command -v alertmanager)"
readonly AM_BIN
WORK_DIR="$(mktemp -d)"
readonly WORK_DIR
AM_PID=""

cleanup() {
  if [ -n "$AM_PID" ]; then
    kill "$AM_PID" 2>/dev/null || true
    wait "$AM_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK_DIR"
}
trap cleanup EXIT

fail() {
  echo "alertmanager_inhibit_test: FAIL: $*" >&2
  echo "--- alerts:" >&2
  curl -fsS "$URL/api/v2/alerts" | jq -c '.[] | {n: .labels.alertname, i: .labels.instance, by: .status.inhibitedBy}' >&2 || true
  echo "--- log tail:" >&2
  tail -20 "$WORK_DIR/am.log" >&2 || true
  exit 1
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# alert <alertname> <severity> [label=value ...] -> one JSON alert
alert() {
  local name="$1" severity="$2"
  shift 2
  local labels
  labels="$(jq -n --arg n "$name" --arg s "$severity" '{alertname: $n, severity: $s}')"
  local kv
  for kv in "$@"; do
    labels="$(jq --arg k "${kv%%=*}" --arg v "${kv#*=}" '. + {($k): $v}' <<<"$labels")"
  done
  jq -n --argjson l "$labels" '{labels: $l}'
}

# inhibited <alertname> [instance] -> "true" / "false"
inhibited() {
  curl -fsS "$URL/api/v2/alerts" |
    jq -r --arg n "$1" --arg i "${2:-}" \
      '[.[] | select(.labels.alertname == $n and ((.labels.instance // "") == $i))][0]
       | (.status.inhibitedBy | length) > 0'
}

main() {
  local port
  port="$(free_port)"
  URL="http://127.0.0.1:$port"
  "$AM_BIN" --config.file="$REPO_ROOT/deploy/alertmanager/alertmanager.yml" \
    --storage.path="$WORK_DIR/data" --web.listen-address="127.0.0.1:$port" \
    --cluster.listen-address="" >"$WORK_DIR/am.log" 2>&1 &
  AM_PID=$!
  local i
  for i in $(seq 1 100); do
    curl -fsS "$URL/-/ready" >/dev/null 2>&1 && break
    kill -0 "$AM_PID" 2>/dev/null || fail "alertmanager exited"
    [ "$i" -lt 100 ] || fail "alertmanager not ready after 10 s"
    sleep 0.1
  done

  {
    alert SqmsComplaintSlaBreachesP1 critical priority=p1
    alert SqmsComplaintSlaBreachesHigh warning
    alert SqmsOutboxStalledCritical critical job=sqms-complaints instance=complaints-0:9464
    alert SqmsOutboxStalled warning job=sqms-complaints instance=complaints-0:9464
    alert SqmsOutboxStalled warning job=sqms-complaints instance=complaints-1:9464
    # As metrics.rules.yml labels them (by job, group, instance).
    alert SqmsMetricsCheckpointAgeCritical critical job=sqms-metrics group=sqms-metrics instance=metrics-0:9465
    alert SqmsMetricsCheckpointAgeHigh warning job=sqms-metrics group=sqms-metrics instance=metrics-0:9465
    # As alerts.rules.yml labels them (by job, route; no instance).
    alert SqmsAlertsWebhookUnauthorizedSustained critical job=sqms-alerts route=/api/v1/alertmanager
    alert SqmsAlertsWebhookUnauthorized warning job=sqms-alerts route=/api/v1/alertmanager
    # An unrelated critical of one instance (as alerts.rules.yml labels it).
    alert SqmsAlertsRiskWithoutPlan critical job=sqms-alerts instance=alerts-0:9466
    alert SqmsAlertsTimersFailing warning job=sqms-alerts instance=alerts-0:9466
    alert SqmsComplaintsSlaTimersFailing critical job=sqms-complaints instance=complaints-0:9464
    alert SqmsComplaintsSlaTimersLate warning job=sqms-complaints
  } | jq -s . >"$WORK_DIR/alerts.json"
  curl -fsS -X POST -H 'Content-Type: application/json' --data @"$WORK_DIR/alerts.json" \
    "$URL/api/v2/alerts" >/dev/null || fail "POST /api/v2/alerts"

  # Await the inhibition that must happen; then check the ones that must not.
  for i in $(seq 1 100); do
    [ "$(inhibited SqmsOutboxStalled complaints-0:9464)" = "true" ] && break
    [ "$i" -lt 100 ] || fail "SqmsOutboxStalled of complaints-0 was not inhibited by its critical alert"
    sleep 0.1
  done
  [ "$(inhibited SqmsMetricsCheckpointAgeHigh metrics-0:9465)" = "true" ] ||
    fail "SqmsMetricsCheckpointAgeHigh was not inhibited by SqmsMetricsCheckpointAgeCritical"
  [ "$(inhibited SqmsAlertsWebhookUnauthorized)" = "true" ] ||
    fail "SqmsAlertsWebhookUnauthorized was not inhibited by its sustained page"
  [ "$(inhibited SqmsOutboxStalled complaints-1:9464)" = "false" ] ||
    fail "another instance's warning was inhibited"
  [ "$(inhibited SqmsComplaintSlaBreachesHigh)" = "false" ] ||
    fail "a business-wide P1 alert (no job/instance) inhibited an unrelated warning"
  [ "$(inhibited SqmsComplaintSlaBreachesP1)" = "false" ] || fail "the P1 page itself was inhibited"
  [ "$(inhibited SqmsComplaintsSlaTimersLate)" = "true" ] ||
    fail "SqmsComplaintsSlaTimersLate was not inhibited by SqmsComplaintsSlaTimersFailing"
  [ "$(inhibited SqmsAlertsTimersFailing alerts-0:9466)" = "false" ] ||
    fail "an unrelated critical of the instance (SqmsAlertsRiskWithoutPlan) inhibited SqmsAlertsTimersFailing"
  echo "alertmanager_inhibit_test: ok (a critical mutes only its own warning, on its instance)"
}

main "$@"
