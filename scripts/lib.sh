# shellcheck shell=bash
# Shared by the scripts in this folder; source it after setting SCRIPT_NAME.
#   log MESSAGE     to stderr, prefixed "<script>: "
#   die MESSAGE     to stderr, prefixed "<script>: error: ", exit 1
#   require CMD...  every command on PATH, or die naming install-deps.sh

log() { echo "${SCRIPT_NAME:-sqms}: $*" >&2; }
die() { echo "${SCRIPT_NAME:-sqms}: error: $*" >&2; exit 1; }

require() {
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 ||
      die "'$cmd' not found; run 'bash scripts/install-deps.sh' (as root) first"
  done
}

# The triage model's training data (tests/data/triage/train*.jsonl) as the
# comma-separated list --triage-training-data takes.
triage_training_data() {
  local root="$1" files=()
  shopt -s nullglob
  files=("$root"/tests/data/triage/train*.jsonl)
  shopt -u nullglob
  local IFS=,
  echo "${files[*]}"
}
