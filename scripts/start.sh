#!/usr/bin/env bash
# Installs Cerca into .venv, indexes seeds/ into index/ and serves the search page.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e .
.venv/bin/cerca index seeds
exec .venv/bin/cerca serve "$@"
