# Shared helpers for the project scripts (sourced, not run).
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"

# Prints a stage header and remembers when it started.
stage() {
  STAGE_NAME="$1"
  STAGE_START=$(date +%s)
  printf '\n\033[1m==> %s\033[0m\n' "$STAGE_NAME"
}

# Prints how long the current stage took and keeps a summary line.
stage_done() {
  local took=$(($(date +%s) - STAGE_START))
  printf '\033[1m<== %s: %ss\033[0m\n' "$STAGE_NAME" "$took"
  STAGE_SUMMARY+=("$(printf '%-34s %5ss' "$STAGE_NAME" "$took")")
}

print_summary() {
  printf '\n\033[1mStage timings\033[0m\n'
  printf '  %s\n' "${STAGE_SUMMARY[@]}"
}

die() {
  echo "error: $*" >&2
  exit 1
}

# The toolchain chosen by scripts/setup (see there).
load_toolchain() {
  [ -f "$TOOLS/toolchain.env" ] || die "run ./scripts/setup first (no .tools/toolchain.env)"
  # shellcheck disable=SC1091
  source "$TOOLS/toolchain.env"
  export PATH="$TOOLS/bin:$ROOT/end2end/node_modules/.bin:$PATH"
}

STAGE_SUMMARY=()
