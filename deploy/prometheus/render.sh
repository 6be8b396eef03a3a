#!/usr/bin/env bash
# Renders deploy/prometheus/prometheus.yml for a local run.
#
#   render.sh --out DIR --complaints HOST:PORT --alertmanager HOST:PORT --prometheus HOST:PORT
#             [--metrics HOST:PORT] [--alerts HOST:PORT]
#
# Without --metrics the sqms-metrics scrape job is left out, without
# --alerts the sqms-alerts one.
# Writes DIR/prometheus.yml and DIR/rules/*.rules.yml (unit tests are not
# copied). Used by scripts/stack.sh and tests/deploy/check_configs.sh.
set -euo pipefail

SRC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SRC_DIR

die() { echo "render.sh: $*" >&2; exit 1; }

check_target() {
  local name="$1" value="$2"
  [[ "$value" =~ ^[A-Za-z0-9._-]+:[0-9]+$ ]] || die "--$name: '$value' is not host:port"
}

main() {
  local out="" complaints="" alertmanager="" prometheus="" metrics="" alerts=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --out) out="${2:?--out needs a directory}"; shift 2 ;;
      --complaints) complaints="${2:?--complaints needs host:port}"; shift 2 ;;
      --alertmanager) alertmanager="${2:?--alertmanager needs host:port}"; shift 2 ;;
      --prometheus) prometheus="${2:?--prometheus needs host:port}"; shift 2 ;;
      --metrics) metrics="${2:?--metrics needs host:port}"; shift 2 ;;
      --alerts) alerts="${2:?--alerts needs host:port}"; shift 2 ;;
      *) die "unknown argument '$1'" ;;
    esac
  done
  [ -n "$out" ] || die "--out is required"
  check_target complaints "$complaints"
  check_target alertmanager "$alertmanager"
  check_target prometheus "$prometheus"
  local drop_metrics=(-e '/# BEGIN sqms-metrics/,/# END sqms-metrics/d')
  if [ -n "$metrics" ]; then
    check_target metrics "$metrics"
    drop_metrics=()
  fi
  local drop_alerts=(-e '/# BEGIN sqms-alerts/,/# END sqms-alerts/d')
  if [ -n "$alerts" ]; then
    check_target alerts "$alerts"
    drop_alerts=()
  fi

  mkdir -p "$out/rules"
  sed -e "s|@COMPLAINTS_METRICS_TARGET@|$complaints|g" \
      -e "s|@ALERTMANAGER_TARGET@|$alertmanager|g" \
      -e "s|@PROMETHEUS_TARGET@|$prometheus|g" \
      -e "s|@METRICS_METRICS_TARGET@|$metrics|g" \
      -e "s|@ALERTS_METRICS_TARGET@|$alerts|g" \
      "${drop_metrics[@]}" "${drop_alerts[@]}" \
      "$SRC_DIR/prometheus.yml" >"$out/prometheus.yml"
  if grep -q '@[A-Z_]*@' "$out/prometheus.yml"; then
    die "unreplaced placeholder in $out/prometheus.yml"
  fi
  local rule
  for rule in "$SRC_DIR"/rules/*.rules.yml; do
    cp "$rule" "$out/rules/"
  done
}

main "$@"
