#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: install what is missing, build, and run the
# bundled scenarios.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
exec build/patchcheck run scenarios/*/*.yaml
