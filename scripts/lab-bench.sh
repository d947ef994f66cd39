#!/usr/bin/env bash
# Run the quick preset in each guest kernel and write a side-by-side report
# with the host: results/lab-<UTC time>/comparison.md plus one folder per
# kernel. `make bench-lab` calls it after building the static binaries.
set -euo pipefail

readonly prog=lab-bench.sh
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly repo

usage() {
	cat <<EOF
Usage: scripts/lab-bench.sh [OPTION...] KERNEL...

Run 'ttmbench run --preset quick' in a guest of each KERNEL (6.1, 6.12 or a
vmlinuz file, as scripts/kernel-lab --kernel takes it) and write
OUT/comparison.md comparing them with a host run.

Options:
  --host-results DIR  folder with the host's results.json (default: the
                      results/latest folder; when it is missing, run the quick
                      preset on the host first)
  --ttmbench PATH     host ttmbench for that run (default: build/ttmbench)
  --out DIR           output folder (default: results/lab-<UTC time>)
  -h, --help          show this help and exit

Exit status: 0 when every guest run returned results and the report's
functional checks passed (complete runs, no configuration skipped in a guest,
exact event accounting, no ia32 kprobe event from a native call); 1 otherwise, with the report covering the
runs that returned results; 2 for invalid options. A violated timing verdict
does not fail: under TCG the timings are emulated.

Example:
  scripts/lab-bench.sh 6.1 6.12
EOF
}

log() {
	printf '%s: %s\n' "$prog" "$*" >&2
}

usage_error() {
	log "$*"
	log "'scripts/lab-bench.sh --help' lists the options"
	exit 2
}

host_results=
host_ttmbench=$repo/build/ttmbench
out=$repo/results/lab-$(date -u +%Y%m%dT%H%M%SZ)
kernels=()

while [[ $# -gt 0 ]]; do
	case $1 in
	-h | --help)
		usage
		exit 0
		;;
	--host-results | --ttmbench | --out)
		[[ $# -ge 2 ]] || usage_error "option $1 needs a value"
		case $1 in
		--host-results) host_results=$2 ;;
		--ttmbench) host_ttmbench=$2 ;;
		--out) out=$2 ;;
		esac
		shift 2
		;;
	-*) usage_error "unknown option '$1'" ;;
	*)
		kernels+=("$1")
		shift
		;;
	esac
done
[[ ${#kernels[@]} -gt 0 ]] || usage_error "missing KERNEL: give 6.1, 6.12 or a vmlinuz file"
if [[ -n $host_results && ! -f $host_results/results.json ]]; then
	usage_error "--host-results '$host_results' has no results.json"
fi

mkdir -p "$out/host"

# The host column: an earlier run, or a quick run now.
if [[ -z $host_results && -f $repo/results/latest/results.json ]]; then
	host_results=$(realpath "$repo/results/latest")
fi
if [[ -z $host_results ]]; then
	[[ -x $host_ttmbench ]] || usage_error "$host_ttmbench not found; build it with make all"
	log "no host results in results/latest; running the quick preset on the host"
	"$host_ttmbench" run --preset quick --out "$out/host" >"$out/host-run.log" 2>&1 || true
	[[ -f $out/host/results.json ]] || {
		log "the host run wrote no results.json; its output is in $out/host-run.log"
		exit 1
	}
else
	log "host results: $host_results"
	cp "$host_results/results.json" "$host_results/report.md" "$out/host/"
fi

guest_dirs=()
failed=0
for kernel in "${kernels[@]}"; do
	before=$(find "$out" -mindepth 1 -maxdepth 1 -type d -name '*-lab-*' | sort)
	log "kernel $kernel: ttmbench run --preset quick"
	status=0
	# The guest console is saved as console.log in the kernel's result folder.
	"$repo/scripts/kernel-lab" --kernel "$kernel" --out "$out" -- ttmbench run --preset quick \
		>/dev/null || status=$?
	after=$(find "$out" -mindepth 1 -maxdepth 1 -type d -name '*-lab-*' | sort)
	made=$(comm -13 <(echo "$before") <(echo "$after"))
	if [[ $status -eq 2 ]]; then
		exit 2
	fi
	if [[ -n $made ]]; then
		guest_dirs+=(--guest "$made")
	fi

	# ttmbench run exits 1 for a violated verdict. Under TCG the timings are
	# emulated, so only a run without results counts as failed here; the
	# report checks the event accounting.
	if [[ -n $made && -f $made/results.json ]]; then
		[[ $status -eq 0 ]] || log "kernel $kernel: ttmbench run exited with status $status; the comparison shows its verdicts"
	else
		log "kernel $kernel: no results (kernel-lab exit status $status)"
		failed=1
	fi
done

[[ ${#guest_dirs[@]} -gt 0 ]] || {
	log "no guest run left a result folder in $out"
	exit 1
}
report_status=0
python3 "$repo/scripts/lab-report.py" --out "$out/comparison.md" --host "$out/host" "${guest_dirs[@]}" ||
	report_status=$?
if [[ $report_status -eq 2 ]]; then
	exit 2
elif [[ $report_status -ne 0 ]]; then
	failed=1
fi
log "comparison: $out/comparison.md"
exit "$failed"
