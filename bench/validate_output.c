// SPDX-License-Identifier: GPL-2.0
/* Output of `ttmbench validate`: the stdout table, validate.json and validate.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench/validate.h"

static json_t *diff_json(const struct ttm_paired_diff *d)
{
	return json_pack("{s:i, s:f, s:f, s:f, s:o, s:o, s:o, s:s, s:o}", "n", (int)d->n,
			 "median_a", d->median_a, "median_b", d->median_b, "estimate_ns",
			 d->estimate, "ci_lower", d->ci.valid ? json_real(d->ci.lower) : json_null(),
			 "ci_upper", d->ci.valid ? json_real(d->ci.upper) : json_null(), "ci_level",
			 d->ci.valid ? json_real(d->ci.level) : json_null(), "ci_method",
			 d->ci.method ? d->ci.method : "", "mde_ns",
			 d->mde_valid ? json_real(d->mde) : json_null());
}

static json_t *summary_json(const struct ttm_median_summary *s)
{
	return json_pack("{s:i, s:f, s:f, s:f}", "n", (int)s->n, "median", s->median, "min",
			 s->min, "max", s->max);
}

json_t *ttm_validate_to_json(const struct ttm_validate_result *v, json_t *host,
			     json_t *capabilities)
{
	const struct ttm_aa_result *aa = &v->aa;
	json_t *positive = json_array(), *trials = json_array(), *root;

	for (int k = 0; k < TTM_VALIDATE_SIZES - 1; k++) {
		const struct ttm_positive_result *p = &v->positive[k];

		json_array_append_new(
			positive,
			json_pack("{s:i, s:f, s:f, s:f, s:f, s:o, s:f, s:f, s:b}", "loops", p->loops,
				  "target_ns", p->target_ns, "expected_ns", p->expected_ns,
				  "expected_min_ns", p->expected_lower, "expected_max_ns",
				  p->expected_upper, "measured", diff_json(&p->measured), "error_pct",
				  p->error_pct, "tolerance_pct", TTM_VALIDATE_TOLERANCE * 100, "pass",
				  p->pass));
	}
	for (int t = 0; aa->per_trial && t < aa->trials; t++)
		json_array_append_new(trials, diff_json(&aa->per_trial[t]));

	root = json_pack("{s:s, s:i, s:{s:i, s:i, s:f, s:i}, s:O, s:O, s:b, s:o}", "schema",
			 "ttmbench.validate", "schema_version", 1, "parameters", "reps",
			 v->opts.reps, "trials", v->opts.trials, "duration_s", v->opts.duration_s,
			 "workload_cpu", v->opts.workload_cpu, "host", host ? host : json_null(),
			 "capabilities", capabilities ? capabilities : json_null(), "pass", v->pass,
			 "error", v->error[0] ? json_string(v->error) : json_null());
	json_object_set_new(
		root, "positive",
		json_pack("{s:s, s:s, s:s, s:f, s:o, s:o, s:o, s:o, s:o}", "control_syscall",
			  "getppid", "hook", "tracepoint/syscalls/sys_enter_getppid", "expected",
			  "median over repetitions of ns/run(size) - ns/run(size 0), from BPF "
			  "run_time_ns / run_cnt; measured: Hodges-Lehmann estimate of ns/op(size) - "
			  "ns/op(size 0), paired by repetition",
			  "ns_per_loop", v->ns_per_loop, "none_ns_per_op",
			  summary_json(&v->none_ns_per_op), "size0_ns_per_op",
			  summary_json(&v->size0_ns_per_op), "size0_ns_per_run",
			  summary_json(&v->size0_ns_per_run), "dispatch", diff_json(&v->dispatch),
			  "sizes", positive));
	json_object_set_new(root, "aa",
			    json_pack("{s:s, s:i, s:i, s:i, s:f, s:f, s:o, s:o, s:b}", "arms",
				      "calibration size 0, re-attached before each arm", "trials",
				      aa->trials, "excluding_zero", aa->excluding_zero, "allowed",
				      aa->allowed, "trial_ci_level", aa->trial_level,
				      "false_alarm_probability", aa->false_alarm_probability,
				      "pooled", diff_json(&aa->pooled), "per_trial", trials, "pass",
				      aa->pass));
	return root;
}

static void print_diff(FILE *f, const struct ttm_paired_diff *d)
{
	fprintf(f, "%+8.2f [%8.2f, %8.2f]", d->estimate, d->ci.lower, d->ci.upper);
}

void ttm_validate_print(FILE *f, const struct ttm_validate_result *v)
{
	const struct ttm_aa_result *aa = &v->aa;

	fprintf(f, "Positive control: calibration loop on sys_enter_getppid, native getppid, "
		   "%d repetitions\n", v->opts.reps);
	fprintf(f, "  %-10s %12s %32s %9s  %s\n", "loops", "expected ns", "measured ns/op [95% CI]",
		"error", "result");
	for (int k = 0; k < TTM_VALIDATE_SIZES - 1; k++) {
		const struct ttm_positive_result *p = &v->positive[k];

		fprintf(f, "  %-10u %12.2f   ", p->loops, p->expected_ns);
		print_diff(f, &p->measured);
		fprintf(f, " %+8.1f%%  %s\n", p->error_pct, p->pass ? "pass" : "FAIL (> 10%)");
	}
	fprintf(f, "  dispatch (size 0 - nothing attached): ");
	print_diff(f, &v->dispatch);
	fprintf(f, " ns/op; size 0 runs %.1f ns/run\n\n", v->size0_ns_per_run.median);

	fprintf(f, "A/A control: calibration size 0 as two arms, %d trials of %d repetitions\n",
		aa->trials, v->opts.reps);
	fprintf(f, "  trials whose CI excludes 0: %d (allowed: %d) %s\n", aa->excluding_zero,
		aa->allowed, aa->pass ? "pass" : "FAIL");
	fprintf(f, "  pooled difference: ");
	print_diff(f, &aa->pooled);
	fprintf(f, " ns/op\n");
	fprintf(f, "  a sound method fails this bound with probability %.1f%% (trial CI level "
		   "%.1f%%)\n\n", aa->false_alarm_probability * 100, aa->trial_level * 100);
	fprintf(f, "validate: %s\n", v->pass ? "pass" : "FAIL");
}

char *ttm_validate_markdown(const struct ttm_validate_result *v)
{
	const struct ttm_aa_result *aa = &v->aa;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "# Measurement validity\n\n");
	if (v->error[0])
		fprintf(f, "The controls could not run: %s\n\n", v->error);

	fprintf(f, "## Positive control\n\n"
		   "A calibration program on tracepoint syscalls/sys_enter_getppid runs a bpf_loop "
		   "of a set size; the workload issues getppid natively. Expected: median of "
		   "ns/run(size) - ns/run(size 0) from BPF stats (run_time_ns / run_cnt), the "
		   "program time the loop adds. Measured: Hodges-Lehmann estimate of ns/op(size) - "
		   "ns/op(size 0) with the Wilcoxon CI, repetitions paired by number and arms "
		   "shuffled within each. Subtracting the size-0 arm cancels the tracepoint "
		   "dispatch, which BPF stats do not include. Pass: measured within %.0f%% of "
		   "expected.\n\n",
		TTM_VALIDATE_TOLERANCE * 100);
	fprintf(f, "| loops | expected ns | measured ns/op | 95%% CI | MDE ns | error | result |\n"
		   "| --- | --- | --- | --- | --- | --- | --- |\n");
	for (int k = 0; k < TTM_VALIDATE_SIZES - 1; k++) {
		const struct ttm_positive_result *p = &v->positive[k];

		fprintf(f, "| %u | %.2f | %+.2f | [%.2f, %.2f] | %.2f | %+.1f%% | %s |\n", p->loops,
			p->expected_ns, p->measured.estimate, p->measured.ci.lower,
			p->measured.ci.upper, p->measured.mde_valid ? p->measured.mde : NAN,
			p->error_pct, p->pass ? "pass" : "FAIL");
	}
	fprintf(f, "\nDispatch cost (size 0 minus nothing attached): %+.2f ns/op, CI [%.2f, %.2f]; "
		   "the size-0 program itself runs %.1f ns/run.\n\n",
		v->dispatch.estimate, v->dispatch.ci.lower, v->dispatch.ci.upper,
		v->size0_ns_per_run.median);

	fprintf(f, "## A/A control\n\n"
		   "The size-0 configuration measured as two arms, re-attached before each arm, %d "
		   "trials of %d repetitions. Pass: at most %d trial CI excludes 0. A sound method "
		   "whose trial CIs reach %.1f%% fails this bound with probability %.1f%% "
		   "(binomial).\n\n"
		   "Trials excluding 0: %d of %d: %s. Pooled difference: %+.2f ns/op, CI [%.2f, "
		   "%.2f].\n\n",
		aa->trials, v->opts.reps, aa->allowed, aa->trial_level * 100,
		aa->false_alarm_probability * 100, aa->excluding_zero, aa->trials,
		aa->pass ? "pass" : "FAIL", aa->pooled.estimate, aa->pooled.ci.lower,
		aa->pooled.ci.upper);
	fprintf(f, "Overall: %s.\n", v->pass ? "pass" : "FAIL");
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
