#!/bin/bash
# Interrupt `ttmbench run --preset quick` at random points, N times (default
# 20), with SIGINT, SIGTERM and SIGKILL mixed, and check after each one:
#  - no program of ours is left attached or loaded without a holder;
#  - the run lock is released and the workload child is gone;
#  - the results folder contains a results.json that parses and has "complete"
#    true or false, or no results.json and then no report.md either.
# Needs root. Prints one line per interruption and a summary; exits 1 when
# any check failed.
#
# Usage: scripts/interrupt-bench.sh [-n RUNS] [-s SEED] [-m MAX_DELAY_S] [BUILD]
set -u

runs=20
seed=$$
max_delay=20
while getopts "n:s:m:" opt; do
	case $opt in
	n) runs=$OPTARG ;;
	s) seed=$OPTARG ;;
	m) max_delay=$OPTARG ;;
	*)
		echo "usage: $0 [-n RUNS] [-s SEED] [-m MAX_DELAY_S] [BUILD]" >&2
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
for value in "$runs" "$seed" "$max_delay"; do
	if ! [[ $value =~ ^[0-9]+$ ]] || [[ $value -eq 0 && $value != "$seed" ]]; then
		echo "interrupt-bench.sh: invalid number '$value': -n and -m take whole numbers above 0, -s a whole number" >&2
		exit 2
	fi
done
BUILD=${1:-build}
TTM=$(realpath "$BUILD/ttmbench" 2>/dev/null)
if [[ ! -x $TTM ]]; then
	echo "interrupt-bench.sh: $BUILD/ttmbench not found: build it with make all" >&2
	exit 2
fi
if [[ $(id -u) -ne 0 ]]; then
	echo "interrupt-bench.sh: needs root (ttmbench run loads BPF programs)" >&2
	exit 2
fi
source "$(dirname "$0")/../tests/robustness_lib.sh"

RANDOM=$seed
scratch=$(mktemp -d /tmp/ttm-interrupt.XXXXXX)
signals=(INT TERM KILL)
declare -A expected_status=([INT]=130 [TERM]=143 [KILL]=137)
declare -A sent=([INT]=0 [TERM]=0 [KILL]=0)
failures=0
incomplete=0
no_results=0
completed=0

echo "seed $seed, $runs runs, delays 0 to $max_delay s, results under $scratch"
for ((i = 1; i <= runs; i++)); do
	sig=${signals[RANDOM % 3]}
	delay_ms=$((RANDOM % (max_delay * 1000 + 1)))
	delay=$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))
	dir=$scratch/run-$i
	problems=()

	"$TTM" run --wait --preset quick --quiet --out "$dir" >/dev/null 2>"$scratch/run-$i.err" &
	pid=$!
	sleep "$delay"
	children=$(cat /proc/"$pid"/task/*/children 2>/dev/null)
	kill -"$sig" "$pid" 2>/dev/null
	sent[$sig]=$((${sent[$sig]} + 1))

	# INT and TERM stop after the current workload: its bound plus the slack at most.
	for ((t = 0; t < 600; t++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		problems+=("still running 60 s after SIG$sig; killed")
		kill -KILL "$pid"
	fi
	wait "$pid" 2>/dev/null
	rc=$?

	if [[ $rc -ne ${expected_status[$sig]} ]]; then
		problems+=("exit status $rc, expected ${expected_status[$sig]}")
	fi
	if ! msg=$(ttm_wait_no_orphans 5); then
		problems+=("$msg")
	fi
	if ! ttm_lock_released_by "$pid"; then
		problems+=("run lock still held by pid $pid")
	fi
	for child in $children; do
		ttm_process_gone "$child" || problems+=("workload child $child still running")
	done

	if [[ -e $dir/results.json ]]; then
		state=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); c=r["complete"]; print(c if isinstance(c, bool) else "invalid:%r" % (c,))' \
			"$dir/results.json" 2>&1)
		case $state in
		True) completed=$((completed + 1)) ;;
		False) incomplete=$((incomplete + 1)) ;;
		*) problems+=("results.json: $state") ;;
		esac
	else
		state="no results.json"
		no_results=$((no_results + 1))
		[[ -e $dir/report.md ]] && problems+=("report.md without results.json")
	fi

	if [[ ${#problems[@]} -eq 0 ]]; then
		echo "run $i: SIG$sig after $delay s: exit $rc, complete=$state, nothing left: ok"
	else
		failures=$((failures + 1))
		echo "run $i: SIG$sig after $delay s: FAILED: ${problems[*]}"
		tail -n 3 "$scratch/run-$i.err" | sed 's/^/    /'
	fi
done

echo "summary: $runs runs (SIGINT ${sent[INT]}, SIGTERM ${sent[TERM]}, SIGKILL ${sent[KILL]}):" \
	"$incomplete marked incomplete, $completed complete, $no_results without results.json," \
	"$failures failed"
[[ $failures -eq 0 ]] && rm -rf "$scratch"
[[ $failures -eq 0 ]]
