#!/usr/bin/env bash
# Runs every check and test of emrctl: formatting, vet, and all Go tests
# (unit, emulator conformance, CLI end-to-end in process and over HTTP,
# and the AWS tests, which start their own moto_server on a free loopback
# port). It is the one test command of the README and of CI.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== redocly lint (api/openapi.yaml)"
# The REST contract is checked by a standard OpenAPI validator, installed
# with npm into a cache outside the repository the first time.
redocly_dir="${XDG_CACHE_HOME:-$HOME/.cache}/emrctl-test/npm"
redocly="$redocly_dir/node_modules/.bin/redocly"
if [ ! -x "$redocly" ] && command -v npm >/dev/null 2>&1; then
  echo "installing @redocly/cli into $redocly_dir"
  mkdir -p "$redocly_dir"
  npm install --silent --no-audit --no-fund --prefix "$redocly_dir" @redocly/cli@2.77.0
fi
if [ -x "$redocly" ]; then
  "$redocly" lint --config redocly.yaml api/openapi.yaml
elif [ -n "${EMRCTL_REQUIRE_REDOCLY:-}" ]; then
  echo "npm is missing and EMRCTL_REQUIRE_REDOCLY is set: cannot validate api/openapi.yaml"; exit 1
else
  echo "skipped: npm is missing, so @redocly/cli cannot be installed (set EMRCTL_REQUIRE_REDOCLY=1 to fail instead)"
fi

echo "== chromium (browser test of the web console)"
# The console's browser test drives Debian's chromium headless. Install it
# when it is missing (as root, or with sudo that needs no password); once
# it is there, the test must run instead of skipping.
find_chromium() { command -v chromium || command -v chromium-browser || command -v google-chrome || true; }
install_chromium() {
  local log; log=$(mktemp)
  if "$@" apt-get update -qq >"$log" 2>&1 &&
     "$@" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >>"$log" 2>&1; then
    echo "installed chromium"
  else
    echo "apt-get could not install chromium; the browser test will be skipped:"; tail -n 5 "$log"
  fi
  rm -f "$log"
}
if [ -z "$(find_chromium)" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium is missing and there is no apt-get to install it: the browser test will be skipped"
  elif [ "$(id -u)" -eq 0 ]; then
    install_chromium
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    install_chromium sudo -n
  else
    echo "chromium is missing and installing it needs root (sudo asks for a password): the browser test will be skipped"
  fi
fi
if [ -n "$(find_chromium)" ]; then
  export EMRCTL_REQUIRE_BROWSER=1
fi

echo "== postgresql (server binaries for the PostgreSQL tests)"
# The PostgreSQL tests start their own server (internal/pgtest: initdb in a
# temporary directory, a free loopback port, an unprivileged user when run
# as root) from the binaries of Debian's postgresql package; none is started
# here. Install them when missing (as root, or with sudo that needs no
# password); once they are there, those tests must run instead of skipping.
find_postgres() {
  local d
  for d in ${EMRCTL_POSTGRES_BIN:-${PATH//:/ } /usr/lib/postgresql/*/bin}; do
    if [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then echo "$d"; break; fi
  done
}
install_postgres() {
  local log; log=$(mktemp)
  if "$@" apt-get update -qq >"$log" 2>&1 &&
     "$@" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >>"$log" 2>&1; then
    echo "installed postgresql"
  else
    echo "apt-get could not install postgresql; the PostgreSQL tests will be skipped:"; tail -n 5 "$log"
  fi
  rm -f "$log"
}
if [ -z "$(find_postgres)" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "the PostgreSQL server binaries are missing and there is no apt-get to install them: the PostgreSQL tests will be skipped (or set EMRCTL_POSTGRES_BIN to their directory)"
  elif [ "$(id -u)" -eq 0 ]; then
    install_postgres
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    install_postgres sudo -n
  else
    echo "the PostgreSQL server binaries are missing and installing them needs root (sudo asks for a password): the PostgreSQL tests will be skipped"
  fi
fi
if [ -n "$(find_postgres)" ]; then
  echo "using $(find_postgres)"
  export EMRCTL_REQUIRE_POSTGRES=1
fi

echo "== go test"
# Sandbox clusters finish their work at once in tests.
export EMRCTL_SANDBOX_SPEED=0
# The AWS tests start moto_server themselves; here (and in CI) a missing
# moto_server fails them instead of skipping them.
export EMRCTL_REQUIRE_MOTO=1
go test -count=1 -timeout 15m ./... "$@"

echo "== go test -race (calls that run side by side: fleet scans over one client and one emulator; listings from the emulator's cache)"
go test -count=1 -race -run 'TestConcurrentCallsTakeTheirOwnClient|TestInspectOrderDoesNotDependOnConcurrency|TestInspectAbsorbsThrottling|TestScanKeepsToItsConcurrency|TestLimiter|TestListClustersInRegions|TestDiagnoseClustersInOrder|TestListingsSideBySide' \
  ./internal/provider/aliyun ./internal/engine ./internal/emulator

echo "== go test -tags failpoints (the crash points of the gateway store)"
go test -count=1 -tags failpoints ./internal/gateway
