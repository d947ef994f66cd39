#!/usr/bin/env python3
"""Write the kernel-lab comparison of a host run and guest runs as Markdown.

Every input is a folder holding results.json from `ttmbench run` (schema
"ttmbench.results", version 1, described in docs/results-schema.md). A guest
folder from scripts/kernel-lab also contains lab.json, which names the kernel
package, accelerator and boot time. For a guest folder without results.json
(the guest timed out or stopped), the column states the kernel-lab outcome.

Exit status 0 means the report was written and every functional check passed:
complete runs, no configuration skipped in a guest, exact event accounting and
no ia32 kprobe event from a native call. Exit status 1 means a check failed,
and the report lists it. Exit status 2 means unusable input. Timing verdicts
never change the exit status, because under TCG they are emulated.

Example:
  scripts/lab-report.py --out results/lab-X/comparison.md \\
      --host results/lab-X/host --guest results/lab-X/20261204T201344Z-lab-6.1.0-57-amd64
"""
import argparse
import datetime
import json
import os
import sys

SCHEMA = "ttmbench.results"
SCHEMA_VERSION = 1
SYSCALLS = ["connect", "creat", "open", "openat", "openat2"]
IA32_MODES = {"ia32", "ia32-int80"}
TP_CONFIGS = {"tp", "full"}
KPROBE_CONFIGS = {"kprobe", "full"}


class InputError(Exception):
    """An input folder or file that cannot be used; the message names it."""


class Environment:
    """One column of the comparison: the host or one guest kernel."""

    def __init__(self, folder, results, lab, problem):
        self.folder = folder
        self.results = results
        self.lab = lab
        self.problem = problem

    @property
    def label(self):
        if self.lab:
            return f"guest {self.lab.get('kernel_release')}"
        if self.results:
            return f"host {self.results['host']['kernel_release']}"
        return f"host ({self.folder})"


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except json.JSONDecodeError as err:
        raise InputError(f"{path} is not valid JSON: {err}") from err


def load_results(folder):
    path = os.path.join(folder, "results.json")
    results = read_json(path)
    if results.get("schema") != SCHEMA or results.get("schema_version") != SCHEMA_VERSION:
        raise InputError(
            f"{path} has schema {results.get('schema')!r} version {results.get('schema_version')!r}; "
            f"expected {SCHEMA!r} version {SCHEMA_VERSION}"
        )
    return results


def schema_problem(results):
    """Return what makes results unusable for the comparison, or None."""
    for key in ("host", "capabilities", "parameters", "cells", "verdicts"):
        if key not in results:
            return f"it has no {key!r}"
    for index, cell in enumerate(results["cells"]):
        missing = [key for key in ("config", "syscall", "mode", "status", "repetitions") if key not in cell]
        if missing:
            return f"cell {index} has no {', '.join(missing)}"
    return None


def load_environment(folder, guest):
    if not os.path.isdir(folder):
        raise InputError(f"folder {folder} not found")

    lab = None
    if guest:
        lab_path = os.path.join(folder, "lab.json")
        if not os.path.exists(lab_path):
            raise InputError(f"{lab_path} not found; give a folder written by scripts/kernel-lab")
        lab = read_json(lab_path)

    if not os.path.exists(os.path.join(folder, "results.json")):
        if not guest:
            raise InputError(f"{folder}/results.json not found; run 'ttmbench run --preset quick' on the host first")
        outcome = lab.get("outcome") if lab else "unknown"
        return Environment(folder, None, lab, f"no results.json (kernel-lab outcome: {outcome})")
    results = load_results(folder)
    problem = schema_problem(results)
    if problem:
        return Environment(folder, None, lab, f"results.json does not follow the results schema: {problem}")
    return Environment(folder, results, lab, None)


def status_text(status):
    """Format a capability status object: yes, or no with its reason."""
    if status is None:
        return "n/a"
    if status.get("available"):
        return "yes"
    return f"no: {status.get('reason')}"


