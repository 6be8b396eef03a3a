#!/usr/bin/env bash
# Copies the complaints service's shipped default triage config into the
# kustomize base (kustomize cannot read files outside its root).
#   deploy/k8s/sync-triage.sh          copy
#   deploy/k8s/sync-triage.sh --check  exit 1 when the copy is stale
set -euo pipefail

K8S_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly K8S_DIR
readonly SOURCE="$K8S_DIR/../../services/complaints/config/triage.yaml"
readonly COPY="$K8S_DIR/base/complaints/triage.yaml"

main() {
  if [ ! -f "$SOURCE" ]; then
    echo "sync-triage: $SOURCE does not exist yet; nothing to sync" >&2
    return 0
  fi
  if [ "${1:-}" = "--check" ]; then
    cmp -s "$SOURCE" "$COPY" || {
      echo "sync-triage: $COPY differs from $SOURCE; run deploy/k8s/sync-triage.sh" >&2
      return 1
    }
    return 0
  fi
  cp "$SOURCE" "$COPY"
  echo "sync-triage: copied $SOURCE -> $COPY"
}

main "$@"
