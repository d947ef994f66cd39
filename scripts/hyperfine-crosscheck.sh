#!/usr/bin/env bash
# Cross-check ttmbench's per-op figures with hyperfine: time the whole workload
# process without probes, then with `ttmbench hold --config X` attached, and
# print both means with the per-op difference they imply.
#
#   scripts/hyperfine-crosscheck.sh [--config X] [--syscall SC] [--ops N] [--out DIR]
#   scripts/hyperfine-crosscheck.sh --results RESULTS_DIR [--config X] ...
#
# Writes DIR/hyperfine-none.json (no probes) and DIR/hyperfine-X.json (with X
# attached), hyperfine's --export-json format. With --results, DIR is a
# `ttmbench run` results folder: the exports go there, and crosscheck.json and
# a report.md section put both figures side by side. Needs root (or CAP_BPF and
# CAP_PERFMON). Exit status: 0, 1 when a step failed, 2 for bad input or a
# configuration this kernel cannot attach.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-build}
[[ $build = /* ]] || build="$root/$build"
ttmbench="$build/ttmbench"
workload="$build/ttm-workload"

config=tp
syscall=openat
ops=200000
out=results/hyperfine
results_dir=
hold_timeout_s=300 # hold waits for the run lock first

usage() {
	sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

die_usage() {
	echo "hyperfine-crosscheck.sh: $1" >&2
	exit 2
}

while [[ $# -gt 0 ]]; do
	case $1 in
	--config | --syscall | --ops | --out | --results)
		[[ $# -ge 2 ]] || die_usage "missing value after $1"
		case $1 in
		--config) config=$2 ;;
		--syscall) syscall=$2 ;;
		--ops) ops=$2 ;;
		--out) out=$2 ;;
		--results) results_dir=$2 ;;
		esac
		shift 2
		;;
	-h | --help)
		usage
		exit 0
		;;
	*) die_usage "unknown argument '$1'; --help lists the options" ;;
	esac
done

case $config in
none | tp | kprobe | full) ;;
*) die_usage "invalid --config '$config': expected none, tp, kprobe or full" ;;
esac
case $syscall in
connect | creat | open | openat | openat2 | getppid) ;;
*) die_usage "invalid --syscall '$syscall': expected connect, creat, open, openat, openat2 or getppid" ;;
esac
[[ $ops =~ ^[1-9][0-9]*$ ]] || die_usage "invalid --ops '$ops': expected a positive integer"
if [[ -n $results_dir ]]; then
	[[ -f $results_dir/results.json && -f $results_dir/report.md ]] ||
		die_usage "invalid --results '$results_dir': no results.json and report.md there; give a 'ttmbench run' results folder"
	out=$results_dir
fi
for bin in "$ttmbench" "$workload"; do
	[[ -x $bin ]] || die_usage "$bin not found; build it with: make all"
done
command -v hyperfine >/dev/null || die_usage "hyperfine not found; install it: apt-get install hyperfine"

# Reject a configuration this kernel cannot attach before measuring anything.
reason=$("$ttmbench" capabilities --json | python3 -c '
import json, sys
config = json.load(sys.stdin)["configs"][sys.argv[1]]
print("" if config["available"] else config["reason"])' "$config") ||
	die_usage "'ttmbench capabilities --json' failed; run as root, or with CAP_BPF and CAP_PERFMON"
[[ -z $reason ]] || die_usage "configuration $config is not available on this kernel: $reason"
mkdir -p "$out" || die_usage "cannot create the output folder '$out'"

tmp=$(mktemp -d /tmp/hyperfine-crosscheck.XXXXXX)
hold_pid=

cleanup() {
	if [[ -n $hold_pid ]] && kill -0 "$hold_pid" 2>/dev/null; then
		kill -TERM "$hold_pid"
		wait "$hold_pid" || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command=("$workload" --syscall "$syscall" --entry native --ops "$ops" --quiet)
printf -v command_line '%q ' "${command[@]}"
command_line=${command_line% }

# Run hyperfine into a temporary export, renamed only when the run is complete.
measure() {
	local name=$1 label=$2
	hyperfine --style basic --warmup 2 --min-runs 10 --command-name "$label" \
		--export-json "$tmp/$name.json" "$command_line"
	mv "$tmp/$name.json" "$out/$name.json"
}

echo "== without probes"
measure hyperfine-none "no probes"

echo "== with ttmbench hold --config $config"
"$ttmbench" hold --wait --config "$config" >"$tmp/hold.out" 2>"$tmp/hold.err" &
hold_pid=$!
for ((i = 0; i < hold_timeout_s * 10; i++)); do
	grep -q '^attached ' "$tmp/hold.out" 2>/dev/null && break
	if ! kill -0 "$hold_pid" 2>/dev/null; then
		status=0
		wait "$hold_pid" || status=$?
		hold_pid=
		cat "$tmp/hold.err" >&2
		echo "hyperfine-crosscheck.sh: ttmbench hold --config $config exited with status $status" >&2
		exit $((status == 2 ? 2 : 1))
	fi
	sleep 0.1
done
if ! grep -q '^attached ' "$tmp/hold.out"; then
	echo "hyperfine-crosscheck.sh: ttmbench hold printed no 'attached' line within ${hold_timeout_s} s" >&2
	exit 1
fi
cat "$tmp/hold.out"
measure "hyperfine-$config" "$config attached"

kill -TERM "$hold_pid"
wait "$hold_pid" || true
hold_pid=
cat "$tmp/hold.err" >&2

if [[ -n $results_dir ]]; then
	python3 "$root/scripts/crosscheck_report.py" "$results_dir" "$config" "$syscall" "$ops"
	exit
fi

python3 - "$out/hyperfine-none.json" "$out/hyperfine-$config.json" "$config" "$ops" <<'PY'
import json
import sys

none_path, with_path, config, ops = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rows = []
for label, path in (("no probes", none_path), (config + " attached", with_path)):
    with open(path) as f:
        r = json.load(f)["results"][0]
    rows.append((label, r["mean"], r["stddev"] or 0.0, len(r["times"]), path))

print()
print(f"{'':16} {'mean (s)':>10} {'stddev (s)':>11} {'runs':>5}  export")
for label, mean, sd, runs, path in rows:
    print(f"{label:16} {mean:10.4f} {sd:11.4f} {runs:5d}  {path}")
diff_ns = (rows[1][1] - rows[0][1]) / ops * 1e9
print(f"\nimplied difference: {diff_ns:+.1f} ns per op ({ops} ops per process); it also "
      "contains process start-up and teardown, which the probes may touch")
PY