def cell_text(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(header, rows):
    lines = ["| " + " | ".join(cell_text(h) for h in header) + " |"]
    lines.append("|" + " --- |" * len(header))
    for row in rows:
        lines.append("| " + " | ".join(cell_text(c) for c in row) + " |")
    return lines


def environments_section(envs):
    rows = []

    def add(name, value_of):
        rows.append([name] + [value_of(env) for env in envs])

    def lab_field(env, key, default="-"):
        if not env.lab:
            return default
        value = env.lab.get(key)
        return default if value is None else value

    def host_field(env, key):
        return env.results["host"].get(key) if env.results else "-"

    add("kernel release", lambda e: host_field(e, "kernel_release") if e.results else lab_field(e, "kernel_release"))
    add("kernel package", lambda e: f"{lab_field(e, 'kernel_package')} {lab_field(e, 'kernel_package_version', '')}".strip()
        if e.lab else "the running kernel")
    add("accelerator", lambda e: lab_field(e, "accelerator", "none (host)"))
    add("accelerator choice", lambda e: lab_field(e, "accelerator_reason"))
    add("timing label", lambda e: host_field(e, "timing"))
    add("qemu", lambda e: lab_field(e, "qemu_version"))
    add("guest boot (s, until /init)", lambda e: lab_field(e, "boot_seconds"))
    add("guest command", lambda e: outcome_text(e.lab) if e.lab else "-")
    add("CPU model", lambda e: host_field(e, "cpu_model"))
    add("run", lambda e: run_summary(e.results) if e.results else e.problem)
    add("folder", lambda e: e.folder)

    return ["## Environments", ""] + table(["", *[e.label for e in envs]], rows)


def outcome_text(lab):
    """Describe how the guest command ended; "failed" in lab.json only means a non-zero exit status."""
    if lab.get("outcome") in ("completed", "failed"):
        return f"finished, exit status {lab.get('exit_status')}"
    return f"{lab.get('outcome')}, no exit status"


def run_summary(results):
    params = results["parameters"]
    preset = params.get("preset") or "custom"
    bound = f"{params['ops']} ops" if params.get("ops") else f"{params.get('duration_s')} s"
    complete = "complete" if results.get("complete") else f"incomplete: {results.get('incomplete_reason')}"
    return (f"preset {preset}, {params['reps']} reps x {bound}, started {results.get('start_time')}, "
            f"{complete}, exit status {results.get('exit_status')}")


def capabilities_section(envs):
    names = ["privileges", "btf", "tracefs", "kprobe", "fentry", "raw_tracepoint", "ia32_emulation"]
    rows = []
    for name in names:
        rows.append([name] + [status_text(e.results["capabilities"].get(name)) if e.results else "-" for e in envs])
    rows.append(["lockdown"] + [e.results["capabilities"].get("lockdown") if e.results else "-" for e in envs])
    for config in ["none", "tp", "kprobe", "full"]:
        rows.append([f"configuration {config}"] + [
            status_text(e.results["capabilities"]["configs"].get(config)) if e.results else "-" for e in envs])
    return ["## Capabilities", ""] + table(["", *[e.label for e in envs]], rows)


def ia32_symbol_text(entry, kprobes_available):
    kprobe = entry.get("ia32_kprobe") or {}
    symbol = kprobe.get("symbol")
    if not symbol:
        return f"none: {kprobe.get('reason')}"
    compat = entry.get("compat_symbol", {})
    if symbol == compat.get("name"):
        kind = "compat"
    elif compat.get("present"):
        kind = "plain"
    else:
        kind = f"plain, no {compat.get('name')}"
    if kprobe.get("available"):
        attach = ""
    elif not kprobes_available:
        attach = "; cannot attach: no kprobes, see Capabilities"
    else:
        attach = f"; cannot attach: {kprobe.get('reason')}"
    return f"{symbol} ({kind}{attach})"


def symbols_section(envs):
    rows = []
    for syscall in SYSCALLS:
        row = [syscall]
        for env in envs:
            if not env.results:
                row.append("-")
                continue
            caps = env.results["capabilities"]
            entries = {s["name"]: s for s in caps["syscalls"]}
            kprobes_available = caps.get("kprobe", {}).get("available", False)
            row.append(ia32_symbol_text(entries[syscall], kprobes_available) if syscall in entries else "-")
        rows.append(row)
    return (["## Chosen ia32 kprobe per syscall", "",
             "The compat entry point is preferred; the plain one is used when the kernel has no compat symbol.", ""]
            + table(["syscall", *[e.label for e in envs]], rows))


def program_role(name, syscall):
    if name == f"{syscall}_e":
        return "tp"
    if name in (f"ia32_compat_{syscall}_e", f"ia32_{syscall}_e"):
        return "ia32"
    return None


def expected_events(config, mode, ops):
    """Return the (tracepoint, ia32 kprobe) events a cell must deliver from the workload."""
    tp = ops if config in TP_CONFIGS and mode == "native" else 0
    ia32 = ops if config in KPROBE_CONFIGS and mode in IA32_MODES else 0
    return tp, ia32


def delivery_rows(results):
    """Sum each measured cell's repetitions: ops, events and run_cnt per program role."""
    sampling = results["parameters"].get("sampling_ratio", 1) != 1
    rows = []
    skipped = {}
    for cell in results["cells"]:
        if cell["config"] == "none":
            continue
        if cell["status"] in ("skipped", "not_run"):
            # One line per configuration and reason: a skipped configuration skips every cell.
            key = f"{cell['config']}: {cell['status']} ({cell.get('reason')})"
            skipped[key] = skipped.get(key, 0) + 1
            continue
        ops = 0
        events = {"tp": 0, "ia32": 0}
        run_cnt = {"tp": 0, "ia32": 0}
        run_cnt_known = True
        for rep in cell["repetitions"]:
            if rep["status"] != "ok":
                continue
            ops += rep["ops"]
            for prog in rep["programs"]:
                role = program_role(prog["name"], cell["syscall"])
                if role is None:
                    continue
                events[role] += prog["events_from_workload"]
                if prog["run_cnt"] is None:
                    run_cnt_known = False
                else:
                    run_cnt[role] += prog["run_cnt"]
        want_tp, want_ia32 = expected_events(cell["config"], cell["mode"], ops)
        if sampling:
            check = "n/a (sampling on)"
        elif (events["tp"], events["ia32"]) == (want_tp, want_ia32):
            check = "exact"
        else:
            check = f"MISMATCH: expected tp {want_tp}, ia32 {want_ia32}"
        rows.append([
            cell["config"], cell["syscall"], cell["mode"], ops, events["tp"], events["ia32"],
            run_cnt["tp"] if run_cnt_known else "n/a", run_cnt["ia32"] if run_cnt_known else "n/a", check,
        ])
    return rows, [f"{what}, {count} cells" for what, count in skipped.items()]


def delivery_section(envs):
    lines = ["## Events delivered", "",
             "Per cell, summed over its successful repetitions: ops the workload issued, events the syscall's",
             "tracepoint program and ia32 kprobe program delivered from the workload, and those programs'",
             "BPF run_cnt (every process on the machine, so the host may count other processes' calls).",
             "The tracepoint must deliver one event per native op and none for ia32 ops; the ia32 kprobe",
             "one per ia32 op and none for native ops. The `none` configuration attaches nothing and is left out."]
    header = ["config", "syscall", "mode", "ops", "tp events", "ia32 events", "tp run_cnt", "ia32 run_cnt", "check"]
    for env in envs:
        lines += ["", f"### {env.label}", ""]
        if not env.results:
            lines.append(env.problem)
            continue
        rows, skipped = delivery_rows(env.results)
        lines += table(header, rows) if rows else ["No measured cells."]
        if skipped:
            lines += ["", "Not measured:", ""] + [f"- {line}" for line in skipped]
    return lines


def or_na(value):
    return "n/a" if value is None else value


def penalty_text(penalty, timing):
    if not penalty:
        return "n/a"
    ci = ""
    if penalty.get("ci_lower") is not None:
        ci = f" [{penalty['ci_lower']:.1f}, {penalty['ci_upper']:.1f}]"
    label = " (emulated)" if timing == "emulated" else ""
    return f"{penalty['estimate_ns']:.1f} ns{ci}{label}"


def verdicts_section(envs):
    rows = []
    for syscall in SYSCALLS:
        row = [syscall]
        for env in envs:
            if not env.results:
                row.append("-")
                continue
            timing = env.results["host"].get("timing")
            found = [v for v in env.results["verdicts"]["syscalls"] if v["syscall"] == syscall]
            if not found:
                row.append("not run")
                continue
            verdict = found[0]
            row.append(
                f"{verdict['verdict']}; native penalty {penalty_text(verdict.get('native_penalty'), timing)}; "
                f"ia32 penalty {penalty_text(verdict.get('ia32_penalty'), timing)}; "
                f"kprobe events from native calls {or_na(verdict.get('kprobe_events_from_native'))}, "
                f"kprobe run_cnt in native runs {or_na(verdict.get('kprobe_run_cnt_native'))}"
            )
        rows.append(row)
    overall = ["overall"]
    for env in envs:
        if not env.results:
            overall.append(env.problem)
            continue
        result = env.results["verdicts"]["overall"]
        overall.append(f"{result['verdict']} (timing: {env.results['host'].get('timing')}): {result.get('reason')}")
    rows.append(overall)
    return (["## Verdicts", "",
             "The claim under test: the ia32 kprobes cost native callers nothing. Penalties are Hodges-Lehmann",
             "estimates with their confidence interval in brackets. Under TCG the guest's timings are emulated:",
             "they order the configurations but are no absolute figures.", ""]
            + table(["syscall", *[e.label for e in envs]], rows))


def find_problems(envs):
    """List the functional failures: missing or incomplete runs, configurations a guest skipped, event
    counts that differ from the ops issued, and ia32 kprobes firing on native calls."""
    problems = []
    for env in envs:
        if not env.results:
            problems.append(f"{env.label}: {env.problem}")
            continue
        if not env.results.get("complete"):
            problems.append(f"{env.label}: run incomplete: {env.results.get('incomplete_reason')}")
        rows, skipped = delivery_rows(env.results)
        # The guests exist to attach what the host cannot, so nothing may be skipped there.
        if env.lab:
            problems += [f"{env.label}: configuration {line}" for line in skipped]
        for row in rows:
            if row[-1].startswith("MISMATCH"):
                problems.append(f"{env.label}: {row[0]} {row[1]} {row[2]}: tp {row[4]}, ia32 {row[5]} events for "
                                f"{row[3]} ops, {row[-1]}")
        for verdict in env.results["verdicts"]["syscalls"]:
            if verdict.get("kprobe_events_from_native"):
                problems.append(f"{env.label}: {verdict['syscall']}: the ia32 kprobe delivered "
                                f"{verdict['kprobe_events_from_native']} events from native calls")
    return problems


def checks_section(problems):
    lines = ["## Functional checks", ""]
    if not problems:
        return lines + ["Every run is complete, no guest skipped a configuration, every measured cell delivered",
                        "exactly the expected events, and no ia32 kprobe delivered an event from a native call."]
    return lines + [f"- {problem}" for problem in problems]


def render(envs, problems):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = ["# Kernel lab comparison", "",
             f"Written {now} by scripts/lab-report.py from the host run and {len(envs) - 1} guest run(s).", ""]
    lines += checks_section(problems) + [""]
    for section in (environments_section, capabilities_section, symbols_section, delivery_section,
                    verdicts_section):
        lines += section(envs) + [""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(
        description="Write the kernel-lab comparison (Markdown) of a host ttmbench run and guest runs.",
        epilog="Example: scripts/lab-report.py --out results/lab-X/comparison.md "
               "--host results/latest --guest results/lab-X/20261204T201344Z-lab-6.1.0-57-amd64",
    )
    parser.add_argument("--out", required=True, help="Markdown file to write")
    parser.add_argument("--host", required=True, help="folder with the host's results.json")
    parser.add_argument("--guest", action="append", default=[], required=True,
                        help="folder written by scripts/kernel-lab; repeat for each kernel")
    args = parser.parse_args()

    try:
        envs = [load_environment(args.host, guest=False)]
        envs += [load_environment(folder, guest=True) for folder in args.guest]
    except (InputError, OSError) as err:
        print(f"lab-report.py: {err}", file=sys.stderr)
        return 2

    problems = find_problems(envs)
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        f.write(render(envs, problems))
    os.replace(tmp, args.out)

    for problem in problems:
        print(f"lab-report.py: check failed: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
