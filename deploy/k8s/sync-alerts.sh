#!/usr/bin/env bash
# Copies the alerts service's shipped default config into the kustomize
# base (kustomize cannot read files outside its root), like sync-triage.sh,
# and derives the production overlay's copy from it: the same file with
# every target's url replaced by a REPLACE-ME:// placeholder, which
# sqms-alerts refuses at start-up ("targets[0].url: 'REPLACE-ME://…' is not
# an http:// or https:// URL"). The shipped urls are 127.0.0.1 placeholders:
# in production every page would go to the pod's own loopback, quietly.
#   deploy/k8s/sync-alerts.sh          copy (production: only when missing,
#                                      it holds the operator's real urls)
#   deploy/k8s/sync-alerts.sh --reset  copy, and rewrite production's too
#   deploy/k8s/sync-alerts.sh --check  exit 1 when the base copy is stale,
#                                      or production's differs from the
#                                      default anywhere but the targets' urls
set -euo pipefail

K8S_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly K8S_DIR
readonly SOURCE="$K8S_DIR/../../services/alerts/config/alerts.yaml"
readonly COPY="$K8S_DIR/base/alerts/alerts.yaml"
readonly PRODUCTION="$K8S_DIR/overlays/production/alerts.yaml"
readonly PLACEHOLDER="REPLACE-ME://set-the-real-url-in-deploy/k8s/overlays/production/alerts.yaml"

# The production copy as derived from the default: a header, then the
# default with each target url (the only `url:` keys) a placeholder.
production_copy() {
  cat <<'HEADER'
# PRODUCTION copy of services/alerts/config/alerts.yaml, written by
# deploy/k8s/sync-alerts.sh: everything but the targets' urls must stay as
# the default (`sync-alerts.sh --check`). Put each target's real webhook url
# here (secrets in headers from files, not in the url where the receiver
# allows). Until then sqms-alerts refuses to start, naming the target's url:
# a production deployment must not page loopback placeholders.
HEADER
  sed -E "s|^([[:space:]]+url:[[:space:]]*).*$|\\1$PLACEHOLDER|" "$SOURCE"
}

# A file with every url value masked, to compare all but the urls.
mask_urls() {
  sed -E 's|^([[:space:]]+url:[[:space:]]*).*$|\1<url>|' "$@"
}

check() {
  local stale=0
  cmp -s "$SOURCE" "$COPY" || {
    echo "sync-alerts: $COPY differs from $SOURCE; run deploy/k8s/sync-alerts.sh" >&2
    stale=1
  }
  if [ ! -f "$PRODUCTION" ]; then
    echo "sync-alerts: $PRODUCTION is missing; run deploy/k8s/sync-alerts.sh" >&2
    stale=1
  elif ! cmp -s <(production_copy | mask_urls) <(mask_urls "$PRODUCTION"); then
    echo "sync-alerts: $PRODUCTION differs from $SOURCE in more than the targets' urls;" \
      "run deploy/k8s/sync-alerts.sh --reset and put the urls back" >&2
    stale=1
  elif grep -nE '^[[:space:]]+url:.*(127\.|localhost|\[::1\])' "$PRODUCTION" >&2; then
    echo "sync-alerts: $PRODUCTION has a loopback target url (above)" >&2
    stale=1
  fi
  return "$stale"
}

main() {
  if [ ! -f "$SOURCE" ]; then
    # A moved or renamed default config would leave the base's copy
    # unchecked for good.
    echo "sync-alerts: $SOURCE does not exist" >&2
    return 1
  fi
  case "${1:-}" in
    --check) check ;;
    --reset | "")
      cp "$SOURCE" "$COPY"
      echo "sync-alerts: copied $SOURCE -> $COPY"
      if [ "${1:-}" = --reset ] || [ ! -f "$PRODUCTION" ]; then
        production_copy >"$PRODUCTION"
        echo "sync-alerts: wrote $PRODUCTION (placeholder urls)"
      elif ! cmp -s <(production_copy | mask_urls) <(mask_urls "$PRODUCTION"); then
        echo "sync-alerts: $PRODUCTION is stale; --reset rewrites it (its urls too)" >&2
        return 1
      fi
      ;;
    *) echo "usage: sync-alerts.sh [--check | --reset]" >&2; return 2 ;;
  esac
}

main "$@"
