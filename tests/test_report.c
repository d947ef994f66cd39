// SPDX-License-Identifier: GPL-2.0
/*
 * results.json and report.md from a results object built here: the JSON must
 * carry every field docs/results-schema.md marks as present, and report.md
 * must open with the verdict line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bench/results.h"

static char arg0[] = "ttmbench run", arg1[] = "--reps", arg2[] = "3";
static char *test_argv[] = { arg0, arg1, arg2 };

/* When set, build_reps makes full available, measuring tp's ns/op plus 0.5 ns on odd reps. */
static bool full_available;

/* none and tp on openat native and ia32, nreps repetitions, tp delivering one event per op. */
static void build_reps(struct ttm_results *r, int nreps)
{
	const int tp_prog = TTM_PROG_ID(TTM_SC_OPENAT, TTM_KIND_TP);

	memset(r, 0, sizeof(*r));
	r->argc = 3;
	r->argv = test_argv;
	r->start_time = 1700000000;
	r->end_time = 1700000060;
	r->complete = true;
	r->host = json_pack("{s:s,s:s,s:i,s:s}", "hostname", "testhost", "kernel_release",
			    "6.18.0", "cpu_count", 2, "timing", "host");
	r->params.configs[0] = TTM_CONFIG_NONE;
	r->params.configs[1] = TTM_CONFIG_TP;
	r->params.configs[2] = TTM_CONFIG_FULL;
	r->params.nconfigs = 3;
	r->params.syscalls[0] = TTM_SC_OPENAT;
	r->params.nsyscalls = 1;
	r->params.modes[0] = TTM_ENTRY_NATIVE;
	r->params.modes[1] = TTM_ENTRY_IA32;
	r->params.nmodes = 2;
	r->params.duration_s = 1;
	r->params.reps = nreps;
	r->params.sampling_ratio = 1;
	r->params.margin_pct = 1;
	r->params.margin_ns = 2;
	r->params.consumer_cpu = 1;
	r->bpf_stats_enabled = true;
	snprintf(r->params.workload, sizeof(r->params.workload), "build/ttm-workload");

	r->configs[TTM_CONFIG_NONE].requested = r->configs[TTM_CONFIG_NONE].available = true;
	r->configs[TTM_CONFIG_TP].requested = r->configs[TTM_CONFIG_TP].available = true;
	r->configs[TTM_CONFIG_TP].progs[0] = tp_prog;
	r->configs[TTM_CONFIG_TP].nprogs = 1;
	r->configs[TTM_CONFIG_FULL].requested = true;
	snprintf(r->configs[TTM_CONFIG_FULL].reason, TTM_MSG_LEN,
		 "kprobe: kernel built without CONFIG_KPROBES");
	if (full_available) {
		r->configs[TTM_CONFIG_FULL].available = true;
		r->configs[TTM_CONFIG_FULL].reason[0] = '\0';
	}
	assert_int_equal(ttm_results_init_cells(r), 0);

	for (int i = 0; i < r->ncells; i++) {
		struct ttm_cell *c = &r->cells[i];

		if (c->config == TTM_CONFIG_FULL && !full_available) {
			c->status = TTM_CELL_SKIPPED;
			snprintf(c->reason, TTM_MSG_LEN, "%s", r->configs[TTM_CONFIG_FULL].reason);
			continue;
		}
		c->status = TTM_CELL_OK;
		for (int k = 0; k < nreps; k++) {
			struct ttm_rep_result *rep = &c->reps[c->nreps++];

			rep->rep = k + 1;
			rep->ok = true;
			rep->have_record = true;
			rep->pid = 1000 + k;
			rep->record.magic = TTM_RECORD_MAGIC;
			rep->record.ops_issued = 5000;
			rep->record.ns_per_op = (c->config == TTM_CONFIG_NONE ? 1200 : 1500) + k;
			if (c->config == TTM_CONFIG_FULL)
				rep->record.ns_per_op += 0.5 * (k % 2);
			rep->perf.v[TTM_PERF_TASK_CLOCK].valid = true;
			rep->perf.v[TTM_PERF_TASK_CLOCK].value = 900000;
			snprintf(rep->perf.v[TTM_PERF_CYCLES_USER].reason, TTM_PERF_REASON_LEN,
				 "cycles: not supported by this PMU (ENOENT)");
			if (c->config != TTM_CONFIG_TP)
				continue;
			rep->nprogs = 1;
			rep->progs[0].prog_id = tp_prog;
			rep->progs[0].stats_valid = true;
			rep->progs[0].stats.run_cnt = 5010;
			rep->progs[0].stats.run_time_ns = 5010 * 300;
			rep->progs[0].counters_valid = true;
			rep->progs[0].counters.fired = 5010;
			rep->progs[0].counters.submitted = 5010;
			rep->progs[0].events_workload = c->mode == TTM_ENTRY_NATIVE ? 5000 : 0;
			rep->progs[0].events_all = rep->progs[0].events_workload + 10;
		}
	}
	r->nschedule = nreps;
	for (int k = 0; k < nreps; k++) {
		r->schedule[k].order[0] = k % 2 ? TTM_CONFIG_TP : TTM_CONFIG_NONE;
		r->schedule[k].order[1] = k % 2 ? TTM_CONFIG_NONE : TTM_CONFIG_TP;
		r->schedule[k].n = 2;
	}
	assert_int_equal(ttm_results_analyze(r), 0);
}

