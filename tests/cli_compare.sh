#!/bin/bash
# Command-line checks of the nightly CI mode, on the fixtures of tests/fixtures:
# `ttmbench compare` exit statuses, messages, JUnit and Markdown files, and
# `ttmbench trend` on the fixture history. Also the sample workflow's YAML and
# bad input of scripts/hyperfine-crosscheck.sh. As root, it checks that
# `ttmbench hold` leaves nothing attached after SIGTERM or SIGINT and rejects a
# configuration this kernel cannot attach, and runs one short cross-check.
# Usage: tests/cli_compare.sh [BUILD]   (default BUILD: build)
set -u

BUILD=${1:-build}
TTM=$BUILD/ttmbench
FIX=tests/fixtures
source "$(dirname "$0")/lib.sh"
scratch=$(mktemp -d)
hold_pid=
cleanup() {
	[ -n "$hold_pid" ] && kill -TERM "$hold_pid" 2>/dev/null && wait "$hold_pid"
	rm -rf "$scratch"
}
trap cleanup EXIT

# run NAME EXPECTED_STATUS COMMAND...: stdout in $scratch/out, stderr in $scratch/err.
run() {
	local name=$1 expected=$2 status
	shift 2
	"$@" >"$scratch/out" 2>"$scratch/err"
	status=$?
	if [ "$status" -eq "$expected" ]; then
		pass "$name: exit status $status"
	else
		fail "$name: exit status $status, expected $expected; stderr: $(head -c 400 "$scratch/err")"
	fi
}

# expect_text NAME FILE TEXT: FILE contains TEXT (fixed string).
expect_text() {
	if grep -qF -- "$3" "$2"; then
		pass "$1: mentions '$3'"
	else
		fail "$1: '$3' not in $(basename "$2"): $(head -c 400 "$2")"
	fi
}

expect_no_file() {
	if [ -e "$2" ] || compgen -G "$2.tmp*" >/dev/null; then
		fail "$1: $2 (or a temporary file) exists"
	else
		pass "$1: no $(basename "$2") written"
	fi
}

# --- compare: results ---

run "compare regression" 1 "$TTM" compare $FIX/baseline.json $FIX/regression.json
expect_text "compare regression" "$scratch/out" "regression"
expect_text "compare regression" "$scratch/out" "2 regressions"

run "compare noisy change" 0 "$TTM" compare $FIX/baseline.json $FIX/noisy-change.json
expect_text "compare noisy change" "$scratch/out" "within noise"
expect_text "compare noisy change" "$scratch/out" "0 regressions"

run "compare improvement" 0 "$TTM" compare $FIX/baseline.json $FIX/improvement.json
expect_text "compare improvement" "$scratch/out" "2 improvements"

run "compare two repetitions" 0 "$TTM" compare $FIX/two-reps.json $FIX/two-reps.json
expect_text "compare two repetitions" "$scratch/out" "10 insufficient"

# A results folder, through a symbolic link as results/latest is.
mkdir -p "$scratch/run-a"
cp $FIX/regression.json "$scratch/run-a/results.json"
ln -s run-a "$scratch/latest"
run "compare folder" 1 "$TTM" compare $FIX/baseline.json "$scratch/latest"

run "compare higher threshold" 0 "$TTM" compare --threshold 15 $FIX/baseline.json \
	$FIX/regression.json

# --- compare: settings and argument order ---

run "compare different settings" 2 "$TTM" compare $FIX/baseline.json $FIX/other-settings.json \
	--junit "$scratch/settings.xml"
expect_text "compare different settings" "$scratch/err" 'parameters.rate: baseline "max", new 10000'
expect_text "compare different settings" "$scratch/err" "parameters.sampling_ratio: baseline 1, new 4"
expect_text "compare different settings" "$scratch/err" \
	"parameters.dropping_mode: baseline false, new true"
expect_text "compare different settings" "$scratch/err" \
	'host.kernel_release: baseline "6.18.0-fixture", new "6.19.0-fixture"'
expect_text "compare different settings" "$scratch/err" "pass --allow-different-settings"
expect_no_file "compare different settings" "$scratch/settings.xml"
if grep -q "duration_s\|parameters.ops\|host.timing" "$scratch/err"; then
	fail "compare different settings: names a setting that is equal in both runs"
