#!/usr/bin/env bash
# Installs every Debian 12 package sanfang needs to build, run and test, and prepares the
# project fonts. Idempotent: safe to run again; it only does what is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  build-essential cmake pkg-config ninja-build
  libcairo2-dev libpango1.0-dev libharfbuzz-dev libfontconfig-dev libfreetype-dev libqrencode-dev
  libpoppler-cpp-dev nlohmann-json3-dev libssl-dev libsqlite3-dev libpq-dev postgresql libpistache-dev libhttp-parser-dev
  libsodium-dev libzbar-dev libcurl4-openssl-dev libyaml-cpp-dev catch2 zlib1g-dev libdeflate-dev
  fonts-noto-cjk fonts-hanazono libharfbuzz-bin python3-fonttools
  poppler-utils zbar-tools qpdf wrk curl jq
  libjpeg62-turbo-dev libpng-dev libarchive-dev libgmime-3.0-dev
  chromium
  cracklib-runtime
  clang libclang-rt-14-dev
  nginx-light
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages: ${missing[*]} (run as root to install)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

"$here/scripts/prepare-fonts.sh"
