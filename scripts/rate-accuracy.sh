#!/bin/bash
# Rate accuracy of ttm-workload's open-loop pacing: for each SYSCALL:ENTRY,
# measure the max rate, then run at 1k, 10k, 100k ops/s and 90% of max and
# print target, achieved rate and error. A benchmark, not a test.
#
# Usage: scripts/rate-accuracy.sh [-d SECONDS] [SYSCALL:ENTRY ...]
#   default: -d 5 getppid:native openat:native
set -u

BUILD=${BUILD:-build}
WL=$BUILD/ttm-workload
duration=5

usage() {
	echo "usage: $0 [-d SECONDS] [SYSCALL:ENTRY ...]  (default: -d 5 getppid:native openat:native)" >&2
	exit 2
}

while getopts "d:h" opt; do
	case $opt in
	d) duration=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
pairs=("$@")
[ ${#pairs[@]} -eq 0 ] && pairs=(getppid:native openat:native)

if [ ! -x "$WL" ]; then
	echo "$0: $WL not found; run 'make all' first" >&2
	exit 2
fi

# Field offsets in struct ttm_workload_record (workloads/record.h, packed).
OFF_OPS_ISSUED=32
OFF_ELAPSED_NS=144
OFF_ACHIEVED_RATE=160

record_u64() { od -An -t u8 -j "$2" -N 8 "$1" | tr -d ' '; }
record_f64() { od -An -t f8 -j "$2" -N 8 "$1" | tr -d ' '; }

record=$(mktemp)
trap 'rm -f "$record"' EXIT

# run_workload SYSCALL ENTRY RATE SECONDS: run once, leaving the record in $record.
run_workload() {
	if ! timeout $((${4%.*} + 60)) "$WL" -s "$1" -e "$2" -r "$3" -d "$4" --quiet --record-fd 3 3>"$record"; then
		echo "$0: ttm-workload -s $1 -e $2 -r $3 -d $4 failed" >&2
		exit 1
	fi
}

printf '%-10s %-11s %12s %12s %9s %12s %9s\n' syscall entry target achieved error% ops seconds
for pair in "${pairs[@]}"; do
	syscall=${pair%%:*}
	entry=${pair#*:}

	run_workload "$syscall" "$entry" max "$duration"
	max=$(record_f64 "$record" $OFF_ACHIEVED_RATE)
	printf '%-10s %-11s %12s %12.0f %9s %12s %9s\n' "$syscall" "$entry" max "$max" - \
		"$(record_u64 "$record" $OFF_OPS_ISSUED)" \
		"$(awk -v ns="$(record_u64 "$record" $OFF_ELAPSED_NS)" 'BEGIN { printf "%.3f", ns / 1e9 }')"

	for target in 1000 10000 100000 "$(awk -v m="$max" 'BEGIN { printf "%.0f", 0.9 * m }')"; do
		run_workload "$syscall" "$entry" "$target" "$duration"
		achieved=$(record_f64 "$record" $OFF_ACHIEVED_RATE)
		awk -v s="$syscall" -v e="$entry" -v t="$target" -v a="$achieved" \
			-v ops="$(record_u64 "$record" $OFF_OPS_ISSUED)" \
			-v ns="$(record_u64 "$record" $OFF_ELAPSED_NS)" \
			'BEGIN { printf "%-10s %-11s %12d %12.1f %+9.3f %12d %9.3f\n", s, e, t, a, (a - t) / t * 100, ops, ns / 1e9 }'
	done
done