else
	pass "compare different settings: names only the settings that differ"
fi

run "compare allowed settings" 0 "$TTM" compare --allow-different-settings $FIX/baseline.json \
	$FIX/other-settings.json --junit "$scratch/settings.xml" --markdown "$scratch/settings.md"
expect_text "compare allowed settings" "$scratch/out" \
	'warning: different settings: parameters.rate is "max" in the baseline and 10000'
warnings=$(grep -c '^warning: different settings' "$scratch/out")
if [ "$warnings" -eq 4 ]; then
	pass "compare allowed settings: one warning line per difference (4)"
else
	fail "compare allowed settings: $warnings warning lines, expected 4"
fi
expect_text "compare allowed settings markdown" "$scratch/settings.md" \
	"- **warning: different settings: parameters.sampling_ratio is 1 in the baseline and 4"
if python3 - "$scratch/settings.xml" <<'PY'; then
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
for suite in root.iter("testsuite"):
    props = [p.get("value") for p in suite.iter("property") if p.get("name") == "warning"]
    assert len(props) == 4, (suite.get("name"), props)
    assert list(suite)[0].tag == "properties", suite.get("name")
PY
	pass "compare allowed settings junit: 4 warning properties per testsuite"
else
	fail "compare allowed settings junit: warning properties missing"
fi

run "compare swapped arguments" 0 "$TTM" compare $FIX/regression.json $FIX/baseline.json
expect_text "compare swapped arguments" "$scratch/out" \
	"warning: NEW is older than BASELINE: arguments swapped?"
run "compare in order" 1 "$TTM" compare $FIX/baseline.json $FIX/regression.json
if grep -q "^warning:" "$scratch/out"; then
	fail "compare in order: warns although the runs are in order with the same settings"
else
	pass "compare in order: no warning"
fi

# --- compare: bad input ---

run "compare corrupt" 2 "$TTM" compare $FIX/baseline.json $FIX/corrupt.json \
	--junit "$scratch/bad.xml"
expect_text "compare corrupt" "$scratch/err" "corrupt.json: invalid JSON at line"
expect_no_file "compare corrupt" "$scratch/bad.xml"

run "compare foreign schema" 2 "$TTM" compare $FIX/foreign-schema.json $FIX/baseline.json
expect_text "compare foreign schema" "$scratch/err" \
	'foreign-schema.json: schema is "someone.else", expected "ttmbench.results"'

run "compare schema version" 2 "$TTM" compare $FIX/baseline.json $FIX/schema-v2.json
expect_text "compare schema version" "$scratch/err" "schema-v2.json: schema_version is 2"

run "compare missing file" 2 "$TTM" compare $FIX/baseline.json "$scratch/none.json"
expect_text "compare missing file" "$scratch/err" "$scratch/none.json: No such file"

run "compare folder without results" 2 "$TTM" compare "$scratch" $FIX/baseline.json
expect_text "compare folder without results" "$scratch/err" "$scratch/results.json"

run "compare no common cells" 2 "$TTM" compare $FIX/baseline.json $FIX/disjoint.json \
	--markdown "$scratch/bad.md"
expect_text "compare no common cells" "$scratch/err" "disjoint.json: no common cell"
expect_no_file "compare no common cells" "$scratch/bad.md"

for threshold in 0 -1 abc 5x nan; do
	run "compare threshold '$threshold'" 2 "$TTM" compare --threshold "$threshold" \
		$FIX/baseline.json $FIX/regression.json
	expect_text "compare threshold '$threshold'" "$scratch/err" "invalid --threshold '$threshold'"
done

run "compare one argument" 2 "$TTM" compare $FIX/baseline.json
run "compare junit folder missing" 2 "$TTM" compare $FIX/baseline.json $FIX/regression.json \
	--junit "$scratch/no/such/dir/junit.xml"
expect_text "compare junit folder missing" "$scratch/err" "invalid --junit"

# --- compare: JUnit and Markdown ---

run "compare junit" 1 "$TTM" compare $FIX/baseline.json $FIX/regression.json \
	--junit "$scratch/junit.xml" --markdown "$scratch/compare.md"
