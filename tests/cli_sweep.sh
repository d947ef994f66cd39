#!/bin/bash
# Command-line checks of `ttmbench sweep`, `ttmbench ringbuf` and `ttmbench
# advise`: every bad input exits with status 2, names the value and creates no
# output folder. As root, a tiny real sweep and ring-buffer study: their JSON
# files, the kept fraction at ratio 4, exact event accounting, the plots, and
# no program of ours left attached.
# Usage: tests/cli_sweep.sh BUILD
set -u

BUILD=${1:-build}
TTMBENCH=$BUILD/ttmbench
FIXTURES=$(dirname "$0")/fixtures
source "$(dirname "$0")/lib.sh"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# expect_usage_error NAME TEXT COMMAND...: exit status 2, TEXT in the output,
# and no $scratch/out folder created.
expect_usage_error() {
	local name=$1 text=$2
	shift 2
	expect_exit "$name" 2 "$text" "$@" || return 0
	if [ -e "$scratch/out" ]; then
		fail "$name: created $scratch/out"
		rm -rf "$scratch/out"
	else
		pass "$name"
	fi
}

# expect_status NAME STATUS TEXT COMMAND...
expect_status() {
	TTM_TEST_TIMEOUT=60 expect_exit "$@" && pass "$1"
}

# check NAME COMMAND...: the command succeeds; its output is shown on failure.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$name"
	else
		fail "$name: $out"
	fi
}

# --wait: queue behind another attaching ttmbench (they take /run/ttmbench.lock
# before reading their options) rather than fail.
sweep=("$TTMBENCH" sweep --wait --out "$scratch/out")
ringbuf=("$TTMBENCH" ringbuf --wait --out "$scratch/out")

expect_usage_error "ratio not a power of two" "'3'" "${sweep[@]}" --sampling 1,3
expect_usage_error "ratio zero" "'0'" "${sweep[@]}" --sampling 0
expect_usage_error "ratio above 128" "'256'" "${sweep[@]}" --sampling 1,256
expect_usage_error "ratio negative" "'-4'" "${sweep[@]}" --sampling -4
expect_usage_error "ratio duplicate" "ratio 4 is listed twice" "${sweep[@]}" --sampling 4,1,4
expect_usage_error "ratio list empty" "invalid --sampling ''" "${sweep[@]}" --sampling ''
expect_usage_error "ratio list empty item" "'1,,2'" "${sweep[@]}" --sampling 1,,2
expect_usage_error "rate zero" "'0'" "${sweep[@]}" --rates 0
expect_usage_error "rate negative" "'-10'" "${sweep[@]}" --rates 1000,-10
expect_usage_error "rate not a number" "'fast'" "${sweep[@]}" --rates fast
expect_usage_error "rate duplicate" "rate '1000' is listed twice" "${sweep[@]}" --rates 1000,max,1000
expect_usage_error "rate max duplicate" "rate 'max' is listed twice" "${sweep[@]}" --rates max,max
expect_usage_error "rate peak duplicate" "rate 'peak' is listed twice" "${sweep[@]}" --rates peak,1000,peak
expect_usage_error "rate peak misspelt" "'peek'" "${sweep[@]}" --rates peek
expect_usage_error "rate list empty" "invalid --rates ''" "${sweep[@]}" --rates ''
expect_usage_error "rate fast wording" "give whole ops/s from 1 to 1e9, peak or max" "${sweep[@]}" --rates fast
expect_usage_error "rate fractional" "invalid rate '0.5'" "${sweep[@]}" --rates 0.5
expect_usage_error "duration zero wording" "invalid --duration '0': give seconds above 0" \
	"${sweep[@]}" --duration 0
expect_usage_error "duration negative wording" "invalid --duration '-1': give seconds above 0" \
	"${sweep[@]}" --duration -1
# Sampling keeps the first 1/R of each second: a shorter run is no sample.
expect_usage_error "duration below 1 s with sampling" \
	"invalid --duration '0.5' with sampling ratio 4" "${sweep[@]}" --sampling 1,4 --duration 0.5
