#!/bin/bash
# CLI test of `ttmbench capabilities`: the JSON schema and its facts on this
# host, the human table and the exit status for bad input.
# Usage: tests/cli_capabilities.sh [path/to/ttmbench]
set -u

TTMBENCH=${1:-build/ttmbench}
source "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Run a python3 expression over the JSON document in $tmp/caps.json.
json_check() {
	local name=$1 expr=$2

	if python3 -c "import json, sys; caps = json.load(open('$tmp/caps.json')); sys.exit(0 if ($expr) else 1)"; then
		pass "$name"
	else
		fail "$name"
	fi
}

if [ "$(id -u)" != 0 ]; then
	echo "skipped: ttmbench capabilities loads test programs and needs root (CI runs as root)"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi

if timeout 60 "$TTMBENCH" capabilities --json >"$tmp/caps.json" 2>"$tmp/stderr"; then
	pass "capabilities --json exits 0"
else
	fail "capabilities --json exits 0 ($(cat "$tmp/stderr"))"
fi

if python3 -m json.tool "$tmp/caps.json" >/dev/null 2>&1; then
	pass "capabilities --json prints valid JSON"
	json_check "five syscalls reported" \
		"[s['name'] for s in caps['syscalls']] == ['connect', 'creat', 'open', 'openat', 'openat2']"
	json_check "tracepoint available for every syscall" \
		"all(s['tracepoint']['available'] for s in caps['syscalls'])"
	json_check "tp configuration available" "caps['configs']['tp']['available']"
	json_check "none configuration available" "caps['configs']['none']['available']"

	# The facts below hold on a kernel without CONFIG_KPROBES, like the CI host;
	# elsewhere they are checked the other way round.
	if [ -e /sys/bus/event_source/devices/kprobe ]; then
		json_check "kprobe available" "caps['kprobe']['available']"
	else
		json_check "kprobe unavailable, reason names CONFIG_KPROBES" \
			"not caps['kprobe']['available'] and 'CONFIG_KPROBES' in caps['kprobe']['reason']"
		json_check "kprobe configuration unavailable, reason names CONFIG_KPROBES" \
			"not caps['configs']['kprobe']['available'] and 'CONFIG_KPROBES' in caps['configs']['kprobe']['reason']"
		json_check "full configuration unavailable with a reason" \
			"not caps['configs']['full']['available'] and caps['configs']['full']['reason']"
	fi
	# Each unavailable configuration's reason is one sentence naming the missing
	# feature once: "needs X: why", with no nested "kprobe: kprobes: ..." prefix.
	json_check "unavailable configuration reasons start with needs" \
		"all(c['reason'].startswith('needs ') for c in caps['configs'].values() if not c['available'])"
	json_check "unavailable configuration reasons name the feature once" \
		"all(c['reason'].count('needs ') == 1 and not __import__('re').match(r'needs [^:]+: [a-z_+]+: ', c['reason']) for c in caps['configs'].values() if not c['available'])"
	json_check "full and kprobe give the same reason" \
		"caps['configs']['kprobe']['available'] or caps['configs']['full']['reason'] == caps['configs']['kprobe']['reason']"
	json_check "tp+fentry and fentry give the same reason" \
		"caps['configs']['fentry']['available'] or caps['configs']['tp+fentry']['reason'] == caps['configs']['fentry']['reason']"
	json_check "no reason says a configuration does not need its feature" \
		"not any('do not need' in c['reason'] or 'does not need' in c['reason'] for c in caps['configs'].values())"
	if [ ! -e /sys/bus/event_source/devices/kprobe ]; then
		json_check "kprobe reason names kprobes and the kernel lab" \
			"caps['configs']['kprobe']['reason'].startswith('needs kprobes: kernel built without CONFIG_KPROBES') and caps['configs']['kprobe']['reason'].endswith('make bench-lab')"
	fi
	# Where fentry is unavailable the reason must carry the errno of the failed load or attach.
	json_check "fentry available, or unavailable with the errno" \
		"caps['fentry']['available'] or __import__('re').search(r'program failed: (E[A-Z]+|errno [0-9]+) ', caps['fentry']['reason'])"

	# The chosen ia32 kprobe must be the compat wrapper when kallsyms has it, else the plain one.
	for sc in connect creat open openat openat2; do
		if grep -q " __ia32_compat_sys_${sc}\$" /proc/kallsyms; then
			want=__ia32_compat_sys_$sc
		elif grep -q " __ia32_sys_${sc}\$" /proc/kallsyms; then
			want=__ia32_sys_$sc
		else
			want=None
		fi
		json_check "ia32 kprobe for $sc is $want" \
			"str([s for s in caps['syscalls'] if s['name'] == '$sc'][0]['ia32_kprobe']['symbol']) == '$want'"
	done
else
	fail "capabilities --json prints valid JSON"
fi

if timeout 60 "$TTMBENCH" capabilities >"$tmp/table" 2>&1 && grep -q '^Configurations' "$tmp/table" &&
	grep -q '^openat2 ' "$tmp/table"; then
	pass "capabilities prints the table"
else
	fail "capabilities prints the table"
fi

timeout 10 "$TTMBENCH" capabilities --no-such-flag >/dev/null 2>"$tmp/stderr"
status=$?
if [ "$status" = 2 ] && grep -q "no-such-flag" "$tmp/stderr"; then
	pass "unknown flag exits 2 and names it"
else
	fail "unknown flag exits 2 and names it (status $status)"
fi

timeout 10 "$TTMBENCH" capabilities extra-arg >/dev/null 2>"$tmp/stderr"
status=$?
if [ "$status" = 2 ] && grep -q "extra-arg" "$tmp/stderr"; then
	pass "unexpected argument exits 2 and names it"
else
	fail "unexpected argument exits 2 and names it (status $status)"
fi

if timeout 10 "$TTMBENCH" capabilities --help | grep -q "EXAMPLES"; then
	pass "--help shows examples"
else
	fail "--help shows examples"
fi

# Without root (an unprivileged user via setpriv) the command must refuse with exit 2.
if command -v setpriv >/dev/null; then
	cp "$TTMBENCH" "$tmp/ttmbench"
	chmod 755 "$tmp" "$tmp/ttmbench"
	timeout 30 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$tmp/ttmbench" capabilities >/dev/null 2>"$tmp/stderr"
	status=$?
	if [ "$status" = 2 ] && grep -q "root" "$tmp/stderr"; then
		pass "non-root exits 2 and says to run as root"
	else
		fail "non-root exits 2 and says to run as root (status $status: $(cat "$tmp/stderr"))"
	fi
fi

finish
