#!/bin/bash
# CLI test of `ttmbench validate`, `coverage` and `project`: bad input exits 2
# with a message naming the value, the projection arithmetic on a fixture, the
# design configurations in `capabilities --json`, and (as root) the coverage
# counts of tp and rawtp. Counts and exit statuses only, never timings.
# Usage: tests/cli_validity.sh [build folder]
set -u

BUILD=${1:-build}
TTMBENCH=$BUILD/ttmbench
source "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect_usage NAME NEEDLE ARGS...: exit status 2 and NEEDLE in stderr. Commands
# that attach probes take the run lock before they parse their options, so they
# get --wait: a benchmark running elsewhere must not turn bad input into status 1.
expect_usage() {
	local name=$1 needle=$2 status
	shift 2

	timeout 280 "$TTMBENCH" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "$status" = 2 ] && grep -qF -- "$needle" "$tmp/err"; then
		pass "$name"
	else
		fail "$name (status $status, stderr: $(head -c 300 "$tmp/err"))"
	fi
}

# json_check NAME FILE EXPR: a python3 expression over the JSON document `doc`.
json_check() {
	local name=$1 file=$2 expr=$3

	if python3 -c "import json, sys; doc = json.load(open('$file')); sys.exit(0 if ($expr) else 1)"; then
		pass "$name"
	else
		fail "$name"
	fi
}

expect_usage "validate rejects --reps 3" "'3'" validate --wait --reps 3
expect_usage "validate rejects --trials 0" "'0'" validate --wait --trials 0
expect_usage "validate rejects --duration abc" "'abc'" validate --wait --duration abc
expect_usage "validate rejects an argument" "'extra'" validate --wait extra
expect_usage "coverage rejects --ops 0" "'0'" coverage --wait --ops 0
expect_usage "coverage rejects an unknown configuration" "'kprobes'" coverage --wait --configs tp,kprobes
expect_usage "coverage rejects an unknown mode" "'x32'" coverage --wait --modes native,x32
expect_usage "project rejects a mix not summing to 100" "'99:2'" project --mix 99:2 --rate 5
expect_usage "project rejects a mix without colon" "'50'" project --mix 50 --rate 5
expect_usage "project rejects --rate 0" "'0'" project --mix 50:50 --rate 0
expect_usage "project requires --rate" "--rate is required" project --mix 50:50
expect_usage "project rejects a missing results folder" "$tmp/none/results.json" \
	project --mix 50:50 --rate 5 --results "$tmp/none"
expect_usage "run rejects --adaptive without a target" "--target-halfwidth" run --wait --adaptive
expect_usage "run rejects --max-time without --adaptive" "--adaptive" run --wait --max-time 5

# Projection arithmetic: 1e6 calls/s, 90 % native at 10 ns and 10 % ia32 at
# 100 ns cost 1e6 * (0.9 * 10 + 0.1 * 100) ns/s = 1.9 % of one CPU.
mkdir -p "$tmp/fixture"
python3 - "$tmp/fixture/results.json" <<'PY'
import json, sys
pen = lambda a, b, e, lo, hi: {"a": a, "b": b, "n": 8, "estimate_ns": e, "ci_lower": lo,
                               "ci_upper": hi, "ci_level": 0.96, "mde_ns": 1.0}
doc = {"schema": "ttmbench.results", "schema_version": 1,
       "parameters": {"syscalls": ["openat"]},
       "comparisons": [dict(pen("tp", "none", 20, 18, 22), syscall="openat", mode="native")],
       "designs": [{"design": "rawtp", "syscall": "openat",
                    "native_penalty": pen("tp+rawtp", "tp", 10, 8, 12),
                    "ia32_penalty": pen("rawtp", "none", 100, 90, 110)}]}
json.dump(doc, open(sys.argv[1], "w"))
PY
if timeout 30 "$TTMBENCH" project --mix 90:10 --rate 1e6 --results "$tmp/fixture" --json \
	>"$tmp/project.json" 2>"$tmp/err"; then
	pass "project exits 0 on a results fixture"
else
	fail "project exits 0 on a results fixture ($(head -c 300 "$tmp/err"))"
fi
json_check "project computes the rawtp cost" "$tmp/project.json" \
	"[round(r['cpu_pct'], 9) for r in doc['rows'] if r['design'] == 'rawtp'] == [1.9]"
json_check "project carries the CI bounds" "$tmp/project.json" \
	"[(round(r['cpu_pct_lower'], 9), round(r['cpu_pct_upper'], 9)) for r in doc['rows'] if r['design'] == 'rawtp'] == [(1.62, 2.18)]"
json_check "project charges tracepoints to native calls only" "$tmp/project.json" \
	"[round(r['cpu_pct'], 9) for r in doc['rows'] if r['design'] == 'tracepoints'] == [1.8]"
json_check "project shows the CI levels it used" "$tmp/project.json" \
	"[(r['native_ci_level'], r['ia32_ci_level'], round(r['coverage_min'], 9)) for r in doc['rows'] if r['design'] == 'rawtp'] == [(0.96, 0.96, 0.92)]"
json_check "project does not warn on 96% intervals of a complete run" "$tmp/project.json" \
	"doc['warnings'] == []"

# The same run stopped early, with the rawtp ia32 penalty at 75 % (3 pairs).
mkdir -p "$tmp/fixture-low"
python3 - "$tmp/fixture/results.json" "$tmp/fixture-low/results.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc.update(complete=False, incomplete_reason="interrupted by SIGINT after rep 3/8")
doc["designs"][0]["ia32_penalty"]["ci_level"] = 0.75
json.dump(doc, open(sys.argv[2], "w"))
PY
if timeout 30 "$TTMBENCH" project --mix 90:10 --rate 1e6 --results "$tmp/fixture-low" \
	>"$tmp/out" 2>"$tmp/err"; then
	pass "project exits 0 on an incomplete run"