expect_usage_error "duration below 1 s with default ratios" "give --duration 1 or more" \
	"${sweep[@]}" --duration 0.5
expect_usage_error "unknown config" "'kprobes'" "${sweep[@]}" --configs kprobes
expect_usage_error "duplicate config" "listed twice" "${sweep[@]}" --configs tp,tp
expect_usage_error "unknown syscall" "'read'" "${sweep[@]}" --syscalls openat,read
expect_usage_error "unknown mode" "'x32'" "${sweep[@]}" --modes x32
expect_usage_error "duration zero" "'0'" "${sweep[@]}" --duration 0
expect_usage_error "reps zero" "'0'" "${sweep[@]}" --reps 0
expect_usage_error "sweep argument" "'extra'" "${sweep[@]}" extra

expect_usage_error "ring size not a power of two" "'3K'" \
	"${ringbuf[@]}" --sizes 3K
expect_usage_error "ring size too small" "'1K'" \
	"${ringbuf[@]}" --sizes 1K
expect_usage_error "ring size duplicate" "listed twice" \
	"${ringbuf[@]}" --sizes 1M,1M
expect_usage_error "CPUs per buffer zero" "'0'" \
	"${ringbuf[@]}" --cpus-per-buffer 0
expect_usage_error "CPUs per buffer above CPUs" "'$(($(nproc --all) + 1))'" \
	"${ringbuf[@]}" --cpus-per-buffer $(($(nproc --all) + 1))
expect_usage_error "ringbuf unknown syscall" "'read'" \
	"${ringbuf[@]}" --syscall read

basic=$FIXTURES/sweep-basic.json
expect_usage_error "budget zero" "'0'" "$TTMBENCH" advise --budget 0 --rate 1000 --results "$basic"
expect_usage_error "budget above 100" "'101'" \
	"$TTMBENCH" advise --budget 101 --rate 1000 --results "$basic"
expect_usage_error "budget negative" "'-2'" \
	"$TTMBENCH" advise --budget -2 --rate 1000 --results "$basic"
expect_usage_error "advise rate zero" "'0'" "$TTMBENCH" advise --budget 2 --rate 0 --results "$basic"
expect_usage_error "advise budget missing" "--budget and --rate are required" \
	"$TTMBENCH" advise --rate 1000 --results "$basic"
expect_usage_error "advise unknown config" "'bogus'" \
	"$TTMBENCH" advise --budget 2 --rate 1000 --results "$basic" --config bogus
expect_usage_error "advise config not measured" "'full' was not measured" \
	"$TTMBENCH" advise --budget 2 --rate 1000 --results "$basic" --config full
expect_usage_error "advise unknown syscall" "'read'" \
	"$TTMBENCH" advise --budget 2 --rate 1000 --results "$basic" --syscall read
expect_usage_error "advise folder without sweep" "holds no sweep.json" \
	"$TTMBENCH" advise --budget 2 --rate 1000 --results "$FIXTURES"
expect_usage_error "advise missing folder" "'$scratch/none' not found" \
	"$TTMBENCH" advise --budget 2 --rate 1000 --results "$scratch/none"
expect_usage_error "advise other version" "version 2" \
	"$TTMBENCH" advise --budget 2 --rate 1000 --results "$FIXTURES/sweep-version2.json"
expect_usage_error "advise other schema" "schema 'ttmbench.results'" \
	"$TTMBENCH" advise --budget 2 --rate 1000 --results "$FIXTURES/sweep-foreign-schema.json"
expect_status "advise fits" 0 "advice: sampling ratio 4" \
	"$TTMBENCH" advise --budget 2 --rate 50000 --results "$basic"
expect_status "advise no fit" 1 "no sampling ratio fits" \
	"$TTMBENCH" advise --budget 0.5 --rate 50000 --results "$basic"
expect_usage_error "advise unknown mode" "unknown --mode 'ia64': use native, ia32 or ia32-int80" \
	"$TTMBENCH" advise --budget 2 --rate 1000 --results "$basic" --mode ia64
