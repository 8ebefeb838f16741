#!/usr/bin/env bash
# perf.sh: the demo dashboard and `top -d 2` side by side, each in its own
# 200x60 tmux window with TERM=xterm-256color, for the same SECONDS (60):
# bytes each wrote to its terminal (tmux pipe-pane) and the CPU each used
# (utime+stime from /proc/PID/stat, after a 5 s start-up).
# Usage: scripts/perf.sh [SECONDS]   (needs tmux, top, Linux /proc)
set -euo pipefail
secs=${1:-60}
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
socks=()
trap 'for s in "${socks[@]}"; do tmux -L "$s" kill-server 2>/dev/null || true; done; rm -rf "$dir"' EXIT
go build -o "$dir/watchtrail" .

# start NAME COMMAND...: a detached 200x60 session whose output goes to $dir/NAME.out
start() {
	local name=$1 sock="perf-$$-$1"
	shift
	socks+=("$sock")
	: >"$dir/$name.out"
	tmux -L "$sock" -f /dev/null new-session -d -s "$name" -x 200 -y 60 \
		"sleep 0.5; exec env TERM=xterm-256color COLORTERM= $*"
	tmux -L "$sock" pipe-pane -t "$name" "cat >>$dir/$name.out"
}
pid_of() { tmux -L "perf-$$-$1" list-panes -t "$1" -F '#{pane_pid}'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start watchtrail "$dir/watchtrail" --demo
start top top -d 2
sleep 5
wpid=$(pid_of watchtrail) tpid=$(pid_of top)
w0=$(cpu_ticks "$wpid") t0=$(cpu_ticks "$tpid")
sleep $((secs - 5))
w1=$(cpu_ticks "$wpid") t1=$(cpu_ticks "$tpid")
hz=$(getconf CLK_TCK)
wb=$(wc -c <"$dir/watchtrail.out") tb=$(wc -c <"$dir/top.out")
cpu() { awk -v d="$1" -v hz="$hz" -v s="$((secs - 5))" 'BEGIN{printf "%.2f%%", 100*d/hz/s}'; }
printf '%-12s %12s %10s %10s\n' program "bytes/${secs}s" bytes/s cpu
printf '%-12s %12d %10d %10s\n' watchtrail "$wb" $((wb / secs)) "$(cpu $((w1 - w0)))"
printf '%-12s %12d %10d %10s\n' "top -d 2" "$tb" $((tb / secs)) "$(cpu $((t1 - t0)))"
awk -v w="$wb" -v t="$tb" 'BEGIN{printf "bytes ratio watchtrail/top: %.2f\n", w/t}'
