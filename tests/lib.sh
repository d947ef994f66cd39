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

# Print the closing line and return 0 only when no check failed.
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