if python3 - "$scratch/junit.xml" $FIX/baseline.json $FIX/regression.json <<'PY'; then
import json
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()


def ok_cells(path):
    with open(path) as f:
        cells = json.load(f)["cells"]
    return {(c["config"], c["syscall"], c["mode"]) for c in cells
            if any(r["status"] == "ok" for r in c["repetitions"])}


common = ok_cells(sys.argv[2]) & ok_cells(sys.argv[3])
suites = {s.get("name"): s for s in root.iter("testsuite")}
cases = suites["cells"].findall("testcase")
names = {c.get("name") for c in cases}
expected = {" ".join(k) for k in common}
failures = [c.get("name") for c in cases if c.find("failure") is not None]
errors = []
if len(cases) != len(common):
    errors.append(f"{len(cases)} cell testcases, {len(common)} common cells")
if names != expected:
    errors.append(f"testcase names {sorted(names)} != cells {sorted(expected)}")
if failures != ["tp openat native"]:
    errors.append(f"failures {failures}, expected ['tp openat native']")
if root.get("failures") != "2":
    errors.append(f"testsuites failures={root.get('failures')}, expected 2")
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
PY
	pass "junit: one testcase per common cell, the regression as a failure"
else
	fail "junit: content check failed (see above)"
fi
expect_text "compare markdown" "$scratch/compare.md" "| tp openat native | 8/8 |"
expect_text "compare markdown" "$scratch/compare.md" "**regression**"
expect_no_file "compare junit temporary" "$scratch/junit.xml.tmp"

# --- trend ---

run "trend fixture history" 0 "$TTM" trend --history $FIX/history.jsonl
rows=$(grep -cE '^2026-12-0[1-3]T' "$scratch/out")
if [ "$rows" -eq 3 ]; then
	pass "trend: one row per history line (3)"
else
	fail "trend: $rows rows, expected 3"
fi
expect_text "trend" "$scratch/out" "+30.0 [+29.9, +30.1]"

expect_text "trend" "$scratch/out" "+30.0 [+29.9, +30.1] 96%"
expect_text "trend" "$scratch/out" "CI (level per row)"
if grep -qE '95 ?% CI|\*$|CI level below' "$scratch/out"; then
	fail "trend: claims a 95% CI or marks a row although every level is 96%"
else
	pass "trend: no fixed 95% label and no low-level marker"
fi

# The same history with the first run at 75 % (3 pairs): its row shows 75% and a marker.
sed '1s/"ci_level":0.9609375/"ci_level":0.75/g' $FIX/history.jsonl >"$scratch/low.jsonl"
run "trend low level" 0 "$TTM" trend --history "$scratch/low.jsonl"
expect_text "trend low level" "$scratch/out" "+30.0 [+29.9, +30.1] 75%*"
expect_text "trend low level" "$scratch/out" "+63.0 [+62.9, +63.2] 96% "
expect_text "trend low level" "$scratch/out" "* CI level below 90%"

# One pair: the run wrote null bounds, and trend prints that there is no CI.
python3 - $FIX/history.jsonl >"$scratch/one.jsonl" <<'PY'
import json
import sys

line = json.loads(open(sys.argv[1]).readline())
for sc in line["syscalls"]:
    p = sc["tracepoint_penalty"]
    p.update(n=1, ci_lower=None, ci_upper=None, ci_level=0.0)
print(json.dumps(line))
PY
run "trend one pair" 0 "$TTM" trend --history "$scratch/one.jsonl"
expect_text "trend one pair" "$scratch/out" "+30.0 no CI (n=1)"

