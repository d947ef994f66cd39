#!/usr/bin/env bash
# Kernel-lab tests: invalid options, one ttmbench run in a Debian 6.1 guest
# with exact event accounting through the tracepoint and ia32 kprobe programs,
# a failing guest command, a guest killed by the timeout, and SIGTERM
# cleanup. Needs the static binaries (make lab-static) and root.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
lab=$repo/scripts/kernel-lab
passed=0
failed=0

if [[ $(id -u) -ne 0 ]]; then
	echo "lab_test: skipped: not root. kernel-lab may have to install qemu-system-x86 and"
	echo "lab_test: busybox-static and refresh apt's package lists, which needs root"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi

work=$(mktemp -d /tmp/lab_test.XXXXXX)
trap 'rm -rf "$work"' EXIT

pass() {
	echo "ok - $1"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL - $1"
	failed=$((failed + 1))
}

# expect_status NAME WANT GOT
expect_status() {
	if [[ $3 == "$2" ]]; then
		pass "$1: exit status $3"
	else
		fail "$1: exit status $3, expected $2"
	fi
}

# expect_grep NAME PATTERN FILE: an extended regex that FILE must contain.
expect_grep() {
	if grep -Eq -- "$2" "$3"; then
		pass "$1: message matches '$2'"
	else
		fail "$1: no line matches '$2' in: $(tr '\n' ' ' <"$3")"
	fi
}

# expect_no_qemu NAME PID: no qemu of the kernel-lab run with that pid is left.
expect_no_qemu() {
	local left

	left=$(pgrep -f "ttmbench-lab-$2 " || true)
	if [[ -z $left ]]; then
		pass "$1: no qemu left"
	else
		fail "$1: qemu still running: pid $left"
	fi
}

# The only result folder kernel-lab made in $1.
result_dir() {
	find "$1" -mindepth 1 -maxdepth 1 -type d -name '*-lab-*' | head -n 1
}

test_invalid_options() {
	local args name status

	while IFS='|' read -r name args; do
		status=0
		# shellcheck disable=SC2086 # args are split on purpose
		"$lab" $args >/dev/null 2>"$work/err" || status=$?
		expect_status "invalid options ($name)" 2 "$status"
	done <<'EOF'
unknown kernel|--kernel 5.10 -- true
missing vmlinuz|--kernel /nonexistent/vmlinuz -- true
not a bzImage|--kernel /etc/hostname -- true
timeout not a number|--timeout 1m -- true
timeout zero|--timeout 0 -- true
unknown accel|--accel hvf -- true
missing command|--kernel 6.1
empty command|--kernel 6.1 --
EOF

	"$lab" --kernel 5.10 -- true >/dev/null 2>"$work/err"
	expect_grep "invalid options (unknown kernel)" "'5\.10' is neither 6\.1, 6\.12 nor" "$work/err"
	"$lab" --timeout 1m -- true >/dev/null 2>"$work/err"
	expect_grep "invalid options (timeout)" "invalid --timeout '1m'" "$work/err"
}

