#!/usr/bin/env bash
# Copies the complaints service's shipped default triage config and its
# per-year holiday files into the kustomize base (kustomize cannot read files
# outside its root). A new year's holidays-<year>.yaml must also be listed in
# base/complaints/kustomization.yaml (complaints-triage) and in triage.yaml.
#   deploy/k8s/sync-triage.sh          copy
#   deploy/k8s/sync-triage.sh --check  exit 1 when a copy is stale or missing
set -euo pipefail

K8S_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly K8S_DIR
readonly SOURCE_DIR="$K8S_DIR/../../services/complaints/config"
readonly COPY_DIR="$K8S_DIR/base/complaints"

sources() {
  local f
  for f in "$SOURCE_DIR"/triage.yaml "$SOURCE_DIR"/holidays-*.yaml; do
    [ -f "$f" ] && echo "$f"
  done
}

main() {
  if [ ! -f "$SOURCE_DIR/triage.yaml" ]; then
    # A moved or renamed default config would leave the base's copies
    # unchecked for good.
    echo "sync-triage: $SOURCE_DIR/triage.yaml does not exist" >&2
    return 1
  fi
  local f copy stale=0
  while read -r f; do
    copy="$COPY_DIR/$(basename "$f")"
    if [ "${1:-}" = "--check" ]; then
      cmp -s "$f" "$copy" || {
        echo "sync-triage: $copy differs from $f; run deploy/k8s/sync-triage.sh" >&2
        stale=1
      }
      grep -q -- "- $(basename "$f")\$" "$COPY_DIR/kustomization.yaml" || {
        echo "sync-triage: $(basename "$f") is not in $COPY_DIR/kustomization.yaml" >&2
        stale=1
      }
    else
      cp "$f" "$copy"
      echo "sync-triage: copied $f -> $copy"
    fi
  done < <(sources)
  return "$stale"
}

main "$@"