static void build(struct ttm_results *r)
{
	build_reps(r, 3);
}

static void assert_has(json_t *obj, const char *key)
{
	if (!json_object_get(obj, key))
		fail_msg("missing field '%s'", key);
}

static void json_has_required_fields(void **state)
{
	static const char *const top[] = { "schema", "schema_version", "tool", "command_line",
					   "start_time", "end_time", "complete",
					   "incomplete_reason", "exit_status", "host",
					   "capabilities", "parameters", "bpf_stats",
					   "configurations", "schedule", "cells", "comparisons",
					   "verdicts" };
	static const char *const params[] = { "preset", "configs", "syscalls", "modes",
					      "duration_s", "ops", "rate", "reps", "warmup_s",
					      "sampling_ratio", "dropping_mode", "workload_cpu",
					      "consumer_cpu", "margin_pct", "margin_ns", "seed",
					      "workload" };
	static const char *const rep_fields[] = { "rep", "status", "error", "ns_per_op", "ops",
						  "errors", "errnos", "elapsed_ns",
						  "achieved_rate", "batch_ns_per_op", "wall_ns",
						  "pid", "programs", "perf" };
	static const char *const prog_fields[] = { "id", "name", "run_cnt", "run_time_ns",
						   "ns_per_run", "recursion_misses",
						   "events_from_workload", "events_all",
						   "counters" };
	static const char *const cmp_fields[] = { "syscall", "mode", "a", "b", "n", "median_a",
						  "median_b", "estimate_ns", "relative_pct",
						  "ci_lower", "ci_upper", "ci_level", "ci_method",
						  "ci_note", "mde_ns" };
	struct ttm_results r;
	json_t *root, *cells, *cell = NULL, *rep, *prog, *cmp, *v;
	size_t i;

	build(&r);
	root = ttm_results_to_json(&r);
	assert_non_null(root);

	for (i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		assert_has(root, top[i]);
	assert_string_equal(json_string_value(json_object_get(root, "schema")), "ttmbench.results");
	assert_int_equal(json_integer_value(json_object_get(root, "schema_version")), 1);
	assert_true(json_is_true(json_object_get(root, "complete")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(root, "command_line"),
							      1)), "run");
	assert_string_equal(json_string_value(json_object_get(root, "start_time")),
			    "2023-11-14T22:13:20Z");
	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		assert_has(json_object_get(root, "parameters"), params[i]);

	/* The tp openat native cell: three repetitions with the program's stats. */
	cells = json_object_get(root, "cells");
	assert_int_equal(json_array_size(cells), 6);
	for (i = 0; i < json_array_size(cells); i++) {
		json_t *c = json_array_get(cells, i);

		if (!strcmp(json_string_value(json_object_get(c, "config")), "tp") &&
		    !strcmp(json_string_value(json_object_get(c, "mode")), "native"))
			cell = c;
	}
	assert_non_null(cell);
	assert_string_equal(json_string_value(json_object_get(cell, "status")), "ok");
	assert_int_equal(json_array_size(json_object_get(cell, "repetitions")), 3);
	assert_has(json_object_get(cell, "stats"), "median_ns_per_op");
	assert_has(json_object_get(cell, "stats"), "ci_level");
	rep = json_array_get(json_object_get(cell, "repetitions"), 0);
	for (i = 0; i < sizeof(rep_fields) / sizeof(rep_fields[0]); i++)
		assert_has(rep, rep_fields[i]);
	prog = json_array_get(json_object_get(rep, "programs"), 0);
	for (i = 0; i < sizeof(prog_fields) / sizeof(prog_fields[0]); i++)
		assert_has(prog, prog_fields[i]);
	assert_string_equal(json_string_value(json_object_get(prog, "name")), "openat_e");
	assert_int_equal(json_integer_value(json_object_get(prog, "events_from_workload")), 5000);
	assert_int_equal(json_integer_value(json_object_get(prog, "run_cnt")), 5010);
	assert_float_equal(json_real_value(json_object_get(prog, "ns_per_run")), 300, 1e-9);

	/* Counters that could not be measured are null with their reason. */
	v = json_object_get(json_object_get(rep, "perf"), "cycles_user");
	assert_true(json_is_null(json_object_get(v, "value")));
	assert_string_equal(json_string_value(json_object_get(v, "reason")),
			    "cycles: not supported by this PMU (ENOENT)");
	v = json_object_get(json_object_get(rep, "perf"), "task_clock_ns");
	assert_int_equal(json_integer_value(json_object_get(v, "value")), 900000);

	/* tp - none on native and on ia32; nothing with full, which was skipped. */
	assert_int_equal(json_array_size(json_object_get(root, "comparisons")), 2);
	cmp = json_array_get(json_object_get(root, "comparisons"), 0);
	for (i = 0; i < sizeof(cmp_fields) / sizeof(cmp_fields[0]); i++)
		assert_has(cmp, cmp_fields[i]);
	assert_float_equal(json_real_value(json_object_get(cmp, "estimate_ns")), 300, 1e-9);
	assert_string_equal(json_string_value(json_object_get(cmp, "ci_method")),
			    "wilcoxon signed-rank exact");

	v = json_object_get(root, "verdicts");
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "overall"),
							      "verdict")), "inconclusive");
	v = json_array_get(json_object_get(v, "syscalls"), 0);
	assert_has(v, "native_penalty");
	assert_has(v, "kprobe_events_from_native");
	assert_true(json_is_null(json_object_get(v, "native_penalty")));

	json_decref(root);
	ttm_results_free(&r);
}

