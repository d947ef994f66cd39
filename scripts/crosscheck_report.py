#!/usr/bin/env python3
"""Put hyperfine's whole-process figures next to ttmbench's in-process ones.

Usage: crosscheck_report.py RESULTS_DIR CONFIG SYSCALL OPS

Reads RESULTS_DIR/hyperfine-none.json and RESULTS_DIR/hyperfine-CONFIG.json
(hyperfine --export-json) and the run's RESULTS_DIR/results.json, writes
RESULTS_DIR/crosscheck.json and replaces the cross-check section of
RESULTS_DIR/report.md. Both files are written to a temporary name and renamed.
"""
import json
import os
import sys

SECTION = "## Whole-process cross-check (hyperfine)"


def write_atomically(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def hyperfine_summary(path):
    with open(path) as f:
        result = json.load(f)["results"][0]
    return {
        "mean_s": result["mean"],
        "stddev_s": result["stddev"] or 0.0,
        "runs": len(result["times"]),
        "file": os.path.basename(path),
    }


def in_process_penalty(results, config, syscall):
    """Return the run's paired difference CONFIG - none on native calls, or None."""
    for comparison in results.get("comparisons", []):
        if (comparison["syscall"], comparison["mode"], comparison["a"], comparison["b"]) == (
            syscall, "native", config, "none"):
            return comparison
    return None


def format_ns(value):
    return "n/a" if value is None else f"{value:+.1f} ns"


def section_text(check):
    penalty = check["in_process"]
    if penalty is None:
        in_process = f"n/a (the run has no {check['config']} - none comparison on native {check['syscall']})"
    else:
        level = penalty["ci_level"] * 100 if penalty["ci_level"] else float("nan")
        in_process = (f"{format_ns(penalty['estimate_ns'])} "
                      f"[{penalty['ci_lower']:+.1f}, {penalty['ci_upper']:+.1f}] ({level:.1f}% CI)")
    none, attached = check["without_probes"], check["with_probes"]
    return "\n".join([
        SECTION,
        "",
        f"The workload process (`{check['command']}`) timed whole by hyperfine, without probes and with "
        f"`ttmbench hold --config {check['config']}` attached. The hyperfine figure also contains process "
        "start-up and teardown, so it is a cross-check of the sign and size of the in-process penalty, "
        "not a replacement for it.",
        "",
        "| syscall | in-process penalty (run, paired) | hyperfine: per-op difference | "
        "mean without probes | mean with probes |",
        "| --- | --- | --- | --- | --- |",
        f"| {check['syscall']} | {in_process} | {format_ns(check['hyperfine_per_op_ns'])} | "
        f"{none['mean_s']:.4f} s +/- {none['stddev_s']:.4f} ({none['runs']} runs) | "
        f"{attached['mean_s']:.4f} s +/- {attached['stddev_s']:.4f} ({attached['runs']} runs) |",
        "",
        f"hyperfine's exports: {none['file']}, {attached['file']}.",
        "",
    ])


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: crosscheck_report.py RESULTS_DIR CONFIG SYSCALL OPS")
    results_dir, config, syscall, ops = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

    with open(os.path.join(results_dir, "results.json")) as f:
        results = json.load(f)
    none = hyperfine_summary(os.path.join(results_dir, "hyperfine-none.json"))
    attached = hyperfine_summary(os.path.join(results_dir, f"hyperfine-{config}.json"))
    penalty = in_process_penalty(results, config, syscall)
    check = {
        "tool": "hyperfine",
        "config": config,
        "syscall": syscall,
        "ops_per_process": ops,
        "command": f"ttm-workload --syscall {syscall} --entry native --ops {ops} --quiet",
        "without_probes": none,
        "with_probes": attached,
        "hyperfine_per_op_ns": (attached["mean_s"] - none["mean_s"]) / ops * 1e9,
        "in_process": penalty and {key: penalty[key] for key in
                                   ("estimate_ns", "ci_lower", "ci_upper", "ci_level", "n")},
    }
    write_atomically(os.path.join(results_dir, "crosscheck.json"), json.dumps(check, indent=2) + "\n")

    report_path = os.path.join(results_dir, "report.md")
    with open(report_path) as f:
        report = f.read()
    if SECTION in report:
        start = report.index(SECTION)
        following = report.find("\n## ", start + len(SECTION))
        report = report[:start] + (report[following + 1:] if following >= 0 else "")
    write_atomically(report_path, report.rstrip("\n") + "\n\n" + section_text(check))
    print(f"crosscheck: {format_ns(check['hyperfine_per_op_ns'])} per op by hyperfine; "
          f"written to {report_path}")


if __name__ == "__main__":
    main()
