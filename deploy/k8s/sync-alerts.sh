#!/usr/bin/env bash
# Copies the alerts service's shipped default config into the kustomize
# base (kustomize cannot read files outside its root), like sync-triage.sh.
#   deploy/k8s/sync-alerts.sh          copy
#   deploy/k8s/sync-alerts.sh --check  exit 1 when the copy is stale
set -euo pipefail

K8S_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly K8S_DIR
readonly SOURCE="$K8S_DIR/../../services/alerts/config/alerts.yaml"
readonly COPY="$K8S_DIR/base/alerts/alerts.yaml"

main() {
  if [ ! -f "$SOURCE" ]; then
    echo "sync-alerts: $SOURCE does not exist yet; the base's copy is the default" >&2
    return 0
  fi
  if [ "${1:-}" = "--check" ]; then
    cmp -s "$SOURCE" "$COPY" || {
      echo "sync-alerts: $COPY differs from $SOURCE; run deploy/k8s/sync-alerts.sh" >&2
      return 1
    }
  else
    cp "$SOURCE" "$COPY"
    echo "sync-alerts: copied $SOURCE -> $COPY"
  fi
}

main "$@"
