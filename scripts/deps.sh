#!/usr/bin/env bash
# Installs the Debian 12 packages attune builds and tests with, when any is missing.
# Idempotent: prints nothing and changes nothing when all are present.
set -euo pipefail

packages=(
  build-essential cmake pkg-config python3
  libxapian-dev libicu-dev libcli11-dev libcpp-httplib-dev nlohmann-json3-dev
  catch2 libyaml-cpp-dev libmd4c-dev xapian-tools
)

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
