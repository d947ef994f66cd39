#!/usr/bin/env bash
# Kernel-lab robustness test: in each guest kernel (default: 6.1 and 6.12;
# set LAB_ROBUSTNESS_KERNELS to change), the verifier must accept every
# program whose hook exists, and hostile ia32 and native arguments must not
# harm the kprobe and tracepoint programs. In the guest:
#  1. ttmbench capabilities --json;
#  2. ttmbench run --configs full over all five syscalls, native and ia32,
#     200 ops per cell, which loads every program whose hook exists;
#  3. with `ttmbench hold --config full` attached, ttm-workload --hostile of
#     every kind through the native and ia32 entries: each must exit 0 with
#     every call failing, and the guest must stay up.
# Needs the static binaries (make lab-static) and root; each guest is
# bounded by LAB_ROBUSTNESS_TIMEOUT seconds (default 420).
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
lab=$repo/scripts/kernel-lab
kernels=${LAB_ROBUSTNESS_KERNELS:-6.1 6.12}
guest_timeout=${LAB_ROBUSTNESS_TIMEOUT:-420}
passed=0
failed=0

if [[ $(id -u) -ne 0 ]]; then
	echo "lab_robustness: skipped: not root (kernel-lab and BPF need root; CI runs as root)"
	exit 0
fi

work=$(mktemp -d /tmp/lab_robustness.XXXXXX)
trap 'rm -rf "$work"' EXIT

pass() {
	echo "ok - $1"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL - $1"
	failed=$((failed + 1))
}

# The guest side, run by the guest's busybox sh in its output folder: writes
# caps.json, run/results.json (moved to the top by kernel-lab), hostile.txt ("KIND SYSCALL ENTRY STATUS
# SUMMARY" lines), run.status and hold.status.
guest_script=$(cat <<'GUEST'
ttmbench capabilities --json >caps.json
ttmbench run --configs full --syscalls all --modes native,ia32 --ops 200 --reps 1 \
	--warmup 0 --quiet --out run >run.out 2>run.err
echo "$?" >run.status
ttmbench hold --config full >hold.out 2>&1 &
hold=$!
i=0
until grep -q '^attached' hold.out || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
for entry in native ia32; do
	for kind_sc in unmapped-path:openat long-path:creat unterminated-path:open \
		unterminated-path:openat2 sockaddr-len-0:connect sockaddr-len-large:connect \
		how-size-small:openat2 how-size-large:openat2; do
		kind=${kind_sc%%:*}
		sc=${kind_sc#*:}
		out=$(ttm-workload -s "$sc" -e "$entry" --hostile "$kind" -n 200 2>&1)
		echo "$kind $sc $entry $? $out" >>hostile.txt
	done
done
kill -INT $hold
wait $hold
echo "$?" >hold.status
GUEST
)

check_guest() {
	python3 - "$1" "$2" <<'EOF'
import json
import os
import sys

folder, series = sys.argv[1], sys.argv[2]
checks = []


def check(name, ok, detail=""):
    checks.append((name, bool(ok), detail))


def read(name):
    try:
        with open(os.path.join(folder, name)) as f:
            return f.read()
    except OSError as e:
        return "(%s)" % e


try:
    caps = json.loads(read("caps.json"))
    check("capabilities: kprobe available", caps["kprobe"]["available"], caps["kprobe"]["reason"])
    check("capabilities: full available", caps["configs"]["full"]["available"],
          caps["configs"]["full"]["reason"])
except ValueError as e:
    check("capabilities: caps.json parses", False, e)

status = read("run.status").strip()
check("run --configs full: exit status 0 or 1", status in ("0", "1"),
      status + " " + read("run.err")[-400:])
# kernel-lab moves the files of the only results folder to the top.
results_path = os.path.join(folder, "results.json")
if os.path.exists(results_path):
    results = json.load(open(results_path))
    check("run: complete", results["complete"] is True, results.get("incomplete_reason"))
    full = [c for c in results["configurations"] if c["name"] == "full"][0]
    check("run: full attached", full["available"], full["reason"])
    cells = [c for c in results["cells"] if c["config"] == "full"]
    bad = ["%s %s: %s" % (c["syscall"], c["mode"], c.get("reason")) for c in cells if c["status"] != "ok"]
    check("run: all 10 full cells measured", len(cells) == 10 and not bad, "; ".join(bad))
else:
    check("run: results.json written", False, read("run.err")[-400:])

lines = read("hostile.txt").splitlines()
check("hostile: 16 workloads ran", len(lines) == 16, len(lines))
for line in lines:
    kind, sc, entry, code, summary = (line.split(" ", 4) + [""] * 5)[:5]
    name = "hostile %s %s %s" % (kind, sc, entry)
    check(name + ": exit 0, every call failed",
          code == "0" and "200 ops" in summary and "200 errors" in summary, summary)
check("hold full: detached and exited 0 after SIGINT", read("hold.status").strip() == "0",
      read("hold.out")[-300:])

for name, ok, detail in checks:
    print("%s - %s: %s%s" % ("ok" if ok else "FAIL", series, name, "" if ok else " (%s)" % (detail,)))
EOF
}

for series in $kernels; do
	out=$work/$series
	mkdir -p "$out"
	start=$SECONDS
	status=0
	timeout $((guest_timeout + 120)) "$lab" --kernel "$series" --timeout "$guest_timeout" \
		--out "$out" -- sh -c "$guest_script" >"$out.console" 2>"$out.err" || status=$?
	dir=$(find "$out" -mindepth 1 -maxdepth 1 -type d -name '*-lab-*' | head -n 1)
	if [[ $status -ne 0 || -z $dir ]]; then
		fail "$series: kernel-lab exit status $status after $((SECONDS - start)) s: $(tail -n 3 "$out.err")"
		continue
	fi
	pass "$series: guest finished in $((SECONDS - start)) s"
	while IFS= read -r line; do
		case $line in
		ok\ *) pass "${line#ok - }" ;;
		*) fail "${line#FAIL - }" ;;
		esac
	done < <(check_guest "$dir" "$series" 2>&1)
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
