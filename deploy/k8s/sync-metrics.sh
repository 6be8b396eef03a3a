#!/usr/bin/env bash
# Copies the metrics service's shipped default config into the kustomize
# base (kustomize cannot read files outside its root), like sync-triage.sh.
#   deploy/k8s/sync-metrics.sh          copy
#   deploy/k8s/sync-metrics.sh --check  exit 1 when the copy is stale
set -euo pipefail

K8S_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly K8S_DIR
readonly SOURCE="$K8S_DIR/../../services/metrics/config/metrics.yaml"
readonly COPY="$K8S_DIR/base/metrics/metrics.yaml"

main() {
  if [ ! -f "$SOURCE" ]; then
    # A moved or renamed default config would leave the base's copy
    # unchecked for good.
    echo "sync-metrics: $SOURCE does not exist" >&2
    return 1
  fi
  if [ "${1:-}" = "--check" ]; then
    cmp -s "$SOURCE" "$COPY" || {
      echo "sync-metrics: $COPY differs from $SOURCE; run deploy/k8s/sync-metrics.sh" >&2
      return 1
    }
  else
    cp "$SOURCE" "$COPY"
    echo "sync-metrics: copied $SOURCE -> $COPY"
  fi
}

main "$@"
