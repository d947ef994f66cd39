// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of bench/stats.c and the verdict rule (bench/verdict.c) on fixed
 * inputs. Expected values were computed independently in Python 3 (exact
 * signed-rank distribution by subset-sum counting, binomial sums with
 * math.comb, quantiles from statistics.NormalDist); they agree with R's
 * wilcox.test(conf.int = TRUE) and qsignrank for the exact cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bench/results.h"
#include "bench/stats.h"

#define EPS 1e-9

static void median_odd_and_even(void **state)
{
	const double odd[] = { 5, 1, 4, 2, 3 };
	const double even[] = { 4, 1, 3, 2 };

	assert_float_equal(ttm_median(odd, 5), 3.0, EPS);
	assert_float_equal(ttm_median(even, 4), 2.5, EPS);
}

/* n = 10: P(B <= 1) = 11/1024, so k = 2 gives [x(2), x(9)] at 1 - 22/1024. */
static void median_ci_ten_values(void **state)
{
	const double x[] = { 7, 3, 10, 1, 8, 2, 9, 5, 4, 6 };
	struct ttm_median_summary s;

	assert_int_equal(ttm_median_summary(x, 10, &s), 0);
	assert_int_equal(s.n, 10);
	assert_float_equal(s.median, 5.5, EPS);
	assert_float_equal(s.min, 1, EPS);
	assert_float_equal(s.max, 10, EPS);
	assert_true(s.ci.valid);
	assert_float_equal(s.ci.lower, 2, EPS);
	assert_float_equal(s.ci.upper, 9, EPS);
	assert_float_equal(s.ci.level, 1.0 - 22.0 / 1024, EPS);
	assert_false(s.ci.below_target);
}

/* n = 5: even [min, max] covers only 1 - 2/32 = 93.75 %, the best attainable. */
static void median_ci_small_n(void **state)
{
	const double x[] = { 10, 12, 11, 14, 13 };
	struct ttm_median_summary s;

	assert_int_equal(ttm_median_summary(x, 5, &s), 0);
	assert_float_equal(s.ci.lower, 10, EPS);
	assert_float_equal(s.ci.upper, 14, EPS);
	assert_float_equal(s.ci.level, 0.9375, EPS);
	assert_true(s.ci.below_target);
}

/* n = 8 (the quick preset): k = 2 would give 92.97 %, so k = 1 at 1 - 2/256. */
static void median_ci_rank_eight(void **state)
{
	double level;

	assert_int_equal(ttm_median_ci_rank(8, &level), 1);
	assert_float_equal(level, 1.0 - 2.0 / 256, EPS);
}

static void median_summary_empty(void **state)
{
	struct ttm_median_summary s;

	assert_int_equal(ttm_median_summary(NULL, 0, &s), 0);
	assert_false(s.ci.valid);
}

/* qsignrank(0.025, n) in R: 0, 1, 4, 9, 14, 90 for n = 5, 6, 8, 10, 12, 25. */
static void signrank_quantiles(void **state)
{
	assert_int_equal(ttm_signrank_quantile(0.025, 5), 0);
	assert_int_equal(ttm_signrank_quantile(0.025, 6), 1);
	assert_int_equal(ttm_signrank_quantile(0.025, 8), 4);
	assert_int_equal(ttm_signrank_quantile(0.025, 10), 9);
	assert_int_equal(ttm_signrank_quantile(0.025, 12), 14);
	assert_int_equal(ttm_signrank_quantile(0.025, 25), 90);
}

static void signrank_cdf_exact(void **state)
{
	/* n = 3: rank sums 0,1,2,3,3,4,5,6 over 8 sign patterns. */
	assert_float_equal(ttm_signrank_cdf(0, 3), 1.0 / 8, EPS);
	assert_float_equal(ttm_signrank_cdf(3, 3), 5.0 / 8, EPS);
	assert_float_equal(ttm_signrank_cdf(6, 3), 1.0, EPS);
	assert_float_equal(ttm_signrank_cdf(-1, 3), 0.0, EPS);
	/* n = 10: 1 - 2 * P(T <= 8) = 0.951171875. */
	assert_float_equal(1.0 - 2.0 * ttm_signrank_cdf(8, 10), 0.951171875, EPS);
}

