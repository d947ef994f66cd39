#!/bin/bash
# Bad input across every ttmbench subcommand: values, combinations and the
# environment (not root, no BTF, a read-only and a full output folder,
# corrupt or foreign JSON). Each case must exit with status 2, name the bad
# value in its message, write no results file, and leave nothing attached.
# The environment cases need root (setpriv, mount); without root they are
# skipped with the reason.
# Usage: tests/bad_input.sh [BUILD]   (default BUILD: build)
set -u

BUILD=${1:-build}
TTM=$(realpath "$BUILD/ttmbench")
FIXTURES=$(realpath tests/fixtures)
source "$(dirname "$0")/robustness_lib.sh"
source "$(dirname "$0")/lib.sh"

scratch=$(mktemp -d /tmp/ttm-bad-input.XXXXXX)
mounts=()

cleanup() {
	for m in "${mounts[@]}"; do
		umount "$m" 2>/dev/null
	done
	rm -rf "$scratch"
}
trap cleanup EXIT

# bad NAME TEXT [VAR=VALUE ...] -- COMMAND ARGS...: run `ttmbench COMMAND
# ARGS` (with the environment assignments, and as nobody when RUN_AS is
# nobody); expect exit 2, TEXT in stderr and stdout, and no results.json,
# sweep.json or ringbuf.json anywhere under $scratch/out-N.
case_no=0
bad() {
	local name=$1 text=$2 out rc
	local -a env_assign=()
	shift 2
	while [[ $1 != -- ]]; do
		env_assign+=("$1")
		shift
	done
	shift
	case_no=$((case_no + 1))
	local out_dir=$scratch/out-$case_no
	local -a argv=("$TTM" "${@//@OUT@/$out_dir}")
	if [[ ${RUN_AS:-} == nobody ]]; then
		argv=(setpriv --reuid=65534 --regid=65534 --clear-groups "${argv[@]}")
	fi
	out=$(cd "$scratch" && env "${env_assign[@]}" timeout 60 "${argv[@]}" 2>&1 </dev/null)
	rc=$?
	if [[ $rc -ne 2 ]]; then
		fail "$name: exit status $rc, expected 2; output: $out"
	elif ! grep -qF -- "$text" <<<"$out"; then
		fail "$name: output lacks '$text': $out"
	elif [[ -n $(find "$out_dir" -name results.json -o -name sweep.json -o -name ringbuf.json 2>/dev/null) ]]; then
		fail "$name: a results file was written under $out_dir"
	else
		pass "$name"
	fi
}

is_root() {
	[[ $(id -u) -eq 0 ]]
}

# A BTF-free results.json of `ttmbench run`, to feed advise a foreign schema.
printf '{"schema": "ttmbench.results", "schema_version": 1, "cells": []}\n' >"$scratch/run-results.json"
printf '{not json\n' >"$scratch/corrupt.jsonl"
printf '{"schema": "something.else", "verdict": 3}\n' >"$scratch/foreign.jsonl"
printf '' >"$scratch/empty.json"

echo "# values"
bad "unknown command" "'frobnicate'" -- frobnicate
bad "run reps negative" "'-3'" -- run --out @OUT@ --reps -3
bad "run ops zero" "'0'" -- run --out @OUT@ --ops 0
bad "run seed not a number" "'abc'" -- run --out @OUT@ --seed abc
bad "run duration infinite" "'inf'" -- run --out @OUT@ --duration inf
bad "run margin-pct negative" "'-1'" -- run --out @OUT@ --margin-pct -1
bad "run empty syscall list" "syscall list ''" -- run --out @OUT@ --syscalls ''
bad "capabilities unknown flag" "--bogus" -- capabilities --bogus
bad "capabilities stray argument" "'extra'" -- capabilities extra
bad "hold unknown config" "'bogus'" -- hold --config bogus
bad "hold sampling ratio not a power of two" "'3'" -- hold --config tp --sampling-ratio 3
bad "hold without config" "--config" -- hold
bad "sweep sampling not a power of two" "'3'" -- sweep --out @OUT@ --sampling 1,3
bad "sweep negative rate" "'-1'" -- sweep --out @OUT@ --rates -1
bad "sweep reps zero" "'0'" -- sweep --out @OUT@ --reps 0
bad "sweep configuration listed twice" "twice" -- sweep --out @OUT@ --configs tp,tp
bad "ringbuf size not a power of two" "'3000'" -- ringbuf --out @OUT@ --sizes 3000
bad "ringbuf zero cpus per buffer" "'0'" -- ringbuf --out @OUT@ --cpus-per-buffer 0
bad "ringbuf unknown syscall" "'read'" -- ringbuf --out @OUT@ --syscall read
bad "compare negative threshold" "'-5'" -- compare --threshold -5 "$FIXTURES/baseline.json" "$FIXTURES/regression.json"
bad "advise budget zero" "'0'" -- advise --budget 0 --rate 1000 --results "$scratch"
bad "advise negative rate" "'-1'" -- advise --budget 5 --rate -1 --results "$scratch"
bad "trend unknown syscall" "'read'" -- trend --syscall read --history "$FIXTURES/history.jsonl"

echo "# combinations"
bad "run duration with ops" "--duration" -- run --out @OUT@ --duration 1 --ops 100
bad "run fail-on without ci" "--fail-on" -- run --out @OUT@ --fail-on violated
bad "compare one file" "compare" -- compare "$FIXTURES/baseline.json"
bad "compare disjoint runs" "disjoint.json" -- compare "$FIXTURES/baseline.json" "$FIXTURES/disjoint.json"
bad "ringbuf sizes listed twice" "4096" -- ringbuf --out @OUT@ --sizes 4096,4096

