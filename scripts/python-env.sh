#!/usr/bin/env bash
# Makes .venv with the Python packages the interop tests use (the X-Ray SDK for Python).
# Idempotent: does nothing when the requirements have not changed since the last run.
set -euo pipefail
cd "$(dirname "$0")/.."

requirements=tests/python/requirements.txt
stamp=.venv/.requirements
if [ -x .venv/bin/python ] && cmp -s "$requirements" "$stamp"; then
    exit 0
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
cp "$requirements" "$stamp"
