#!/usr/bin/env bash
# screenshot.sh: draws docs/screen.svg, the README's picture, from the dashboard's golden frame
# (ui/testdata/TestGolden/dashboard_120x40.golden, the real demo screen the UI tests check), so the
# picture changes exactly when the screen does. Needs Go and the module proxy (for charmbracelet/freeze).
set -euo pipefail
cd "$(dirname "$0")/.."
frame=ui/testdata/TestGolden/dashboard_120x40.golden
go run github.com/charmbracelet/freeze@v0.2.2 --execute "cat $frame" --window --font.size 14 \
	--output docs/screen.svg >/dev/null
echo "wrote docs/screen.svg from $frame"