# ttm-workload --hostile: an unknown kind, a kind for another syscall, an entry it does not support.
WORKLOAD=$(realpath "$BUILD/ttm-workload")
while IFS='|' read -r name text args; do
	# shellcheck disable=SC2086 # args are split on purpose
	out=$(timeout 30 "$WORKLOAD" $args 2>&1)
	rc=$?
	if [[ $rc -eq 2 ]] && grep -qF -- "$text" <<<"$out"; then
		pass "workload $name"
	else
		fail "workload $name: exit status $rc, expected 2 and '$text'; output: $out"
	fi
done <<'CASES'
hostile unknown kind|'null-path'|-s openat --hostile null-path -n 10
hostile kind for another syscall|--syscall getppid|-s getppid --hostile long-path -n 10
hostile sockaddr kind on openat|--syscall openat|-s openat --hostile sockaddr-len-0 -n 10
hostile through int80|ia32-int80|-s openat -e ia32-int80 --hostile unmapped-path -n 10
CASES

echo "# corrupt or foreign JSON"
bad "compare corrupt JSON" "corrupt.json" -- compare "$FIXTURES/corrupt.json" "$FIXTURES/baseline.json"
bad "compare foreign schema" "foreign-schema.json" -- compare "$FIXTURES/baseline.json" "$FIXTURES/foreign-schema.json"
bad "compare newer schema version" "schema_version" -- compare "$FIXTURES/schema-v2.json" "$FIXTURES/baseline.json"
bad "compare empty file" "empty.json" -- compare "$scratch/empty.json" "$FIXTURES/baseline.json"
bad "compare missing file" "/nonexistent/results.json" -- compare /nonexistent/results.json "$FIXTURES/baseline.json"
bad "advise corrupt JSON" "corrupt.json" -- advise --budget 5 --rate 1000 --results "$FIXTURES/corrupt.json"
bad "advise results of run" "run-results.json" -- advise --budget 5 --rate 1000 --results "$scratch/run-results.json"
bad "trend corrupt line" "corrupt.jsonl:1" -- trend --history "$scratch/corrupt.jsonl"
bad "trend foreign line" "foreign.jsonl:1" -- trend --history "$scratch/foreign.jsonl"
bad "trend missing history" "/nonexistent/history.jsonl" -- trend --history /nonexistent/history.jsonl

echo "# environment"
if ! is_root; then
	skip "environment cases: setpriv, mount and BPF need root (CI runs as root)"
else
	RUN_AS=nobody bad "run not root" "root" -- run --out @OUT@ --reps 1
	RUN_AS=nobody bad "hold not root" "root" -- hold --config tp
	RUN_AS=nobody bad "sweep not root" "root" -- sweep --out @OUT@
	bad "run without BTF" "'/nonexistent/vmlinux'" TTMBENCH_BTF_PATH=/nonexistent/vmlinux -- \
		run --out @OUT@ --configs none,tp --syscalls openat --modes native --reps 1
	bad "run with a BTF path that is no BTF" "'/etc/hostname'" TTMBENCH_BTF_PATH=/etc/hostname -- \
		run --out @OUT@ --configs tp --syscalls openat --modes native --reps 1
	bad "hold without BTF" "'/nonexistent/vmlinux'" TTMBENCH_BTF_PATH=/nonexistent/vmlinux -- \
		hold --config tp

	mkdir -p "$scratch/ro" "$scratch/full"
	if mount -t tmpfs -o ro,size=64k tmpfs "$scratch/ro"; then
		mounts+=("$scratch/ro")
		bad "run read-only output folder" "$scratch/ro/run" -- run --out "$scratch/ro/run" --reps 1
		bad "sweep read-only output folder" "$scratch/ro/sweep" -- sweep --out "$scratch/ro/sweep" --reps 1
		bad "compare junit into a read-only folder" "$scratch/ro/junit.xml" -- \
			compare --junit "$scratch/ro/junit.xml" "$FIXTURES/baseline.json" "$FIXTURES/regression.json"
	else
		fail "mounting a read-only tmpfs at $scratch/ro failed"
	fi
	if mount -t tmpfs -o size=64k tmpfs "$scratch/full"; then
		mounts+=("$scratch/full")
		dd if=/dev/zero of="$scratch/full/filler" bs=4k count=64 2>/dev/null
		bad "run full output folder" "$scratch/full/run" -- run --out "$scratch/full/run" \
			--configs none,tp --syscalls openat --modes native --reps 2
		bad "compare markdown into a full folder" "$scratch/full/diff.md" -- \
			compare --markdown "$scratch/full/diff.md" "$FIXTURES/baseline.json" "$FIXTURES/regression.json"
	else
		fail "mounting a 64 KiB tmpfs at $scratch/full failed"
	fi

	if msg=$(ttm_wait_no_orphans 5); then
		pass "nothing of ours attached after the bad input"
	else
		fail "after the bad input: $msg"
	fi
	# Every command above has exited, so a live holder is another test's run.
	if ttm_lock_released_by 0; then
		pass "run lock free after the bad input"
	else
		fail "run lock $TTM_RUN_LOCK still held after the bad input"
	fi
fi

echo "$passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 ]]