/*
 * n = 30 uses the normal approximation with continuity correction:
 * ceil(232.5 - 0.5 - 1.959964 * 48.6184) = 137 (the exact quantile is 138),
 * level 1 - 2 * Phi((137 - 0.5 - 232.5) / 48.6184) = 0.951682.
 */
static void signrank_normal_approximation(void **state)
{
	long q = ttm_signrank_quantile(0.025, 30);

	assert_int_equal(q, 137);
	assert_float_equal(1.0 - 2.0 * ttm_signrank_cdf(q - 1, 30), 0.9516819635, 1e-6);
}

/*
 * Differences d = a - b: 0.8 -0.6 2.3 0.9 2.6 0.6 1.9 -0.5 3.2 1.6.
 * Hodges-Lehmann = median of the 55 Walsh averages = 1.3; q = 9 gives the
 * interval [W(9), W(47)] = [0.2, 2.25] at 95.117 %; MDE = 2.8015852 *
 * sd(d) / sqrt(10) = 1.1243633.
 */
static void paired_diff_ten_pairs(void **state)
{
	const double a[] = { 101.0, 98.5, 103.2, 99.9, 104.1, 100.7, 102.3, 97.8, 105.0, 101.6 };
	const double b[] = { 100.2, 99.1, 100.9, 99.0, 101.5, 100.1, 100.4, 98.3, 101.8, 100.0 };
	struct ttm_paired_diff d;

	assert_int_equal(ttm_paired_diff(a, b, 10, &d), 0);
	assert_int_equal(d.n, 10);
	assert_float_equal(d.median_a, 101.3, EPS);
	assert_float_equal(d.median_b, 100.15, EPS);
	assert_float_equal(d.estimate, 1.3, 1e-9);
	assert_true(d.ci.valid);
	assert_float_equal(d.ci.lower, 0.2, 1e-9);
	assert_float_equal(d.ci.upper, 2.25, 1e-9);
	assert_float_equal(d.ci.level, 0.951171875, EPS);
	assert_false(d.ci.below_target);
	assert_string_equal(d.ci.method, "wilcoxon signed-rank exact");
	assert_true(d.mde_valid);
	assert_float_equal(d.mde, 1.1243633291, 1e-8);
}

/* n = 5: no 95 % interval exists; [min, max] of the differences at 93.75 %. */
static void paired_diff_small_n(void **state)
{
	const double a[] = { 3, 5, 4, 8, 6 };
	const double b[] = { 1, 1, 1, 1, 1 };
	struct ttm_paired_diff d;

	assert_int_equal(ttm_paired_diff(a, b, 5, &d), 0);
	assert_float_equal(d.ci.lower, 2, EPS);
	assert_float_equal(d.ci.upper, 7, EPS);
	assert_float_equal(d.ci.level, 0.9375, EPS);
	assert_true(d.ci.below_target);
}

static void mde_known_value(void **state)
{
	const double d[] = { 1, 2, 3, 4, 5 };
	double mde = 0;

	assert_true(ttm_mde(d, 5, &mde));
	assert_float_equal(mde, 1.9810199058, 1e-8);
	assert_false(ttm_mde(d, 1, &mde));
}

static void verdict_rule(void **state)
{
	/* margin 5: inside, straddling, outside above and below, no CI, kprobe events. */
	assert_int_equal(ttm_verdict_decide(true, -1, 4, 5, 0), TTM_VERDICT_HOLDS);
	assert_int_equal(ttm_verdict_decide(true, -5, 5, 5, 0), TTM_VERDICT_HOLDS);
	assert_int_equal(ttm_verdict_decide(true, 2, 7, 5, 0), TTM_VERDICT_INCONCLUSIVE);
	assert_int_equal(ttm_verdict_decide(true, -8, 8, 5, 0), TTM_VERDICT_INCONCLUSIVE);
	assert_int_equal(ttm_verdict_decide(true, 6, 9, 5, 0), TTM_VERDICT_VIOLATED);
	assert_int_equal(ttm_verdict_decide(true, -9, -6, 5, 0), TTM_VERDICT_VIOLATED);
	assert_int_equal(ttm_verdict_decide(false, 0, 0, 5, 0), TTM_VERDICT_INCONCLUSIVE);
	assert_int_equal(ttm_verdict_decide(true, -1, 1, 5, 3), TTM_VERDICT_VIOLATED);
	assert_int_equal(ttm_verdict_decide(false, 0, 0, 5, 1), TTM_VERDICT_VIOLATED);
}

