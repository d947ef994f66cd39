#!/bin/bash
# Command-line checks of ttm-workload and ttm-workload32: every bad input
# exits with status 2 and a message naming the value, --help works for both
# binaries, and a good run leaves no temporary files behind.
# Usage: BUILD=build tests/cli_workload.sh
set -u

BUILD=${BUILD:-build}
WL=$BUILD/ttm-workload
WL32=$BUILD/ttm-workload32
NO_IA32=$BUILD/tests/no_ia32
source "$(dirname "$0")/lib.sh"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# expect_usage_error NAME TEXT COMMAND...: exit status 2 and TEXT in the output.
expect_usage_error() {
	local name=$1 text=$2
	shift 2
	TTM_TEST_TIMEOUT=20 expect_exit "$name" 2 "$text" "$@" && pass "$name"
}

# expect_success NAME TEXT COMMAND...: exit status 0 and TEXT in the output.
expect_success() {
	local name=$1 text=$2
	shift 2
	TTM_TEST_TIMEOUT=60 expect_exit "$name" 0 "$text" "$@" && pass "$name"
}

cpus=$(nproc)
too_many=$((cpus + 1))

expect_usage_error "rate zero" "'0'" "$WL" -s getppid -n 10 -r 0
expect_usage_error "rate negative" "'-5'" "$WL" -s getppid -n 10 -r -5
expect_usage_error "rate not a number" "'fast'" "$WL" -s getppid -n 10 -r fast
expect_usage_error "rate not finite" "'inf'" "$WL" -s getppid -n 10 -r inf
expect_usage_error "syscall unknown" "'read'" "$WL" -s read -n 10
expect_usage_error "syscall missing" "missing --syscall" "$WL" -n 10
expect_usage_error "entry unknown" "'sysenter'" "$WL" -s getppid -e sysenter -n 10
expect_usage_error "family unknown" "'ipx'" "$WL" -s connect -f ipx -n 10
expect_usage_error "family without connect" "not to getppid" "$WL" -s getppid -f unix -n 10
expect_usage_error "ops and duration missing" "--ops N or --duration" "$WL" -s getppid
expect_usage_error "ops and duration both" "--ops 10 and --duration 1" "$WL" -s getppid -n 10 -d 1
expect_usage_error "ops zero" "'0'" "$WL" -s getppid -n 0
expect_usage_error "ops not a number" "'ten'" "$WL" -s getppid -n ten
expect_usage_error "duration negative" "'-1'" "$WL" -s getppid -d -1
expect_usage_error "rate too low for duration" "--rate 1 over --duration 0.1" "$WL" -s getppid -r 1 -d 0.1
expect_usage_error "threads above cpus" "--threads $too_many exceeds the $cpus" \
	"$WL" -s getppid -n 10 -t "$too_many"
expect_usage_error "threads above cpu list" "--threads 2 exceeds the 1 usable CPUs in --cpu" \
	"$WL" -s getppid -n 10 -t 2 -c 0
expect_usage_error "cpu not allowed" "CPU 4095" "$WL" -s getppid -n 10 -c 4095
expect_usage_error "cpu list malformed" "'1-0'" "$WL" -s getppid -n 10 -c 1-0
expect_usage_error "record fd closed" "--record-fd 97" "$WL" -s getppid -n 10 --record-fd 97
expect_usage_error "start fd closed" "--start-fd 98" "$WL" -s getppid -n 10 --start-fd 98
expect_usage_error "argument unexpected" "'extra'" "$WL" -s getppid -n 10 extra
expect_usage_error "socketcall native" "socketcall-connect with --entry native" \
	"$WL" -s socketcall-connect -e native -n 10
expect_usage_error "native in i386 binary" "--entry native" "$WL32" -s getppid -e native -n 10
expect_usage_error "int80 in i386 binary" "--entry ia32-int80" "$WL32" -s getppid -e ia32-int80 -n 10
expect_usage_error "ia32 emulation off" "ia32 emulation unavailable" \
	"$NO_IA32" "$WL" -s getppid -e ia32 -n 10
expect_usage_error "int80 emulation off" "ia32 emulation unavailable" \
	"$NO_IA32" "$WL" -s getppid -e ia32-int80 -n 10

mkdir "$scratch/alone"
cp "$WL" "$scratch/alone/ttm-workload"
expect_usage_error "i386 sibling missing" "$scratch/alone/ttm-workload32" \
	"$scratch/alone/ttm-workload" -s getppid -e ia32 -n 10

expect_success "help 64-bit" "EXAMPLES:" "$WL" --help
expect_success "help i386" "EXAMPLES:" "$WL32" --help
expect_success "oversubscribe allowed" "getppid native: 20 ops" \
	"$WL" -s getppid -n 20 -t "$too_many" --allow-oversubscribe
expect_success "ia32 through sibling" "openat ia32: 10 ops" "$WL" -s openat -e ia32 -n 10

# A connect run cleans up its temporary directory and unix socket.
mkdir "$scratch/tmp"
expect_success "unix connect run" "connect ia32 unix: 10 ops" \
	env TMPDIR="$scratch/tmp" "$WL" -s connect -e ia32 -f unix -n 10
if [ -z "$(ls -A "$scratch/tmp")" ]; then
	pass "temporary directory removed"
else
	fail "temporary directory removed: left $(ls -A "$scratch/tmp")"
fi

finish
