#!/usr/bin/env bash
# Installs the Debian 12 packages patchcheck needs, only when some are missing.
set -euo pipefail
PKGS="cmake ninja-build pkg-config clang-14 libclang-rt-14-dev lld-14 llvm-14 llvm-14-dev libunicorn-dev libcapstone-dev
      check libelf-dev libdw-dev linux-source-6.1 libcyaml-dev libyaml-dev libsqlite3-dev sqlite3 python3 chromium dpkg-dev"
missing=""
for p in $PKGS; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
