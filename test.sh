#!/usr/bin/env bash
# Runs every test: unit, UI, integration (against a local moto AWS emulator)
# and the tmux end-to-end test of the built binary. Extra arguments go to
# `go test` (e.g. ./test.sh -run Drill -v).
set -euo pipefail
cd "$(dirname "$0")"

export PATH="$PATH:$(python3 -m site --user-base 2>/dev/null || echo /nonexistent)/bin"
if ! command -v moto_server >/dev/null 2>&1 && ! python3 -c 'import moto.server' >/dev/null 2>&1; then
  echo "moto_server not found: installing it with python3 -m pip install 'moto[server]'" >&2
  python3 -m pip install --quiet 'moto[server]' >&2 ||
    echo "!!! could not install moto: the AWS integration tests will be SKIPPED (under CI=true they fail)" >&2
fi
if ! command -v tmux >/dev/null 2>&1; then
  echo "tmux not found: installing it" >&2
  { apt-get install -y -qq tmux || { apt-get update -qq && apt-get install -y -qq tmux; }; } >/dev/null 2>&1 ||
    echo "!!! could not install tmux: the end-to-end test will be SKIPPED (under CI=true it fails)" >&2
fi

unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then echo "gofmt needed: $unformatted" >&2; exit 1; fi
go vet ./...
go test -count=1 "$@" ./...
