#!/usr/bin/env bash
# Runs the whole test suite, after installing what the tests need: tmux drives the real binary,
# a Python virtual environment holds the X-Ray SDK for Python.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v tmux >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing tmux for the terminal tests..."
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >/dev/null
    else
        echo "the terminal tests need tmux: install it (e.g. 'sudo apt-get install tmux') and run again" >&2
        exit 1
    fi
fi

# The real X-Ray SDK for Python sends to the listener in tests/listen.rs.
./scripts/python-env.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --locked --all-targets "$@" 2>&1 | tee "$log"
# One line for the whole suite: cargo prints a result per test binary.
awk '/^test result:/ { passed += $4; failed += $6 }
     END { printf "total: %d passed, %d failed\n", passed, failed }' "$log"
