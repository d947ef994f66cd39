#!/bin/bash
# Command-line checks of `ttmbench run`. Bad input exits with status 2, names
# the value, attaches nothing and leaves no results folder. As root, an
# acceptance run with none and tp checks the exact event accounting in
# results.json, and an interrupted run must be written as incomplete.
# Usage: tests/cli_run.sh [BUILD]   (default BUILD: build)
set -u

BUILD=${1:-build}
TTM=$BUILD/ttmbench
source "$(dirname "$0")/lib.sh"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Ids of our programs as bpftool lists them (names are cut to 15 characters).
our_program_ids() {
	bpftool prog show 2>/dev/null |
		grep -E 'name (connect_e|creat_e|open_e|openat_e|openat2_e|ia32_[a-z0-9_]+)( |$)' |
		cut -d: -f1 | sort
}

# Processes holding an fd of program id $1 (a program fd or a link to it).
holders_of() {
	grep -lE "^prog_id:[[:space:]]*$1\$" /proc/[0-9]*/fdinfo/* 2>/dev/null | cut -d/ -f3 | sort -u
}

# A program of ours that outlived ttmbench is a leak when no process has an fd
# of it (a pin) or when a process of this test has one (its command line names
# our scratch folder). Programs that other processes keep open belong to tests
# running at the same time.
preexisting=$(our_program_ids)

expect_nothing_attached() {
	local id pid leaks=""
	for id in $(comm -13 <(echo "$preexisting") <(our_program_ids)); do
		local holders
		holders=$(holders_of "$id")
		if [ -z "$holders" ]; then
			leaks="$leaks $id(pinned or held by the kernel)"
			continue
		fi
		for pid in $holders; do
			if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$scratch"; then
				leaks="$leaks $id(held by pid $pid)"
			fi
		done
	done
	if [ -n "$leaks" ]; then
		fail "$1: programs still loaded:$leaks"
	else
		pass "$1: no program of ours left loaded"
	fi
}

# expect_usage_error NAME TEXT ARGS...: exit 2, TEXT in the output, no output folder.
expect_usage_error() {
	local name=$1 text=$2 out rc dir=$scratch/bad-$passed-$failed
	shift 2
	out=$(timeout 30 "$TTM" run --out "$dir" "$@" 2>&1)
	rc=$?
	if [ "$rc" -ne 2 ]; then
		fail "$name: exit status $rc, expected 2; output: $out"
	elif ! grep -qF -- "$text" <<<"$out"; then
		fail "$name: output lacks '$text': $out"
	elif [ -e "$dir/results.json" ]; then
		fail "$name: $dir/results.json was written"
	else
		pass "$name"
	fi
}

expect_usage_error "unknown flag" "--bogus" --bogus
expect_usage_error "unknown configuration" "'kprobes'" --configs none,kprobes
expect_usage_error "unknown syscall" "'read'" --syscalls openat,read
expect_usage_error "unknown mode" "'x32'" --modes native,x32
expect_usage_error "reps zero" "'0'" --reps 0
expect_usage_error "negative duration" "'-1'" --duration -1
expect_usage_error "non-numeric duration" "'soon'" --duration soon
expect_usage_error "zero duration" "'0'" --duration 0
expect_usage_error "negative rate" "'-5'" --rate -5
expect_usage_error "non-numeric rate" "'fast'" --rate fast
# Every invalid form of a value gets the same fix.
expect_usage_error "rate fast wording" "invalid --rate 'fast': give ops/s above 0, or max" --rate fast
expect_usage_error "rate negative wording" "invalid --rate '-5': give ops/s above 0, or max" --rate -5
expect_usage_error "rate zero wording" "invalid --rate '0': give ops/s above 0, or max" --rate 0
expect_usage_error "duration negative wording" "invalid --duration '-1': give seconds above 0" \
	--duration -1
expect_usage_error "duration zero wording" "invalid --duration '0': give seconds above 0" --duration 0
expect_usage_error "duration text wording" "invalid --duration 'soon': give seconds above 0" \
	--duration soon
expect_usage_error "sampling with duration below 1 s" "give --duration 1 or more" \
	--sampling-ratio 4 --duration 0.5
expect_usage_error "negative warmup" "'-2'" --warmup -2
expect_usage_error "duration and ops" "--duration and --ops" --duration 1 --ops 100
expect_usage_error "sampling ratio not a power of two" "'3'" --sampling-ratio 3
expect_usage_error "sampling ratio too large" "'256'" --sampling-ratio 256
expect_usage_error "cpu beyond count" "'4096'" --cpu 4096
expect_usage_error "unknown preset" "'medium'" --preset medium
expect_usage_error "stray argument" "'openat'" openat
expect_usage_error "fail-on without ci" "--fail-on applies only with --ci" --fail-on violated
expect_usage_error "unknown fail-on" "'maybe'" --ci --fail-on maybe

# An output path below a regular file cannot be created.
touch "$scratch/file"
out=$(timeout 30 "$TTM" run --out "$scratch/file/sub" --reps 1 2>&1)
rc=$?
if [ "$rc" -eq 2 ] && grep -qF "$scratch/file/sub" <<<"$out"; then
	pass "unwritable --out"
else
	fail "unwritable --out: exit status $rc, output: $out"
fi

# The dispatcher: version, help for a command, an option before the command.
out=$("$TTM" --version 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && [ "$out" = "ttmbench $(sed -n 's/^#define TTM_VERSION "\(.*\)"$/\1/p' "$(dirname "$0")/../bench/results.h")" ]; then
	pass "--version prints the version"
else
	fail "--version: exit status $rc, output: $out"
fi
if [ "$("$TTM" -V 2>&1)" = "$out" ]; then
	pass "-V prints the version"
else
	fail "-V: $("$TTM" -V 2>&1)"
fi
out=$("$TTM" help run 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && [ "$out" = "$("$TTM" run --help 2>&1)" ]; then
	pass "help run prints run --help"
else
	fail "help run: exit status $rc, output: $out"
fi
out=$("$TTM" help bogus 2>&1)
rc=$?
if [ "$rc" -eq 2 ] && grep -qF "unknown command 'bogus'" <<<"$out"; then
	pass "help of an unknown command exits 2"
else
	fail "help bogus: exit status $rc, output: $out"
fi
out=$("$TTM" --configs tp run 2>&1)
rc=$?
if [ "$rc" -eq 2 ] && grep -qF "options go after the command: ttmbench run --configs" <<<"$out"; then
	pass "option before the command"
else
	fail "option before the command: exit status $rc, output: $out"
fi
for cmd in run sweep ringbuf hold validate coverage; do
	if "$TTM" "$cmd" --help 2>&1 | grep -qE '^ +--wait '; then
		pass "$cmd --help lists --wait"
	else
		fail "$cmd --help does not list --wait"
	fi
done

if [ "$(id -u)" -ne 0 ]; then
	echo "skip: the acceptance and interruption runs need root (BPF and perf counters)"
	finish
	exit
fi

out=$(timeout 30 setpriv --reuid=65534 --regid=65534 --clear-groups "$TTM" run \
	--out "$scratch/nonroot" 2>&1)
rc=$?
if [ "$rc" -eq 2 ] && grep -qF "root" <<<"$out" && [ ! -e "$scratch/nonroot" ]; then
	pass "not root"
else
	fail "not root: exit status $rc, output: $out"
fi
expect_nothing_attached "after bad input"

# Acceptance run: tp must see every native call of the workload exactly once
# and no ia32 call at all.
dir=$scratch/accept
out=$(timeout 120 "$TTM" run --configs none,tp --syscalls openat,connect --modes native,ia32 \
	--duration 1 --reps 3 --out "$dir" 2>&1)
rc=$?
if [ "$rc" -eq 0 ]; then
	pass "acceptance run exits 0"
else
	fail "acceptance run: exit status $rc, output: $out"
fi
expect_nothing_attached "after the acceptance run"

check=$(python3 - "$dir/results.json" <<'PY'
import json
import sys

with open(sys.argv[1]) as f:
    r = json.load(f)
problems = []
checked = 0
if r.get("schema") != "ttmbench.results" or r.get("schema_version") != 1:
    problems.append("schema is %r version %r" % (r.get("schema"), r.get("schema_version")))
if r.get("complete") is not True:
    problems.append("complete is %r" % r.get("complete"))
for cell in r["cells"]:
    if cell["config"] != "tp":
        continue
    reps = cell["repetitions"]
    if len(reps) != 3:
        problems.append("%s %s: %d repetitions" % (cell["syscall"], cell["mode"], len(reps)))
    for rep in reps:
        where = "tp %s %s rep %d" % (cell["syscall"], cell["mode"], rep["rep"])
        if rep["status"] != "ok" or rep["ops"] <= 0:
            problems.append("%s: status %s, ops %s, error %s"
                            % (where, rep["status"], rep["ops"], rep["error"]))
            continue
        progs = {p["name"]: p for p in rep["programs"]}
        if cell["mode"] == "native":
            p = progs.get(cell["syscall"] + "_e")
            if p is None:
                problems.append("%s: no %s_e entry" % (where, cell["syscall"]))
                continue
            if p["run_cnt"] is None or p["run_cnt"] < rep["ops"]:
                problems.append("%s: run_cnt %s < ops %d" % (where, p["run_cnt"], rep["ops"]))
            if p["events_from_workload"] != rep["ops"]:
                problems.append("%s: %d events from the workload, ops %d"
                                % (where, p["events_from_workload"], rep["ops"]))
        else:
            for name, p in progs.items():
                if p["events_from_workload"] != 0:
                    problems.append("%s: %s delivered %d events from the workload"
                                    % (where, name, p["events_from_workload"]))
        checked += 1
if checked != 12:
    problems.append("checked %d tp repetitions, expected 12" % checked)
print("; ".join(problems) if problems else "ok")
PY
)
if [ "$check" = "ok" ]; then
	pass "results.json: tp counts every native op once and no ia32 op"
else
	fail "results.json: $check"
fi

if head -n 1 "$dir/report.md" 2>/dev/null | grep -qE '^# Verdict: (holds|violated|inconclusive)$'; then
	pass "report.md starts with the verdict"
else
	fail "report.md first line: $(head -n 1 "$dir/report.md" 2>&1)"
fi

check=$(python3 - "$dir/results.json" <<'PY'
import json
import sys

with open(sys.argv[1]) as f:
    host = json.load(f)["host"]
problems = []
for key in ("load_start", "load_end"):
    load = host.get(key)
    if not isinstance(load, dict):
        problems.append("host.%s is %r" % (key, load))
        continue
    if not isinstance(load.get("loadavg_1min"), (int, float)) or load["loadavg_1min"] < 0:
        problems.append("host.%s.loadavg_1min is %r" % (key, load.get("loadavg_1min")))
    if not isinstance(load.get("running"), int) or load["running"] < 1:
        problems.append("host.%s.running is %r" % (key, load.get("running")))
    if not isinstance(load.get("total"), int) or load["total"] < load.get("running", 0):
        problems.append("host.%s.total is %r" % (key, load.get("total")))
print("; ".join(problems) if problems else "ok")
PY
)
if [ "$check" = "ok" ]; then
	pass "results.json: host load at start and end"
else
	fail "results.json: $check"
fi
if grep -qE '^- host load \(1-minute loadavg, running processes\): at start loadavg [0-9.]+, [0-9]+ running; at end loadavg [0-9.]+, [0-9]+ running$' "$dir/report.md"; then
	pass "report.md: host load line"
else
	fail "report.md: no host load line: $(grep -n 'host' "$dir/report.md")"
fi

# A design without none and tp: run adds both, prints a note and records them.
dir=$scratch/designs
out=$(timeout 120 "$TTM" run --quiet --configs rawtp,tp+rawtp --syscalls openat --modes native,ia32 \
	--duration 0.1 --reps 2 --warmup 0 --out "$dir" 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && grep -qF "adding none,tp to --configs" <<<"$out"; then
	pass "designs without none and tp: note on stderr"
else
	fail "designs without none and tp: exit status $rc, output: $out"
fi
check=$(python3 - "$dir/results.json" <<'PY'
import json
import sys

with open(sys.argv[1]) as f:
    r = json.load(f)
problems = []
if r["parameters"]["configs"] != ["none", "tp", "rawtp", "tp+rawtp"]:
    problems.append("configs %r" % r["parameters"]["configs"])
if r["parameters"]["configs_added"] != ["none", "tp"]:
    problems.append("configs_added %r" % r["parameters"]["configs_added"])
rows = [d for d in r["designs"] if d["design"] == "rawtp"]
if len(rows) != 1:
    problems.append("%d rawtp design rows" % len(rows))
for d in rows:
    for key in ("native_penalty", "ia32_penalty"):
        if not isinstance(d[key], dict) or d[key]["n"] != 2:
            problems.append("%s is %r" % (key, d[key]))
print("; ".join(problems) if problems else "ok")
PY
)
if [ "$check" = "ok" ]; then
	pass "designs without none and tp: both penalties measured"
else
	fail "designs without none and tp: $check"
fi
expect_nothing_attached "after the designs run"

# CI mode: only the summary line on stdout, the exit status follows --fail-on
# (tp alone gives an inconclusive verdict), one history line per complete run.
history=$scratch/history.jsonl
for rule in inconclusive never; do
	out=$(timeout 60 "$TTM" run --configs none,tp --syscalls openat --modes native --ops 2000 \
		--reps 2 --warmup 0 --ci --fail-on "$rule" --history "$history" \
		--out "$scratch/ci-$rule" 2>/dev/null)
	rc=$?
	expected=1
	[ "$rule" = never ] && expected=0
	if [ "$rc" -eq "$expected" ] && [ "$(wc -l <<<"$out")" -eq 1 ] &&
		grep -q '^ttmbench-ci: verdict=inconclusive complete=true ' <<<"$out"; then
		pass "--ci --fail-on $rule: exit $expected and one summary line"
	else
		fail "--ci --fail-on $rule: exit status $rc (expected $expected), stdout: $out"
	fi
done
lines=$(python3 -c 'import json,sys; print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["verdict"] == "inconclusive"))' \
	"$history" 2>&1)
if [ "$lines" = 2 ]; then
	pass "--ci appends one history line per run"
else
	fail "--ci history: expected 2 inconclusive lines in $history, got: $lines"
fi
expect_nothing_attached "after the CI runs"

# SIGINT during the run: exit 130, results written and marked incomplete.
dir=$scratch/interrupted
timeout 120 "$TTM" run --configs none,tp --syscalls openat --modes native --duration 0.5 \
	--reps 20 --warmup 0 --quiet --out "$dir" >/dev/null 2>&1 &
pid=$!
sleep 3
kill -INT "$pid"
wait "$pid"
rc=$?
complete=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["complete"], bool(r["incomplete_reason"]))' \
	"$dir/results.json" 2>&1)
if [ "$rc" -eq 130 ] && [ "$complete" = "False True" ]; then
	pass "SIGINT: exit 130 and results marked incomplete"
else
	fail "SIGINT: exit status $rc, complete/reason: $complete"
fi
expect_nothing_attached "after SIGINT"

finish
