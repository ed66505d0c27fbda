#!/usr/bin/env bash
# Installs the Debian 12 packages attune builds with (and, with --test, tests with) when any is
# missing. Idempotent: prints nothing and changes nothing when all are present.
#   scripts/deps.sh          build and run: compiler, CMake, the libraries
#   scripts/deps.sh --test   also nginx, curl, wrk, Chromium and Node.js for the integration and browser tests
#   scripts/deps.sh --bench  also SQLite (for the FTS5 peer) and PyYAML (corpus generator), for scripts/bench.sh
#   scripts/deps.sh --fuzz   also clang 14 and libFuzzer (and llvm-symbolizer), for scripts/fuzz.sh
set -euo pipefail

packages=(
  build-essential cmake pkg-config python3
  libxapian-dev libicu-dev libcli11-dev libcpp-httplib-dev nlohmann-json3-dev
  catch2 libyaml-cpp-dev libmd4c-dev xapian-tools
)
if [ "${1:-}" = "--test" ]; then
  packages+=(nginx-light curl chromium wrk)
  # Some machines carry Node.js from elsewhere (with its own npm); Debian's npm would conflict.
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi
if [ "${1:-}" = "--bench" ]; then
  packages+=(libsqlite3-dev python3-yaml)
fi
if [ "${1:-}" = "--fuzz" ]; then
  packages+=(clang-14 libfuzzer-14-dev llvm-14)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