# Check results.json and lab.json of the 6.1 run; print ok/FAIL lines.
check_guest_results() {
	python3 - "$1" <<'EOF'
import json
import os
import sys

folder = sys.argv[1]
checks = []


def check(name, condition, detail=""):
    checks.append((name, bool(condition), detail))


results = json.load(open(os.path.join(folder, "results.json")))
lab = json.load(open(os.path.join(folder, "lab.json")))

check("lab.json outcome completed", lab["outcome"] == "completed", lab["outcome"])
check("lab.json kernel is 6.1", lab["kernel_release"].startswith("6.1.0-"), lab["kernel_release"])
check("lab.json names the package", lab["kernel_package"].startswith("linux-image-6.1.0-"), lab["kernel_package"])
check("lab.json boot time", lab["boot_seconds"] is not None and lab["boot_seconds"] > 0, lab["boot_seconds"])
check("lab.json qemu version", bool(lab["qemu_version"]), lab["qemu_version"])
check("guest kernel ran the command", results["host"]["kernel_release"] == lab["kernel_release"],
      results["host"]["kernel_release"])
check("accelerator label", results["host"]["accel"] == lab["accelerator"], results["host"]["accel"])
want_timing = "emulated" if lab["accelerator"] == "tcg" else "host"
check("emulation label", results["host"]["timing"] == want_timing, results["host"]["timing"])
check("run complete", results["complete"] and results["exit_status"] in (0, 1), results.get("incomplete_reason"))

caps = results["capabilities"]
check("kprobe available", caps["kprobe"]["available"], caps["kprobe"]["reason"])
check("full available", caps["configs"]["full"]["available"], caps["configs"]["full"]["reason"])
syscalls = {s["name"]: s for s in caps["syscalls"]}
for sc in ("openat", "connect"):
    entry = syscalls[sc]
    kprobe = entry["ia32_kprobe"]
    compat, plain = entry["compat_symbol"], entry["plain_symbol"]
    want = compat["name"] if compat["present"] else plain["name"]
    check(f"{sc}: ia32 symbol chosen", kprobe["available"] and kprobe["symbol"] == want,
          f"{kprobe.get('symbol')} (compat present: {compat['present']})")

full = [c for c in results["configurations"] if c["name"] == "full"][0]
check("full attached", full["available"], full["reason"])

cells = {(c["syscall"], c["mode"]): c for c in results["cells"] if c["config"] == "full"}
for sc in ("openat", "connect"):
    for mode in ("native", "ia32"):
        cell = cells.get((sc, mode))
        name = f"full {sc} {mode}"
        if cell is None or cell["status"] != "ok":
            check(f"{name}: measured", False, cell and cell.get("reason"))
            continue
        rep = cell["repetitions"][0]
        check(f"{name}: 1000 ops issued", rep["ops"] == 1000, rep["ops"])
        programs = {p["name"]: p for p in rep["programs"]}
        tp = programs[f"{sc}_e"]
        ia32 = programs[syscalls[sc]["ia32_kprobe"]["program"]]
        want_tp = rep["ops"] if mode == "native" else 0
        want_ia32 = rep["ops"] if mode == "ia32" else 0
        check(f"{name}: tracepoint events", tp["events_from_workload"] == want_tp,
              f"{tp['events_from_workload']} != {want_tp}")
        check(f"{name}: ia32 kprobe events", ia32["events_from_workload"] == want_ia32,
              f"{ia32['events_from_workload']} != {want_ia32}")
        check(f"{name}: ia32 kprobe submitted all it fired",
              ia32["counters"]["fired"] == ia32["counters"]["submitted"], json.dumps(ia32["counters"]))
        if ia32["run_cnt"] is not None:
            check(f"{name}: ia32 kprobe run_cnt", ia32["run_cnt"] == want_ia32, f"{ia32['run_cnt']} != {want_ia32}")

verdicts = {v["syscall"]: v for v in results["verdicts"]["syscalls"]}
for sc in ("openat", "connect"):
    verdict = verdicts.get(sc)
    check(f"{sc}: verdict present", verdict and verdict["verdict"] in ("holds", "violated", "inconclusive"),
          verdict)
    if verdict:
        check(f"{sc}: no kprobe event from native calls", verdict["kprobe_events_from_native"] == 0,
              verdict["kprobe_events_from_native"])
check("overall verdict present", results["verdicts"]["overall"]["verdict"] in ("holds", "violated", "inconclusive"))

for name, ok, detail in checks:
    print(f"{'ok' if ok else 'FAIL'} - guest run: {name}" + ("" if ok else f" ({detail})"))
EOF
}