static void margin_rule(void **state)
{
	struct ttm_run_params p = { .margin_pct = 1, .margin_ns = 2 };

	assert_float_equal(ttm_margin_ns(&p, 1000), 10, EPS);
	assert_float_equal(ttm_margin_ns(&p, 100), 2, EPS);
}

/*
 * A results object with none/tp/full on openat native over 8 repetitions:
 * none = tp - 100, full = tp + shift[k] (shift NULL: 0). The tp median is
 * 1000.5 ns, so the margin is max(1 % of it, 2 ns) = 10.005 ns.
 */
static void build_results(struct ttm_results *r, const double *shift, uint64_t kprobe_events,
			  bool full_available)
{
	static const double tp_ns[] = { 1000, 1010, 990, 1005, 995, 1002, 998, 1001 };
	const int reps = 8, kprobe_prog = TTM_PROG_ID(TTM_SC_OPENAT, TTM_KIND_IA32_COMPAT);

	memset(r, 0, sizeof(*r));
	r->params.configs[0] = TTM_CONFIG_NONE;
	r->params.configs[1] = TTM_CONFIG_TP;
	r->params.configs[2] = TTM_CONFIG_FULL;
	r->params.nconfigs = 3;
	r->params.syscalls[0] = TTM_SC_OPENAT;
	r->params.nsyscalls = 1;
	r->params.modes[0] = TTM_ENTRY_NATIVE;
	r->params.nmodes = 1;
	r->params.reps = reps;
	r->params.margin_pct = 1;
	r->params.margin_ns = 2;
	for (int i = 0; i < 3; i++) {
		r->configs[r->params.configs[i]].requested = true;
		r->configs[r->params.configs[i]].available = true;
	}
	if (!full_available) {
		r->configs[TTM_CONFIG_FULL].available = false;
		snprintf(r->configs[TTM_CONFIG_FULL].reason, TTM_MSG_LEN,
			 "kprobe: kernel built without CONFIG_KPROBES");
	}
	assert_int_equal(ttm_results_init_cells(r), 0);

	for (int i = 0; i < r->ncells; i++) {
		struct ttm_cell *c = &r->cells[i];

		if (c->config == TTM_CONFIG_FULL && !full_available) {
			c->status = TTM_CELL_SKIPPED;
			continue;
		}
		c->status = TTM_CELL_OK;
		for (int k = 0; k < reps; k++) {
			struct ttm_rep_result *rep = &c->reps[c->nreps++];

			rep->rep = k + 1;
			rep->ok = true;
			rep->have_record = true;
			rep->record.ops_issued = 1000;
			rep->record.ns_per_op = c->config == TTM_CONFIG_NONE ? tp_ns[k] - 100 :
						c->config == TTM_CONFIG_FULL ? tp_ns[k] + (shift ? shift[k] : 0) :
									       tp_ns[k];
			if (c->config == TTM_CONFIG_FULL) {
				rep->nprogs = 1;
				rep->progs[0].prog_id = kprobe_prog;
				rep->progs[0].events_workload = k == 0 ? kprobe_events : 0;
			}
		}
	}
	assert_int_equal(ttm_results_analyze(r), 0);
}

