#!/bin/bash
# Signals, the run lock and misbehaving workloads, as root:
#  - SIGTERM during `ttmbench run`: exit 143, results.json and report.md
#    written and marked incomplete with the reason, no temporary file left;
#  - SIGKILL: nothing of ours left attached, the workload child gone, the
#    lock released;
#  - a workload killed from outside: that repetition fails with the signal,
#    the run goes on and completes;
#  - a workload that hangs: killed after its bound plus the slack, reported,
#    the run goes on;
#  - the run lock: a second command that loads probes exits 1 naming the
#    holder's pid, and with --wait it starts once the holder is gone.
# Without root every case is skipped with the reason.
# Usage: tests/signals.sh [BUILD]   (default BUILD: build)
set -u

BUILD=${1:-build}
TTM=$(realpath "$BUILD/ttmbench")
source "$(dirname "$0")/robustness_lib.sh"
source "$(dirname "$0")/lib.sh"

scratch=$(mktemp -d /tmp/ttm-signals.XXXXXX)
started=()

cleanup() {
	for pid in "${started[@]}"; do
		kill -KILL "$pid" 2>/dev/null
	done
	rm -rf "$scratch"
}
trap cleanup EXIT

if [[ $(id -u) -ne 0 ]]; then
	echo "skip: signals and the run lock need root (BPF programs; CI runs as root)"
	exit 0
fi

# Wait up to $2 seconds until pid $1 has an fd of a program of ours.
wait_attached() {
	local deadline=$((SECONDS + $2))
	until ttm_pid_holds_programs "$1"; do
		((SECONDS < deadline)) || return 1
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.1
	done
}