static void json_file_written_atomically(void **state)
{
	char dir[] = "/tmp/ttm-test-report-XXXXXX", path[128];
	struct ttm_results r;
	json_error_t error;
	json_t *root, *back;

	assert_non_null(mkdtemp(dir));
	build(&r);
	root = ttm_results_to_json(&r);
	assert_int_equal(ttm_write_json_file(dir, "results.json", root), 0);
	assert_int_equal(ttm_write_report(dir, &r), 0);

	snprintf(path, sizeof(path), "%s/results.json", dir);
	back = json_load_file(path, 0, &error);
	assert_non_null(back);
	assert_true(json_equal(root, back));

	json_decref(back);
	json_decref(root);
	ttm_results_free(&r);
	unlink(path);
	snprintf(path, sizeof(path), "%s/report.md", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0); /* no temporary file left behind */
}

static void report_starts_with_verdict(void **state)
{
	struct ttm_results r;
	char *md;

	build(&r);
	md = ttm_report_markdown(&r);
	assert_non_null(md);
	assert_true(!strncmp(md, "# Verdict: inconclusive\n", 24));
	assert_non_null(strstr(md, "CONFIG_KPROBES"));
	assert_non_null(strstr(md, "## ns/op per cell"));
	assert_non_null(strstr(md, "| tp | openat | native | 3 | 1501.00 |"));
	assert_non_null(strstr(md, "| openat | native | tp - none | 3 | +300.00 |"));
	assert_non_null(strstr(md, "| tp | openat | native | openat_e | 15000 | 15030 | 300.0 |"));
	free(md);
	ttm_results_free(&r);
}

static void report_marks_incomplete_run(void **state)
{
	struct ttm_results r;
	char *md;
	json_t *root;

	build(&r);
	r.complete = false;
	snprintf(r.incomplete_reason, TTM_MSG_LEN, "interrupted by SIGINT during repetition 2 of 3");
	md = ttm_report_markdown(&r);
	root = ttm_results_to_json(&r);
	assert_non_null(strstr(md, "**Incomplete run**: interrupted by SIGINT"));
	assert_true(json_is_false(json_object_get(root, "complete")));
	assert_string_equal(json_string_value(json_object_get(root, "incomplete_reason")),
			    "interrupted by SIGINT during repetition 2 of 3");
	json_decref(root);
	free(md);
	ttm_results_free(&r);
}