static void verdict_holds_when_equal(void **state)
{
	const double shift[] = { 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5 };
	struct ttm_results r;

	build_results(&r, shift, 0, true);
	assert_int_equal(r.verdicts.nsc, 1);
	assert_int_equal(r.verdicts.sc[0].verdict, TTM_VERDICT_HOLDS);
	assert_int_equal(r.verdicts.overall, TTM_VERDICT_HOLDS);
	assert_non_null(r.verdicts.sc[0].native_penalty);
	assert_float_equal(r.verdicts.sc[0].native_penalty->diff.estimate, 0.5, 1e-9);
	assert_float_equal(r.verdicts.sc[0].margin_ns, 10.005, 1e-9);
	assert_non_null(r.verdicts.sc[0].tracepoint_penalty);
	assert_float_equal(r.verdicts.sc[0].tracepoint_penalty->diff.estimate, 100, 1e-9);
	assert_true(r.verdicts.sc[0].kprobe_native_valid);
	assert_int_equal(r.verdicts.sc[0].kprobe_events_native, 0);
	ttm_results_free(&r);
}

static void verdict_violated_by_penalty(void **state)
{
	const double shift[] = { 50, 51, 49, 50, 52, 48, 50, 50 };
	struct ttm_results r;

	build_results(&r, shift, 0, true);
	assert_int_equal(r.verdicts.sc[0].verdict, TTM_VERDICT_VIOLATED);
	assert_int_equal(r.verdicts.overall, TTM_VERDICT_VIOLATED);
	ttm_results_free(&r);
}

static void verdict_violated_by_kprobe_event(void **state)
{
	struct ttm_results r;

	build_results(&r, NULL, 2, true);
	assert_int_equal(r.verdicts.sc[0].verdict, TTM_VERDICT_VIOLATED);
	assert_true(r.verdicts.sc[0].kprobe_native_valid);
	assert_int_equal(r.verdicts.sc[0].kprobe_events_native, 2);
	ttm_results_free(&r);
}

/* Differences 5..15 ns: the 96.1 % interval of their HL estimate contains the 10.005 ns bound. */
static void verdict_inconclusive_straddling(void **state)
{
	const double shift[] = { 5, 15, 8, 12, 6, 14, 9, 11 };
	struct ttm_results r;

	build_results(&r, shift, 0, true);
	assert_true(r.verdicts.sc[0].native_penalty->diff.ci.lower < 10.005);
	assert_true(r.verdicts.sc[0].native_penalty->diff.ci.upper > 10.005);
	assert_int_equal(r.verdicts.sc[0].verdict, TTM_VERDICT_INCONCLUSIVE);
	assert_int_equal(r.verdicts.overall, TTM_VERDICT_INCONCLUSIVE);
	ttm_results_free(&r);
}

static void verdict_inconclusive_without_kprobes(void **state)
{
	struct ttm_results r;

	build_results(&r, NULL, 0, false);
	assert_int_equal(r.verdicts.sc[0].verdict, TTM_VERDICT_INCONCLUSIVE);
	assert_int_equal(r.verdicts.overall, TTM_VERDICT_INCONCLUSIVE);
	assert_null(r.verdicts.sc[0].native_penalty);
	assert_false(r.verdicts.sc[0].kprobe_native_valid);
	assert_non_null(strstr(r.verdicts.overall_reason, "CONFIG_KPROBES"));
	assert_non_null(strstr(r.verdicts.overall_reason, "make bench-lab"));
	ttm_results_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(median_odd_and_even),
		cmocka_unit_test(median_ci_ten_values),
		cmocka_unit_test(median_ci_small_n),
		cmocka_unit_test(median_ci_rank_eight),
		cmocka_unit_test(median_summary_empty),
		cmocka_unit_test(signrank_quantiles),
		cmocka_unit_test(signrank_cdf_exact),
		cmocka_unit_test(signrank_normal_approximation),
		cmocka_unit_test(paired_diff_ten_pairs),
		cmocka_unit_test(paired_diff_small_n),
		cmocka_unit_test(mde_known_value),
		cmocka_unit_test(verdict_rule),
		cmocka_unit_test(margin_rule),
		cmocka_unit_test(verdict_holds_when_equal),
		cmocka_unit_test(verdict_violated_by_penalty),
		cmocka_unit_test(verdict_violated_by_kprobe_event),
		cmocka_unit_test(verdict_inconclusive_straddling),
		cmocka_unit_test(verdict_inconclusive_without_kprobes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
