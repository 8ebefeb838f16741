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
# command:Debian package, for the end-to-end tests (tmux), the SSH server tests (ssh, ssh-keygen) and
# the width tests, which build a helper calling libc's wcwidth (cc).
for need in tmux:tmux ssh:openssh-client ssh-keygen:openssh-client cc:gcc; do
  cmd=${need%%:*} pkg=${need#*:}
  if ! command -v "$cmd" >/dev/null 2>&1; then
    echo "$cmd not found: installing $pkg" >&2
    { apt-get install -y -qq "$pkg" || { apt-get update -qq && apt-get install -y -qq "$pkg"; }; } >/dev/null 2>&1 ||
      echo "!!! could not install $pkg: the tests needing $cmd will be SKIPPED (under CI=true they fail)" >&2
  fi
done

unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then echo "gofmt needed: $unformatted" >&2; exit 1; fi
go vet ./...
# A package's tests may take minutes on a busy 2-core machine: go test's own
# 10-minute limit per package would fail them for being slow, not wrong.
# -parallel 8: the independent triage suite's incidents mostly wait (for late
# CloudTrail delivery), so they run side by side; no other test is parallel.
go test -count=1 -timeout 30m -parallel 8 "$@" ./...