/* One repetition gives [x, x] at 0 % coverage: no interval in report.md, the summary or the JSON. */
static void one_repetition_has_no_ci(void **state)
{
	struct ttm_results r;
	json_t *root, *cell, *comparison;
	char *md, *summary = NULL;
	size_t summary_len = 0;
	FILE *out;

	build_reps(&r, 1);
	md = ttm_report_markdown(&r);
	assert_non_null(md);
	assert_non_null(strstr(md, "| tp | openat | native | 1 | 1500.00 | no CI (n=1) |"));
	assert_non_null(strstr(md, "| openat | native | tp - none | 1 | +300.00 | no CI (n=1) |"));
	assert_null(strstr(md, "[1500.00, 1500.00]"));
	assert_null(strstr(md, "(0.0%"));

	out = open_memstream(&summary, &summary_len);
	assert_non_null(out);
	ttm_print_summary(out, &r, "results/test");
	fclose(out);
	assert_non_null(strstr(summary, "tracepoint penalty +300.00 ns no CI (n=1)"));
	assert_null(strstr(summary, "(0.0%"));

	root = ttm_results_to_json(&r);
	cell = json_object_get(json_array_get(json_object_get(root, "cells"), 0), "stats");
	assert_true(json_is_null(json_object_get(cell, "ci_lower")));
	assert_true(json_is_null(json_object_get(cell, "ci_upper")));
	assert_non_null(strstr(json_string_value(json_object_get(cell, "ci_note")), "no CI: n=1"));
	comparison = json_array_get(json_object_get(root, "comparisons"), 0);
	assert_true(json_is_null(json_object_get(comparison, "ci_lower")));
	assert_true(json_is_null(json_object_get(comparison, "ci_upper")));
	assert_true(json_is_number(json_object_get(comparison, "estimate_ns")));

	json_decref(root);
	free(summary);
	free(md);
	ttm_results_free(&r);
}

/* Two repetitions give [min, max] at 50 %: a wide but real interval, still shown. */
static void two_repetitions_keep_ci(void **state)
{
	struct ttm_results r;
	json_t *root, *cell;
	char *md;

	build_reps(&r, 2);
	md = ttm_report_markdown(&r);
	assert_non_null(strstr(md, "| tp | openat | native | 2 | 1500.50 | [1500.00, 1501.00] (50.0%"));
	root = ttm_results_to_json(&r);
	cell = json_object_get(json_array_get(json_object_get(root, "cells"), 0), "stats");
	assert_true(json_is_number(json_object_get(cell, "ci_lower")));
	json_decref(root);
	free(md);
	ttm_results_free(&r);
}

/* One pair gives a zero-width, 0 % interval: it must not decide the verdict. */
static void one_pair_verdict_inconclusive(void **state)
{
	struct ttm_results r;

	full_available = true;
	build_reps(&r, 1);
	full_available = false;

	assert_int_equal(r.verdicts.overall, TTM_VERDICT_INCONCLUSIVE);
	assert_int_equal(r.verdicts.sc[0].verdict, TTM_VERDICT_INCONCLUSIVE);
	assert_non_null(strstr(r.verdicts.sc[0].reasons[0], "too few for a confidence interval"));
	ttm_results_free(&r);
}

/* Six pairs whose differences lie within the 15 ns margin decide `holds`. */
static void six_pairs_inside_margin_hold(void **state)
{
	struct ttm_results r;

	full_available = true;
	build_reps(&r, 6);
	full_available = false;

	assert_int_equal(r.verdicts.sc[0].verdict, TTM_VERDICT_HOLDS);
	assert_int_equal(r.verdicts.overall, TTM_VERDICT_HOLDS);
	ttm_results_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_has_required_fields),
		cmocka_unit_test(json_file_written_atomically),
		cmocka_unit_test(report_starts_with_verdict),
		cmocka_unit_test(report_marks_incomplete_run),
		cmocka_unit_test(one_repetition_has_no_ci),
		cmocka_unit_test(two_repetitions_keep_ci),
		cmocka_unit_test(one_pair_verdict_inconclusive),
		cmocka_unit_test(six_pairs_inside_margin_hold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
