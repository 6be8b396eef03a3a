#!/usr/bin/env bash
# Fails when a layer of a service includes a layer it may not use (STYLE.md:
# a pure domain, thin handlers). Run by the build (target <service>_layering,
# part of ALL), so a layering leak fails `make`, not only a test.
#   cmake/check_layers.sh <service dir> <layer>=<allowed,layers> ...
# e.g. check_layers.sh services/complaints domain=domain app=domain,ports,app
# A layer's own files may include its own layer; anything under
# services/<other service>/ is always refused.
set -euo pipefail

main() {
  local dir="$1"
  shift
  local service="${dir%/}"
  service="services/${service##*/}"
  local bad=0 rule layer allowed file line target
  for rule in "$@"; do
    layer="${rule%%=*}"
    allowed=",${rule#*=},"
    [ -d "$dir/$layer" ] || continue
    for file in "$dir/$layer"/*.h "$dir/$layer"/*.cc; do
      [ -f "$file" ] || continue
      while IFS= read -r line; do
        target="${line#*\"}"
        target="${target%%\"*}"
        case "$target" in
          "$service"/*/*)
            target="${target#"$service"/}"
            target="${target%%/*}"
            if [[ "$allowed" != *",$target,"* ]]; then
              echo "layering: ${file#"$dir"/} includes $service/$target/ ($layer may use: ${rule#*=})" >&2
              bad=1
            fi
            ;;
          services/*)
            echo "layering: ${file#"$dir"/} includes another service: $target" >&2
            bad=1
            ;;
        esac
      done < <(grep -E '^#include "' "$file" || true)
    done
  done
  return "$bad"
}

main "$@"
