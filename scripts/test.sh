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

echo "== go test"
# Sandbox clusters finish their work at once in tests.
export EMRCTL_SANDBOX_SPEED=0
# The AWS tests start moto_server themselves; here (and in CI) a missing
# moto_server fails them instead of skipping them.
export EMRCTL_REQUIRE_MOTO=1
go test -count=1 -timeout 15m ./... "$@"

echo "== go test -tags failpoints (the crash points of the gateway store)"
go test -count=1 -tags failpoints ./internal/gateway