expect_usage_error "advise sweep without parameters" "lacks a parameters object" \
	"$TTMBENCH" advise --budget 2 --rate 1000 --results "$FIXTURES/sweep-no-parameters.json"
expect_usage_error "advise sweep without points" "lacks a points array" \
	"$TTMBENCH" advise --budget 2 --rate 1000 --results "$FIXTURES/sweep-no-points.json"
expect_usage_error "advise incomplete sweep" \
	"is incomplete (interrupted by SIGINT during repetition 1 of 6): rerun ttmbench sweep" \
	"$TTMBENCH" advise --budget 2 --rate 1000 --results "$FIXTURES/sweep-incomplete.json"

# sweep-partial.json: ratios 1 and 2 failed at 10000/s, ratio 8 ran once, consumer measured.
partial=$FIXTURES/sweep-partial.json
expect_status "advise names the unmeasured ratios" 0 \
	"ratio 1 (failed), ratio 2 (failed): the advice only considers the measured ratios" \
	"$TTMBENCH" advise --budget 2 --rate 50000 --results "$partial"
expect_status "advise CI upper n/a from one repetition" 0 "+350.0 (n/a)" \
	"$TTMBENCH" advise --budget 2 --rate 50000 --results "$partial"
expect_status "advise consumer share as measured" 0 \
	"consumer thread used 2.50 % of one CPU at ratio 4, measured at 9990 calls/s" \
	"$TTMBENCH" advise --budget 2 --rate 50000 --results "$partial"
expect_status "advise no fit names the cheapest ratio" 1 "the cheapest measured, ratio 4," \
	"$TTMBENCH" advise --budget 1 --rate 50000 --results "$partial"

# Without --results: the newest complete sweep under ./results, naming a newer incomplete one.
mkdir -p "$scratch/cwd/results/20261203T100000Z-h-sweep" "$scratch/cwd/results/20261204T100000Z-h-sweep"
cp "$basic" "$scratch/cwd/results/20261203T100000Z-h-sweep/sweep.json"
cp "$FIXTURES/sweep-incomplete.json" "$scratch/cwd/results/20261204T100000Z-h-sweep/sweep.json"
newest=(env -C "$scratch/cwd" "$(realpath "$TTMBENCH")" advise --budget 2 --rate 50000)
expect_status "advise uses the newest complete sweep" 0 \
	"sweep: results/20261203T100000Z-h-sweep;" "${newest[@]}"
expect_status "advise names the newer incomplete sweep" 0 \
	"skipped results/20261204T100000Z-h-sweep: the sweep is incomplete (interrupted by SIGINT" \
	"${newest[@]}"

# help_examples_copyable: every line of the examples in `advise --help` is a
# command or continues one ending in a backslash, and fits in 79 columns.
help_examples_copyable() {
	"$TTMBENCH" advise --help | awk '
		length($0) > 79 { print "longer than 79 columns: " $0; bad = 1 }
		/^Examples:/ { examples = 1; next }
		examples && /^$/ { examples = 0 }
		examples && !/^  ttmbench advise / && !(previous ~ / \\$/ && /^    /) {
			print "not a command or its continuation: " $0; bad = 1
		}
		{ previous = $0 }
		END { exit bad }'
}
check "advise --help examples copy as commands" help_examples_copyable

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: the real sweep and ring-buffer study need root (BPF and perf counters)"
	finish
	exit
fi

# A sweep of the baseline alone takes the run lock too: its pinned workload
# would disturb another run's measurements and be disturbed by them. flock(1)
# takes the place of another ttmbench, and the folder must not be left behind.
flock /run/ttmbench.lock sleep 5 &
holder=$!
sleep 0.5
expect_status "baseline-only sweep needs the lock" 1 "holds /run/ttmbench.lock" \
	"$TTMBENCH" sweep --configs none --sampling 1 --rates 1000 --reps 1 --warmup 0 \
	--out "$scratch/locked"
if [ -e "$scratch/locked" ]; then
	fail "locked-out sweep left $scratch/locked behind"
else
	pass "locked-out sweep leaves no folder"
