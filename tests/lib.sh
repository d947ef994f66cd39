# Pass/fail bookkeeping shared by the command-line tests (tests/cli_*.sh,
# tests/bad_input.sh, tests/signals.sh). Source it; it sets the counters to 0
# and defines functions, nothing else.

passed=0
failed=0
skipped=0

pass() {
	passed=$((passed + 1))
	echo "ok: $1"
}

fail() {
	failed=$((failed + 1))
	echo "FAILED: $1"
}

skip() {
	skipped=$((skipped + 1))
	echo "skip: $1"
}

# expect_exit NAME STATUS TEXT COMMAND...: COMMAND exits with STATUS and prints
# TEXT (stdout or stderr). It is killed after $TTM_TEST_TIMEOUT seconds (120).
# It records failures only: it returns 1 after recording one, and 0 otherwise,
# so the caller can add checks of its own before it calls pass.
expect_exit() {
	local name=$1 status=$2 text=$3 out rc
	shift 3
	out=$(timeout "${TTM_TEST_TIMEOUT:-120}" "$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$status" ]; then
		fail "$name: exit status $rc, expected $status; output: $out"
		return 1
	fi
	if ! grep -qF -- "$text" <<<"$out"; then
		fail "$name: output lacks '$text': $out"
		return 1
	fi
	return 0
}

# Print the closing line and return 0 only when no check failed.
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