else
	fail "project exits 0 on an incomplete run ($(head -c 300 "$tmp/err"))"
fi
for text in "is an incomplete run (interrupted by SIGINT after rep 3/8)" \
	"rawtp openat: the interval covers only >= 71%, below 90%"; do
	if grep -qF -- "$text" "$tmp/err"; then
		pass "project warns: $text"
	else
		fail "project warns: '$text' not on stderr: $(head -c 300 "$tmp/err")"
	fi
done
if grep -qF "(native +10.0 ns at 96%, ia32 +100.0 ns at 75%)" "$tmp/out" &&
	! grep -q "90% coverage" "$tmp/out"; then
	pass "project prints the levels used, not a fixed 90% coverage"
else
	fail "project table: $(cat "$tmp/out")"
fi

if [ "$(id -u)" != 0 ]; then
	skipped=$((skipped + 1))
	echo "skipped: capabilities and coverage load BPF programs and need root (CI runs as root)"
	finish
	exit
fi

if timeout 60 "$TTMBENCH" capabilities --json >"$tmp/caps.json" 2>"$tmp/err"; then
	json_check "capabilities lists the six design configurations" "$tmp/caps.json" \
		"all(c in doc['configs'] for c in ['rawtp', 'tp+rawtp', 'tp_btf', 'tp+tp_btf', 'fentry', 'tp+fentry'])"
	json_check "unavailable design configurations carry a reason" "$tmp/caps.json" \
		"all(v['available'] or v['reason'] for v in doc['configs'].values())"
	json_check "tp_btf and fentry report availability with a reason" "$tmp/caps.json" \
		"all(isinstance(doc[k]['available'], bool) and doc[k]['reason'] for k in ['tp_btf', 'fentry'])"
	json_check "fentry configuration follows fentry availability" "$tmp/caps.json" \
		"doc['fentry']['available'] or not doc['configs']['fentry']['available']"
else
	fail "capabilities --json exits 0 ($(head -c 300 "$tmp/err"))"
fi

if timeout 240 "$TTMBENCH" coverage --wait --configs tp,rawtp --modes native,ia32 --ops 100 \
	--quiet --out "$tmp/coverage" >"$tmp/out" 2>"$tmp/err"; then
	pass "coverage exits 0"
else
	fail "coverage exits 0 ($(head -c 300 "$tmp/err"))"
fi
cov=$tmp/coverage/coverage.json
row="lambda c, s, m, how='direct': [r for r in doc['rows'] if r['config'] == c and r['syscall'] == s and r['mode'] == m and r['issued_as'] == how][0]"
json_check "coverage: tp delivers 1 event per native call" "$cov" \
	"all(($row)('tp', s, 'native')['tracepoint']['events'] == 100 for s in ['connect', 'creat', 'open', 'openat', 'openat2'])"
json_check "coverage: tp delivers 0 events per ia32 call" "$cov" \
	"all(($row)('tp', s, 'ia32')['tracepoint']['events'] == 0 and ($row)('tp', s, 'ia32')['gap'] is False for s in ['connect', 'creat', 'open', 'openat', 'openat2'])"
json_check "coverage: rawtp delivers 1 event per ia32 call" "$cov" \
	"all(($row)('rawtp', s, 'ia32')['ia32']['events'] == 100 for s in ['connect', 'creat', 'open', 'openat', 'openat2'])"
json_check "coverage: rawtp runs on native calls without events" "$cov" \
	"all(($row)('rawtp', s, 'native')['ia32']['events'] == 0 and ($row)('rawtp', s, 'native')['ia32']['runs_per_call'] >= 1 for s in ['connect', 'creat', 'open', 'openat', 'openat2'])"
json_check "coverage: socketcall connect row exists for ia32 only" "$cov" \
	"sorted(r['mode'] for r in doc['rows'] if r['issued_as'] == 'socketcall' and r['config'] == 'tp') == ['ia32']"
json_check "coverage: rawtp sees connect through socketcall" "$cov" \
	"($row)('rawtp', 'connect', 'ia32', 'socketcall')['ia32']['events'] == 100"

# An unavailable configuration's reason appears once in coverage.md, in its
# Configurations table; the rows refer to it. Checked where full cannot attach.
if timeout 60 "$TTMBENCH" capabilities --json | python3 -c \
	'import json, sys; sys.exit(json.load(sys.stdin)["configs"]["full"]["available"])'; then
	if timeout 240 "$TTMBENCH" coverage --wait --configs tp,full --modes native --ops 100 \
		--quiet --out "$tmp/coverage-full" >"$tmp/out" 2>"$tmp/err"; then
		md=$tmp/coverage-full/coverage.md
		rows=$(grep -c '^| full | .* | unavailable (see Configurations) |$' "$md")
		reasons=$(grep -c '^| full | needs ' "$md")
		if [ "$rows" -eq 5 ] && [ "$reasons" -eq 1 ]; then
			pass "coverage.md: full's reason once, 5 rows refer to it"
		else
			fail "coverage.md: $rows referring rows, $reasons reason lines: $(grep full "$md")"
		fi
	else
		fail "coverage with full exits 0 ($(head -c 300 "$tmp/err"))"
	fi
else
	echo "note: full can attach here; the unavailable-row check needs a kernel without kprobes"
fi

finish