# The workload child of runner $1, once there is one (up to $2 seconds).
wait_child() {
	local deadline=$((SECONDS + $2)) child
	while ((SECONDS < deadline)); do
		child=$(cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep -m1 .)
		if [[ -n $child ]] && grep -q ttm-workload /proc/"$child"/cmdline 2>/dev/null; then
			echo "$child"
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# expect_clean NAME PID: no orphan of ours, and PID no longer holds the lock.
expect_clean() {
	local msg
	if msg=$(ttm_wait_no_orphans 5); then
		pass "$1: nothing of ours attached"
	else
		fail "$1: $msg"
	fi
	if ttm_lock_released_by "$2"; then
		pass "$1: run lock released"
	else
		fail "$1: run lock $TTM_RUN_LOCK still held"
	fi
}

# JSON check: python expression over r (results.json), printed "ok" or the value.
results_check() {
	python3 - "$1" "$2" <<'PY'
import json
import sys
try:
    r = json.load(open(sys.argv[1]))
    v = eval(sys.argv[2])
    print("ok" if v is True else "got %r" % (v,))
except Exception as e:
    print("error: %s" % e)
PY
}

RUN_ARGS=(--syscalls openat --modes native --warmup 0 --quiet)

echo "# SIGTERM"
dir=$scratch/term
"$TTM" run --wait --configs none,tp "${RUN_ARGS[@]}" --duration 0.3 --reps 50 --out "$dir" \
	>/dev/null 2>"$scratch/term.err" &
pid=$!
started+=("$pid")
if wait_attached "$pid" 120; then
	sleep 0.5
	kill -TERM "$pid"
fi
wait "$pid"
rc=$?
check=$(results_check "$dir/results.json" \
	'r["complete"] is False and "SIGTERM" in r["incomplete_reason"] and r["exit_status"] == 143')
if [[ $rc -eq 143 && $check == ok ]]; then
	pass "SIGTERM: exit 143, results.json marked incomplete with the reason"
else
	fail "SIGTERM: exit status $rc, results check: $check; stderr: $(tail -n 3 "$scratch/term.err")"
fi
if [[ -s $dir/report.md ]] && ! ls -A "$dir" | grep -q '\.tmp'; then
	pass "SIGTERM: report.md written, no temporary file left"
else
	fail "SIGTERM: folder holds: $(ls -A "$dir" | tr '\n' ' ')"
fi
expect_clean "SIGTERM" "$pid"

echo "# SIGKILL"
dir=$scratch/kill
"$TTM" run --wait --configs tp "${RUN_ARGS[@]}" --duration 2 --reps 20 --out "$dir" \
	>/dev/null 2>&1 &
pid=$!
started+=("$pid")
child=""
if wait_attached "$pid" 120; then
	child=$(wait_child "$pid" 10)
	kill -KILL "$pid"
fi
wait "$pid" 2>/dev/null
rc=$?
if [[ $rc -eq 137 ]]; then
	pass "SIGKILL: runner killed while attached"
else
	fail "SIGKILL: exit status $rc, expected 137 (programs never attached?)"
fi
sleep 0.5
if [[ -n $child ]] && ttm_process_gone "$child"; then
	pass "SIGKILL: workload child $child died with the runner"
else
	fail "SIGKILL: workload child '${child}' still running or never seen"
fi
if [[ ! -e $dir/results.json && ! -e $dir/report.md ]]; then
	pass "SIGKILL: neither results.json nor report.md written"
else
	fail "SIGKILL: folder holds: $(ls -A "$dir" | tr '\n' ' ')"
fi
expect_clean "SIGKILL" "$pid"
sigkill_child=$child

echo "# workload killed from outside"
workload_dirs() {
	compgen -G "${TMPDIR:-/tmp}/ttm-workload.*" | sort
}
workload_dirs_before=$(workload_dirs)
dir=$scratch/child-killed
"$TTM" run --wait --configs none "${RUN_ARGS[@]}" --duration 2 --reps 2 --out "$dir" \
	>/dev/null 2>"$scratch/child.err" &
pid=$!
started+=("$pid")
child=$(wait_child "$pid" 120) && sleep 0.5 && kill -KILL "$child"
wait "$pid"
rc=$?
check=$(results_check "$dir/results.json" \
	'r["complete"] is True and [x["status"] for x in r["cells"][0]["repetitions"]] == ["failed", "ok"] and "signal 9" in r["cells"][0]["repetitions"][0]["error"]')
if [[ $check == ok ]]; then
	pass "killed workload: repetition 1 failed with signal 9, repetition 2 ran (exit $rc)"
else
	fail "killed workload: exit status $rc, results check: $check"
fi
leftover=$(comm -13 <(echo "$workload_dirs_before") <(workload_dirs))
if [[ -n $child && -z $leftover ]]; then
	pass "killed workload: no temporary folder left behind"
else
	fail "killed workload: child '$child' left: $leftover"
fi
stale=$(compgen -G "${TMPDIR:-/tmp}/ttm-workload.$sigkill_child.*")
if [[ -n $sigkill_child && -z $stale ]]; then
	pass "SIGKILL: the next run removed the dead workload's folder"
else
	fail "SIGKILL: workload '$sigkill_child' of the killed runner still has: $stale"
fi

echo "# hung workload"
# A stand-in workload next to a copy of ttmbench: it blocks on its start
# pipe like the real one, then never finishes and never writes a record.
mkdir -p "$scratch/hung"
cp "$TTM" "$scratch/hung/ttmbench"
cat >"$scratch/hung/ttm-workload" <<'SH'
#!/bin/bash
while [[ $# -gt 0 ]]; do
	[[ $1 == --start-fd ]] && start=$2
	shift
done
read -r -n 1 -u "$start" _
exec sleep 600
SH
chmod +x "$scratch/hung/ttm-workload"
dir=$scratch/hung-out
start_s=$SECONDS
timeout 120 "$scratch/hung/ttmbench" run --wait --configs none "${RUN_ARGS[@]}" --duration 0.1 \
	--reps 1 --out "$dir" >/dev/null 2>"$scratch/hung.err"
rc=$?
check=$(results_check "$dir/results.json" \
	'r["complete"] is True and r["cells"][0]["repetitions"][0]["status"] == "failed" and "signal 9" in r["cells"][0]["repetitions"][0]["error"]')
if [[ $check == ok ]] && grep -q "killing it" "$scratch/hung.err"; then
	pass "hung workload: killed after $((SECONDS - start_s)) s, reported, run completed (exit $rc)"
else
	fail "hung workload: exit status $rc, results check: $check; stderr: $(cat "$scratch/hung.err")"
fi
stand_in=$(pgrep -f "^sleep 600$" | head -n 1)
if [[ -z $stand_in ]]; then
	pass "hung workload: the stand-in is gone"
else
	fail "hung workload: stand-in 'sleep 600' pid $stand_in still running"
	kill -KILL "$stand_in"
fi

echo "# run lock"
"$TTM" hold --wait --config tp >"$scratch/hold.out" 2>&1 &
holder=$!
started+=("$holder")
wait_attached "$holder" 120
out=$(timeout 30 "$TTM" run --configs tp "${RUN_ARGS[@]}" --duration 0.1 --reps 1 \
	--out "$scratch/refused" 2>&1)
rc=$?
if [[ $rc -eq 1 ]] && grep -qF "pid $holder (ttmbench hold)" <<<"$out" &&
	[[ ! -e $scratch/refused/results.json ]]; then
	pass "lock: a second run exits 1 naming the holder pid $holder"
else
	fail "lock: exit status $rc, output: $out"
fi
if [[ ! -e $scratch/refused ]]; then
	pass "lock: the refused run removed its empty output folder"
else
	fail "lock: the refused run left $scratch/refused behind: $(ls -A "$scratch/refused")"
fi

# Ctrl-C while waiting: one line saying nothing was measured, no folder left.
timeout 60 "$TTM" run --wait --quiet --configs tp "${RUN_ARGS[@]}" --duration 0.1 --reps 1 \
	--out "$scratch/interrupted-wait" >/dev/null 2>"$scratch/interrupted-wait.err" &
waiter=$!
started+=("$waiter")
sleep 1
if grep -qF "waiting for pid $holder (ttmbench hold) to release $TTM_RUN_LOCK" \
	"$scratch/interrupted-wait.err"; then
	pass "lock: --wait --quiet still prints the waiting line"
else
	fail "lock: no waiting line with --quiet: $(cat "$scratch/interrupted-wait.err")"
fi
kill -INT "$waiter"
wait "$waiter"
rc=$?
if [[ $rc -eq 130 ]] && grep -qF "nothing was measured" "$scratch/interrupted-wait.err"; then
	pass "lock: SIGINT while waiting exits 130 saying nothing was measured"
else
	fail "lock: SIGINT while waiting: exit status $rc; stderr: $(cat "$scratch/interrupted-wait.err")"
fi
if [[ ! -e $scratch/interrupted-wait ]]; then
	pass "lock: SIGINT while waiting removed the empty output folder"
else
	fail "lock: SIGINT while waiting left $scratch/interrupted-wait behind"
fi
out=$(timeout 30 "$TTM" hold --config tp 2>&1)
rc=$?
if [[ $rc -eq 1 ]] && grep -qF "pid $holder" <<<"$out"; then
	pass "lock: a second hold exits 1 naming the holder"
else
	fail "lock: second hold: exit status $rc, output: $out"
fi
timeout 60 "$TTM" run --wait --configs tp "${RUN_ARGS[@]}" --duration 0.1 --reps 1 \
	--out "$scratch/waited" >/dev/null 2>"$scratch/wait.err" &
waiter=$!
started+=("$waiter")
sleep 1
if kill -0 "$waiter" 2>/dev/null && grep -q "waiting for pid $holder" "$scratch/wait.err"; then
	pass "lock: --wait waits for the holder"
else
	fail "lock: --wait did not wait: $(cat "$scratch/wait.err")"
fi
kill -INT "$holder"
wait "$holder"
wait "$waiter"
rc=$?
if [[ $rc -eq 0 && -s $scratch/waited/results.json ]]; then
	pass "lock: --wait ran once the holder exited"
else
	fail "lock: waiting run: exit status $rc; stderr: $(cat "$scratch/wait.err")"
fi
expect_clean "run lock" "$holder"

finish