test_guest_run() {
	local out=$work/run status=0 dir line

	mkdir -p "$out"
	timeout 600 "$lab" --kernel 6.1 --timeout 400 --out "$out" -- \
		ttmbench run --configs full --syscalls openat,connect --modes native,ia32 --ops 1000 --reps 1 \
		>"$out.console" 2>"$out.err" || status=$?
	# ttmbench run exits 1 for a violated verdict, which timings under TCG may produce.
	if [[ $status == 0 || $status == 1 ]]; then
		pass "guest run: kernel-lab exit status $status"
	else
		fail "guest run: kernel-lab exit status $status: $(tail -n 3 "$out.err")"
	fi

	dir=$(result_dir "$out")
	if [[ -z $dir || ! -f $dir/results.json ]]; then
		fail "guest run: no results.json in $out"
		return
	fi
	while IFS= read -r line; do
		case $line in
		ok\ *) pass "${line#ok - }" ;;
		*) fail "${line#FAIL - }" ;;
		esac
	done < <(check_guest_results "$dir" 2>&1)
}

test_guest_command_fails() {
	local out=$work/false status=0

	mkdir -p "$out"
	timeout 300 "$lab" --kernel 6.1 --timeout 120 --out "$out" -- false >/dev/null 2>"$out.err" || status=$?
	expect_status "failing command" 1 "$status"
	expect_grep "failing command" "exited with status 1 on 6\.1\." "$out.err"
	if grep -q '"exit_status": 1' "$(result_dir "$out")/lab.json" 2>/dev/null; then
		pass "failing command: lab.json records exit status 1"
	else
		fail "failing command: lab.json has no exit status 1"
	fi
}

# Wait for kernel-lab PID for at most $2 s, then SIGKILL it, so that a hung
# run cannot stall the suite. Returns its exit status.
wait_bounded() {
	local pid=$1 sleeper status=0 ended=

	sleep "$2" &
	sleeper=$!
	wait -n -p ended "$pid" "$sleeper" || status=$?
	if [[ $ended == "$sleeper" ]]; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 137
	fi
	kill "$sleeper" 2>/dev/null
	wait "$sleeper" 2>/dev/null
	return "$status"
}

test_timeout() {
	local out=$work/hang status=0 pid dir

	mkdir -p "$out"
	"$lab" --kernel 6.1 --timeout 30 --out "$out" -- sleep 1000 >/dev/null 2>"$out.err" &
	pid=$!
	wait_bounded "$pid" 300 || status=$?
	expect_status "hanging guest" 1 "$status"
	expect_grep "hanging guest" "guest 6\.1\.[^ ]+ \([a-z]+\) timed out after 30 s" "$out.err"
	expect_no_qemu "hanging guest" "$pid"
	dir=$(result_dir "$out")
	if [[ -n $dir && ! -e $dir/results.json ]] && grep -q '"outcome": "timeout"' "$dir/lab.json"; then
		pass "hanging guest: lab.json outcome timeout, no results.json"
	else
		fail "hanging guest: expected lab.json with outcome timeout and no results.json in $out"
	fi
}

test_sigterm() {
	local out=$work/term status=0 pid i started=0

	mkdir -p "$out"
	"$lab" --kernel 6.1 --timeout 120 --out "$out" -- sleep 1000 >/dev/null 2>"$out.err" &
	pid=$!
	for ((i = 0; i < 300; i++)); do
		if pgrep -f "ttmbench-lab-$pid " >/dev/null; then
			started=1
			break
		fi
		sleep 0.2
	done
	if [[ $started == 1 ]]; then
		pass "SIGTERM: qemu started"
	else
		fail "SIGTERM: qemu of kernel-lab $pid did not start within 60 s"
	fi
	sleep 2
	kill -TERM "$pid"
	wait_bounded "$pid" 60 || status=$?
	expect_status "SIGTERM" 143 "$status"
	expect_no_qemu "SIGTERM" "$pid"
	if [[ -z $(find "$out" -mindepth 1 -name '*.partial') ]]; then
		pass "SIGTERM: no partial result folder left"
	else
		fail "SIGTERM: a partial result folder is left in $out"
	fi
}

test_invalid_options
test_guest_run
test_guest_command_fails
test_timeout
test_sigterm

echo "lab: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