run "trend png" 0 "$TTM" trend --history $FIX/history.jsonl --plot "$scratch/trend.png"
if [ "$(head -c 8 "$scratch/trend.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
	pass "trend png: a PNG file"
else
	fail "trend png: $scratch/trend.png is not a PNG file"
fi
run "trend svg" 0 "$TTM" trend --history $FIX/history.jsonl --syscall connect \
	--plot "$scratch/trend.svg"
expect_text "trend svg" "$scratch/trend.svg" "<svg"
expect_text "trend svg" "$scratch/trend.svg" "tracepoint penalty"
expect_text "trend svg" "$scratch/trend.svg" "CI (level per row)"

run "trend missing history" 2 "$TTM" trend --history "$scratch/none.jsonl"
expect_text "trend missing history" "$scratch/err" "$scratch/none.jsonl"
run "trend results file as history" 2 "$TTM" trend --history $FIX/baseline.json
expect_text "trend results file as history" "$scratch/err" "baseline.json:1:"
{ head -n 1 $FIX/history.jsonl; echo '{"schema": "ttmbench.results"}'; } >"$scratch/mixed.jsonl"
run "trend foreign line" 2 "$TTM" trend --history "$scratch/mixed.jsonl" \
	--plot "$scratch/mixed.png"
expect_text "trend foreign line" "$scratch/err" "mixed.jsonl:2: not a ttmbench history line"
expect_no_file "trend foreign line" "$scratch/mixed.png"
: >"$scratch/empty.jsonl"
run "trend empty history" 2 "$TTM" trend --history "$scratch/empty.jsonl"
run "trend unknown syscall" 2 "$TTM" trend --history $FIX/history.jsonl --syscall getdents
expect_text "trend unknown syscall" "$scratch/err" "invalid --syscall 'getdents'"
run "trend plot extension" 2 "$TTM" trend --history $FIX/history.jsonl --plot "$scratch/t.jpg"
expect_text "trend plot extension" "$scratch/err" "invalid --plot"

# --- sample workflow ---

if python3 - .github/workflows/nightly.yml <<'PY'; then
import sys
import yaml

with open(sys.argv[1]) as f:
    wf = yaml.safe_load(f)
on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` key as true
steps = wf["jobs"]["bench"]["steps"]
text = "\n".join(str(s.get("run", "")) + str(s.get("uses", "")) for s in steps)
errors = [m for m, ok in [
    ("no schedule", "schedule" in on), ("no workflow_dispatch", "workflow_dispatch" in on),
    ("not self-hosted", "self-hosted" in wf["jobs"]["bench"]["runs-on"]),
    ("no make bench", "make bench" in text),
    ("no compare", "ttmbench compare baseline/results.json results/latest" in text),
    ("no --junit", "--junit junit.xml" in text),
    ("no upload", "actions/upload-artifact" in text)] if not ok]
print("\n".join(errors))
sys.exit(1 if errors else 0)
PY
	pass "workflow: nightly.yml parses and has the expected triggers and steps"
else
	fail "workflow: nightly.yml check failed (see above)"
fi

# --- hyperfine cross-check: bad input ---

run "hyperfine ops 0" 2 env BUILD="$BUILD" scripts/hyperfine-crosscheck.sh --ops 0
expect_text "hyperfine ops 0" "$scratch/err" "invalid --ops '0'"
run "hyperfine config" 2 env BUILD="$BUILD" scripts/hyperfine-crosscheck.sh --config most
expect_text "hyperfine config" "$scratch/err" "invalid --config 'most'"
run "hyperfine unknown option" 2 env BUILD="$BUILD" scripts/hyperfine-crosscheck.sh --fast

# --- hold (root) ---

# BPF object ids of key $2 (prog_id, link_id or map_id) in the fds of process $1.
held_ids() {
	local key=$2
	grep -h "^$key:" /proc/"$1"/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -u
}

# hold_and_stop SIGNAL: attach tp, check the programs, send SIGNAL, check they are gone.
hold_and_stop() {
	local sig=$1 i prog_ids link_ids map_ids names status left=""
	"$TTM" hold --config tp >"$scratch/hold.out" 2>"$scratch/hold.err" &
	hold_pid=$!
	for ((i = 0; i < 300; i++)); do
		grep -q '^attached ' "$scratch/hold.out" 2>/dev/null && break
		kill -0 "$hold_pid" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -q "^attached tp (programs: connect_e, creat_e, open_e, openat_e, openat2_e) pid $hold_pid\$" \
		"$scratch/hold.out"; then
		kill -KILL "$hold_pid" 2>/dev/null
		status=0
		wait "$hold_pid" 2>/dev/null || status=$?
		hold_pid=
		fail "hold $sig: no attached line (exit status $status): $(cat "$scratch/hold.out" "$scratch/hold.err")"
		return
	fi
	pass "hold $sig: attached line"

	# Links are held through the skeleton's link fds; their ids are in fdinfo.
	prog_ids=$(held_ids "$hold_pid" prog_id)
	link_ids=$(held_ids "$hold_pid" link_id)
	map_ids=$(held_ids "$hold_pid" map_id)
	# The loader may load more programs than tp attaches: check what the links point to.
	linked=$(for id in $link_ids; do bpftool link show id "$id" 2>/dev/null | head -1; done |
		grep -oE 'prog [0-9]+' | awk '{print $2}')
	names=$(for id in $linked; do bpftool prog show id "$id" 2>/dev/null | head -1; done |
		grep -oE 'name [a-z0-9_]+' | awk '{print $2}' | sort | tr '\n' ' ')
	if [ "$names" = "connect_e creat_e open_e openat2_e openat_e " ]; then
		pass "hold $sig: the 5 links attach the 5 tracepoint programs"
	else
		fail "hold $sig: links '$(echo $link_ids)' attach programs '$names'"
	fi

	kill -"$sig" "$hold_pid"
	status=0
	wait "$hold_pid" || status=$?
	hold_pid=
	if [ "$status" -eq 0 ]; then
		pass "hold $sig: exit status 0"
	else
		fail "hold $sig: exit status $status"
	fi
	expect_text "hold $sig" "$scratch/hold.err" "detached tp after SIG$sig"

	# The kernel frees the objects once the last fd is closed; allow it a moment.
	for ((i = 0; i < 50; i++)); do
		left=""
		for id in $prog_ids; do bpftool prog show id "$id" >/dev/null 2>&1 && left="$left prog:$id"; done
		for id in $link_ids; do bpftool link show id "$id" >/dev/null 2>&1 && left="$left link:$id"; done
		for id in $map_ids; do bpftool map show id "$id" >/dev/null 2>&1 && left="$left map:$id"; done
		[ -z "$left" ] && break
		sleep 0.1
	done
	if [ -z "$left" ] && [ -n "$prog_ids" ]; then
		pass "hold $sig: no program, link or map of ours left (bpftool)"
	else
		fail "hold $sig: still present after exit:${left:- (no ids were found)}"
	fi
}

if [ "$(id -u)" -ne 0 ]; then
	echo "skip: hold and hyperfine checks need root to load BPF programs"
else
	hold_and_stop TERM
	hold_and_stop INT

	full=$("$TTM" capabilities --json 2>/dev/null | python3 -c \
		'import json,sys; print(json.load(sys.stdin)["configs"]["full"]["available"])' 2>/dev/null)
	if [ -z "$full" ]; then
		fail "hold full: 'ttmbench capabilities --json' gave no configs.full.available"
	elif [ "$full" = False ]; then
		run "hold full unavailable" 2 "$TTM" hold --config full
		expect_text "hold full unavailable" "$scratch/err" "configuration full is not available"
		expect_text "hold full unavailable" "$scratch/err" "kprobe"
		run "hyperfine full unavailable" 2 env BUILD="$BUILD" scripts/hyperfine-crosscheck.sh \
			--config full --out "$scratch/hyperfine-full"
		expect_no_file "hyperfine full unavailable" "$scratch/hyperfine-full"
	else
		echo "note: this kernel can attach full; the unavailable-configuration check needs one without kprobes"
	fi
	run "hold unknown config" 2 "$TTM" hold --config most
	run "hold sampling ratio" 2 "$TTM" hold --config tp --sampling-ratio 3

	run "hyperfine cross-check" 0 env BUILD="$BUILD" scripts/hyperfine-crosscheck.sh --config tp --syscall openat \
		--ops 2000 --out "$scratch/hyperfine"
	if python3 - "$scratch/hyperfine" <<'PY'; then
import json
import sys

for name in ("hyperfine-none.json", "hyperfine-tp.json"):
    with open(f"{sys.argv[1]}/{name}") as f:
        result = json.load(f)["results"][0]
    assert result["mean"] > 0, name
    assert len(result["times"]) >= 10, name
PY
		pass "hyperfine cross-check: both exports have a mean over >= 10 runs"
	else
		fail "hyperfine cross-check: exports missing or incomplete"
	fi
	expect_text "hyperfine cross-check" "$scratch/out" "implied difference:"
fi

finish