fi
# The sleep child holds the lock's file descriptor too.
pkill -P "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# A tiny real sweep at rates peak and max. Its checks read sweep.json with
# python3 (json module only).
out=$(timeout 180 "$TTMBENCH" sweep --wait --sampling 1,4 --rates peak,max --syscalls openat --configs tp \
	--duration 1 --reps 2 --warmup 0.2 --quiet --out "$scratch/sweep" 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && [ -s "$scratch/sweep/sweep.json" ] && [ -s "$scratch/sweep/report.md" ]; then
	pass "tiny sweep writes sweep.json and report.md"
else
	fail "tiny sweep: exit status $rc: $out"
fi

# Checks on sweep.json and ringbuf.json, one per run: python3 -c "$CHECKS" NAME FILE.
read -r -d '' CHECKS <<'PYTHON'
import json, math, sys

name, path = sys.argv[1], sys.argv[2]
doc = json.load(open(path))
RATIO = 4
MAX_BATCH_OPS = 1024  # the workload's largest batch (workloads/pacing.c)


def fail(msg):
    sys.exit(msg)


def points(config, ratio):
    found = [p for p in doc["points"] if p["config"] == config and p["sampling_ratio"] == ratio]
    if len(found) != 2:
        fail("%d %s points at ratio %s, not one per rate" % (len(found), config, ratio))
    return found


def workload_events(rep):
    return sum(p["events_from_workload"] for p in rep["programs"] if p["name"] == "openat_e")


def kept_time(elapsed, ratio):
    """Least and most time an interval of `elapsed` s spends in the first 1/ratio of seconds."""
    whole, part = math.floor(elapsed), elapsed - math.floor(elapsed)
    window = 1.0 / ratio
    return (whole * window + max(0.0, part - (1 - window)), whole * window + min(part, window))


def kept_bounds(rep, ratio):
    """
    Count-based bounds on the calls of one repetition that fall in kept windows.
    Sampling keeps a call made in the first 1/R of a second, so the calls kept
    are those made during the kept share of the run. That share is at least
    k_lo and at most k_hi of the elapsed time E (kept_time). The calls are not
    spread evenly: a batch of calls took between min and max ns per call, so
    the fewest calls are kept when the kept time runs at max ns per call and
    the rest at min, the most in the opposite case. A batch that straddles a
    window edge is only known by its average, hence one batch of slack per
    edge crossed.
    """
    ops, e = rep["ops"], rep["elapsed_ns"] / 1e9
    fast, slow = rep["batch_ns_per_op"]["min"], rep["batch_ns_per_op"]["max"]
    k_lo, k_hi = kept_time(e, ratio)
    low = (k_lo / slow) / (k_lo / slow + (e - k_lo) / fast)
    high = (k_hi / fast) / (k_hi / fast + (e - k_hi) / slow)
    edges = 2 * (math.ceil(e) + 1)
    return ops * low - edges * MAX_BATCH_OPS, ops * high + edges * MAX_BATCH_OPS


def check_schema():
    if doc["schema"] != "ttmbench.sweep" or doc["schema_version"] != 1:
        fail("schema %s version %s" % (doc["schema"], doc["schema_version"]))
    if not doc["complete"]:
        fail("incomplete: %s" % doc["incomplete_reason"])
    names = sorted((p["rate"], p["config"], p["sampling_ratio"] or 0) for p in doc["points"])
    if names != [(r, c, k) for r in ("max", "peak") for c, k in (("none", 0), ("tp", 1),
                                                                  ("tp", RATIO))]:
        fail("points %s" % names)
    for p in doc["points"]:
        if p["status"] != "ok" or len(p["repetitions"]) != 2:
            fail("%s ratio %s: status %s, %d repetitions" % (p["config"], p["sampling_ratio"],
                 p["status"], len(p["repetitions"])))
        if p["ns_per_op"]["n"] != 2:
            fail("%s: ns_per_op.n %s" % (p["config"], p["ns_per_op"]["n"]))


def check_peak():
    """Every peak point is paced at 80 % of the slowest configuration's unpaced rate."""
    peaks = doc["peak_rates"]
    if len(peaks) != 1 or not peaks[0]["measured"]:
        fail("peak_rates %s" % peaks)
    peak = peaks[0]
    if peak["slowest_config"] not in ("none", "tp") or peak["fraction"] != 0.8:
        fail("peak_rates %s" % peak)
    if peak["rate"] != math.floor(0.8 * peak["unpaced_rate"]):
        fail("peak rate %s is not 0.8 x %s in whole calls/s" % (peak["rate"],
             peak["unpaced_rate"]))
    for p in doc["points"]:
        want = peak["rate"] if p["rate"] == "peak" else None
        if p["paced_rate"] != want:
            fail("%s ratio %s at rate %s: paced_rate %s, expected %s" % (p["config"],
                 p["sampling_ratio"], p["rate"], p["paced_rate"], want))
        check_behind(p)


def check_behind(p):
    """behind_schedule counts the runs that issued under 99 % of rate x duration calls."""
    behind = p["behind_schedule"]
    if p["paced_rate"] is None:
        if behind is not None:
            fail("unpaced point has behind_schedule %s" % behind)
        return
    planned = p["paced_rate"] * doc["parameters"]["duration_s"]
    shares = [r["ops"] / planned for r in p["repetitions"] if r["status"] == "ok"]
    reps = sum(share < behind["threshold"] for share in shares)
    if behind["reps"] != reps or not math.isclose(behind["lowest_call_share"], min(shares)):
        fail("%s ratio %s: behind_schedule %s, repetitions give %d behind, lowest %.4f" % (
             p["config"], p["sampling_ratio"], behind, reps, min(shares)))


def check_kept():
    for p in points("tp", RATIO):
        check_kept_point(p)


def check_kept_point(p):
    events = sum(workload_events(r) for r in p["repetitions"])
    bounds = [kept_bounds(r, RATIO) for r in p["repetitions"]]
    low, high = sum(b[0] for b in bounds), sum(b[1] for b in bounds)
    ops = sum(r["ops"] for r in p["repetitions"])
    print("rate %s: kept %d of %d calls (%.2f %%), bound [%.0f, %.0f]" % (p["rate"], events,
          ops, 100.0 * events / ops, low, high))
    if events != p["kept"]["events"] or ops != p["kept"]["ops"]:
        fail("kept totals %s do not match the repetitions" % p["kept"])
    if not low <= events <= high:
        fail("kept %d outside [%.0f, %.0f]" % (events, low, high))
    if p["counters"]["drop_sampling"] == 0:
        fail("no call dropped by sampling at ratio %d" % RATIO)


def check_keep_all():
    for p in points("tp", 1):
        check_keep_all_point(p)


def check_keep_all_point(p):
    c = p["counters"]
    lost = c["lost_ringbuf_full"] + c["lost_no_ringbuf"] + c["lost_scratch"]
    for r in p["repetitions"]:
        events = workload_events(r)
        if not r["ops"] - lost <= events <= r["ops"]:
            fail("rep %d: %d events for %d calls, %d lost" % (r["rep"], events, r["ops"], lost))
    if c["drop_sampling"] != 0:
        fail("ratio 1 dropped %d calls by sampling" % c["drop_sampling"])


def check_accounting():
    acc = doc["accounting"]
    if not acc["valid"] or not acc["exact"] or acc["bad_events"]:
        fail("accounting %s" % json.dumps(acc)[:400])
    for prog in acc["programs"]:
        c = prog["counters"]
        outcomes = sum(c[k] for k in ("drop_filter", "drop_sampling", "lost_ringbuf_full",
                                      "lost_no_ringbuf", "lost_scratch", "submitted"))
        if c["fired"] != outcomes or c["submitted"] != prog["delivered"]:
            fail("%s: fired %d, outcomes %d, submitted %d, delivered %d" % (prog["name"],
                 c["fired"], outcomes, c["submitted"], prog["delivered"]))
    if not any(p["name"] == "openat_e" and p["counters"]["fired"] for p in acc["programs"]):
        fail("openat_e never fired")


def check_plots():
    import os
    folder = os.path.dirname(path)
    kinds = set()
    for plot in doc["plots"]:
        kinds.add(plot["kind"])
        with open(os.path.join(folder, plot["png"]), "rb") as f:
            if f.read(8) != b"\x89PNG\r\n\x1a\n":
                fail("%s is not a PNG file" % plot["png"])
        with open(os.path.join(folder, plot["svg"])) as f:
            if "<svg" not in f.read(4096):
                fail("%s is not an SVG file" % plot["svg"])
    if kinds != {"overhead", "kept", "penalty", "distribution"}:
        fail("plot kinds %s, reason %s" % (sorted(kinds), doc["plots_reason"]))


def check_ringbuf():
    import os
    cpus = os.cpu_count()
    for row in doc["rows"]:
        label = "%d KiB" % (row["buffer_bytes"] >> 10)
        if row["status"] != "ok":
            fail("%s: %s" % (label, row["error"]))
        if not row["accounting"]["exact"]:
            fail("%s: accounting %s" % (label, json.dumps(row["accounting"])[:400]))
        paused = row["paused"]
        # No record is smaller than 40 bytes (8-byte ring header, 32-byte event header).
        capacity = row["buffer_bytes"] * cpus // row["cpus_per_buffer"] // 40
        if paused["workload"]["ops"] > capacity and not paused["counters"]["lost_ringbuf_full"]:
            fail("%s: %d calls into room for %d events and nothing lost" % (label,
                 paused["workload"]["ops"], capacity))
        if paused["drain"]["events"] < paused["counters"]["submitted"]:
            fail("%s: drained %d of %d held events" % (label, paused["drain"]["events"],
                 paused["counters"]["submitted"]))
    if len(doc["plots"]) != 1:
        fail("ring-buffer plot missing: %s" % doc["plots_reason"])


{"schema": check_schema, "peak": check_peak, "kept": check_kept, "keep-all": check_keep_all,
 "accounting": check_accounting, "plots": check_plots, "ringbuf": check_ringbuf}[name]()
PYTHON

check "sweep.json schema and points" python3 -c "$CHECKS" schema "$scratch/sweep/sweep.json"
check "peak pace and runs behind it" \
	python3 -c "$CHECKS" peak "$scratch/sweep/sweep.json"
check "kept fraction at ratio 4 within its bound" \
	python3 -c "$CHECKS" kept "$scratch/sweep/sweep.json"
check "ratio 1 keeps every workload call" python3 -c "$CHECKS" keep-all "$scratch/sweep/sweep.json"
check "sweep event accounting exact" python3 -c "$CHECKS" accounting "$scratch/sweep/sweep.json"
check "sweep plots are PNG and SVG files" python3 -c "$CHECKS" plots "$scratch/sweep/sweep.json"
expect_status "advise on the tiny sweep" 0 "rate point used: " \
	"$TTMBENCH" advise --budget 100 --rate 1000 --results "$scratch/sweep"

out=$(timeout 120 "$TTMBENCH" ringbuf --wait --sizes 256K,1M --cpus-per-buffer 1 --duration 0.5 \
	--quiet --out "$scratch/ringbuf" 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && [ -s "$scratch/ringbuf/ringbuf.json" ]; then
	pass "tiny ring-buffer study writes ringbuf.json"
else
	fail "tiny ring-buffer study: exit status $rc: $out"
fi
check "ringbuf accounting exact, overflow counted, backlog drained" \
	python3 -c "$CHECKS" ringbuf "$scratch/ringbuf/ringbuf.json"

# Every probe is gone. Holding the run lock keeps other attaching ttmbench
# commands out while bpftool looks, so any TOCTOU program still loaded leaked.
left=$(flock -w 600 /run/ttmbench.lock sh -c 'bpftool prog show 2>/dev/null' |
	grep -E ' name (ia32_(compat_)?)?(connect|creat|open|openat|openat2)_e ')
if [ -z "$left" ]; then
	pass "no program left attached"
else
	fail "programs left after the runs: $left"
fi

finish
