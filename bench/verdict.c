// SPDX-License-Identifier: GPL-2.0
/*
 * The verdict on the claim "the ia32 kprobes cost native callers nothing":
 * an equivalence test of `full - tp` on native calls against a margin, plus
 * the exact count of kprobe events caused by native calls.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bench/results.h"

double ttm_margin_ns(const struct ttm_run_params *p, double tp_median)
{
	double pct = p->margin_pct / 100.0 * tp_median;

	return pct > p->margin_ns ? pct : p->margin_ns;
}

enum ttm_verdict ttm_verdict_decide(bool have_ci, double ci_lower, double ci_upper, double margin,
				    uint64_t kprobe_native_events)
{
	if (kprobe_native_events > 0)
		return TTM_VERDICT_VIOLATED;
	if (!have_ci)
		return TTM_VERDICT_INCONCLUSIVE;
	if (ci_lower >= -margin && ci_upper <= margin)
		return TTM_VERDICT_HOLDS;
	if (ci_upper < -margin || ci_lower > margin)
		return TTM_VERDICT_VIOLATED;
	return TTM_VERDICT_INCONCLUSIVE;
}

static void add_reason(struct ttm_syscall_verdict *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_reason(struct ttm_syscall_verdict *v, const char *fmt, ...)
{
	va_list ap;

	if (v->nreasons >= TTM_VERDICT_MAX_REASONS)
		return;
	va_start(ap, fmt);
	vsnprintf(v->reasons[v->nreasons++], TTM_MSG_LEN, fmt, ap);
	va_end(ap);
}

static bool mode_requested(const struct ttm_run_params *p, int mode)
{
	for (int i = 0; i < p->nmodes; i++)
		if (p->modes[i] == mode)
			return true;
	return false;
}

/* Sum the ia32 kprobe programs' events from the workload and run_cnt over native runs. */
static void count_kprobe_native(const struct ttm_results *r, struct ttm_syscall_verdict *v)
{
	for (int i = 0; i < r->ncells; i++) {
		const struct ttm_cell *c = &r->cells[i];

		if (c->syscall != v->syscall || c->mode != TTM_ENTRY_NATIVE ||
		    (c->config != TTM_CONFIG_KPROBE && c->config != TTM_CONFIG_FULL))
			continue;
		for (int k = 0; k < c->nreps; k++) {
			const struct ttm_rep_result *rep = &c->reps[k];

			if (!rep->ok)
				continue;
			v->kprobe_native_valid = true;
			for (int j = 0; j < rep->nprogs; j++) {
				const struct ttm_prog_sample *ps = &rep->progs[j];

				if (ps->prog_id >= TTM_TOCTOU_PROGS || ps->prog_id % 3 == TTM_KIND_TP)
					continue;
				v->kprobe_events_native += ps->events_workload;
				if (ps->stats_valid)
					v->kprobe_run_cnt_native += ps->stats.run_cnt;
			}
		}
	}
}

/* Say why the native penalty could not be measured. */
static void explain_missing_penalty(const struct ttm_results *r, struct ttm_syscall_verdict *v)
{
	static const int needed[] = { TTM_CONFIG_FULL, TTM_CONFIG_TP };

	if (!mode_requested(&r->params, TTM_ENTRY_NATIVE)) {
		add_reason(v, "the native penalty needs the native mode, which was not run "
			      "(add --modes native)");
		return;
	}
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		const struct ttm_config_info *ci = &r->configs[needed[i]];
		const char *name = ttm_config_name(needed[i]);

		if (!ci->requested) {
			add_reason(v, "the native penalty (full - tp) needs configuration %s, which "
				      "was not requested (add it to --configs)", name);
			return;
		}
		if (!ci->available) {
			bool kprobes = needed[i] == TTM_CONFIG_FULL;

			add_reason(v, "configuration %s unavailable: %s%s", name, ci->reason,
				   kprobes && !strstr(ci->reason, "bench-lab") ?
					   "; run `make bench-lab` to measure under kernels "
					   "with kprobes" :
					   "");
			return;
		}
	}
	if (v->native_penalty &&
	    !ttm_interval_shown(&v->native_penalty->diff.ci, v->native_penalty->diff.n)) {
		add_reason(v, "the native penalty (full - tp) has %zu pair(s), too few for a "
			      "confidence interval: run at least 2 repetitions (--reps)",
			   v->native_penalty->diff.n);
		return;
	}
	add_reason(v, "no repetition of full and tp on native succeeded in the same "
		      "repetition, so there is no paired difference");
}

static void explain_penalty(struct ttm_syscall_verdict *v)
{
	const struct ttm_paired_diff *d = &v->native_penalty->diff;
	const char *where = "the CI straddles the margin";

	if (v->verdict == TTM_VERDICT_HOLDS)
		where = "the CI lies inside the margin";
	else if (d->ci.lower > v->margin_ns)
		where = "the CI lies above the margin: native calls pay more under full";
	else if (d->ci.upper < -v->margin_ns)
		where = "the CI lies below the margin: native calls ran faster under full than "
			"under tp, which added programs cannot cause, so the arms differ by "
			"something else (drift, noise, emulation)";

	add_reason(v,
		   "native penalty (full - tp): %.2f ns/op, %.1f%% CI [%.2f, %.2f], margin "
		   "+/-%.2f ns: %s",
		   d->estimate, d->ci.level * 100, d->ci.lower, d->ci.upper, v->margin_ns, where);
}

/* Whether the run's timings come from an emulated CPU (kernel lab under TCG). */
static bool timing_emulated(const struct ttm_results *r)
{
	const char *timing = json_string_value(json_object_get(r->host, "timing"));

	return timing && !strcmp(timing, "emulated");
}

static void compute_one(const struct ttm_results *r, struct ttm_syscall_verdict *v)
{
	const struct ttm_cell *tp = NULL;
	int ia32_mode = mode_requested(&r->params, TTM_ENTRY_IA32) ? TTM_ENTRY_IA32 :
								    TTM_ENTRY_IA32_INT80;
	bool have_ci;

	for (int i = 0; i < r->ncells; i++)
		if (r->cells[i].config == TTM_CONFIG_TP && r->cells[i].syscall == v->syscall &&
		    r->cells[i].mode == TTM_ENTRY_NATIVE)
			tp = &r->cells[i];
	if (tp && tp->has_stats) {
		v->margin_valid = true;
		v->margin_ns = ttm_margin_ns(&r->params, tp->stats.median);
	}

	v->native_penalty = ttm_results_comparison(r, v->syscall, TTM_ENTRY_NATIVE,
						   TTM_CONFIG_FULL, TTM_CONFIG_TP);
	v->ia32_penalty = ttm_results_comparison(r, v->syscall, ia32_mode, TTM_CONFIG_KPROBE,
						 TTM_CONFIG_NONE);
	v->tracepoint_penalty = ttm_results_comparison(r, v->syscall, TTM_ENTRY_NATIVE,
						       TTM_CONFIG_TP, TTM_CONFIG_NONE);
	count_kprobe_native(r, v);

	/* An interval too narrow in coverage to be shown (one pair) cannot decide either way. */
	have_ci = v->native_penalty &&
		  ttm_interval_shown(&v->native_penalty->diff.ci, v->native_penalty->diff.n) &&
		  v->margin_valid;
	v->verdict = ttm_verdict_decide(have_ci, have_ci ? v->native_penalty->diff.ci.lower : 0,
					have_ci ? v->native_penalty->diff.ci.upper : 0,
					v->margin_ns, v->kprobe_events_native);

	if (v->kprobe_events_native)
		add_reason(v,
			   "the ia32 kprobe programs delivered %llu events from native calls of "
			   "the workload (expected 0)",
			   (unsigned long long)v->kprobe_events_native);
	if (have_ci)
		explain_penalty(v);
	else
		explain_missing_penalty(r, v);
}

/* Whether every inconclusive syscall gives the same first reason. */
static bool same_first_reason(const struct ttm_verdicts *vs, const char *why)
{
	for (int i = 0; i < vs->nsc; i++) {
		const struct ttm_syscall_verdict *v = &vs->sc[i];

		if (v->verdict == TTM_VERDICT_INCONCLUSIVE &&
		    (!v->nreasons || strcmp(v->reasons[0], why)))
			return false;
	}
	return true;
}

void ttm_verdicts_compute(struct ttm_results *r)
{
	struct ttm_verdicts *vs = &r->verdicts;
	const struct ttm_syscall_verdict *first_inconclusive = NULL;
	char violated[TTM_MSG_LEN] = "";

	memset(vs, 0, sizeof(*vs));
	vs->overall = TTM_VERDICT_HOLDS;
	for (int i = 0; i < r->params.nsyscalls; i++) {
		struct ttm_syscall_verdict *v = &vs->sc[vs->nsc++];

		v->syscall = r->params.syscalls[i];
		compute_one(r, v);

		if (v->verdict == TTM_VERDICT_VIOLATED) {
			vs->overall = TTM_VERDICT_VIOLATED;
			snprintf(violated + strlen(violated), sizeof(violated) - strlen(violated),
				 "%s%s", violated[0] ? ", " : "", ttm_syscall_name(v->syscall));
		} else if (v->verdict == TTM_VERDICT_INCONCLUSIVE) {
			if (vs->overall == TTM_VERDICT_HOLDS)
				vs->overall = TTM_VERDICT_INCONCLUSIVE;
			if (!first_inconclusive)
				first_inconclusive = v;
		}
	}

	if (vs->nsc == 0) {
		vs->overall = TTM_VERDICT_INCONCLUSIVE;
		snprintf(vs->overall_reason, sizeof(vs->overall_reason), "no syscall was measured");
	} else if (vs->overall == TTM_VERDICT_VIOLATED) {
		snprintf(vs->overall_reason, sizeof(vs->overall_reason),
			 "the native penalty's CI lies outside the margin, or an ia32 kprobe fired "
			 "on native calls, for: %s", violated);
	} else if (vs->overall == TTM_VERDICT_INCONCLUSIVE) {
		const char *why = first_inconclusive->nreasons ? first_inconclusive->reasons[0] :
								 "unknown";

		if (same_first_reason(vs, why))
			snprintf(vs->overall_reason, sizeof(vs->overall_reason), "%s", why);
		else
			snprintf(vs->overall_reason, sizeof(vs->overall_reason), "%s: %.490s",
				 ttm_syscall_name(first_inconclusive->syscall), why);
	} else {
		snprintf(vs->overall_reason, sizeof(vs->overall_reason),
			 "for every syscall the native penalty's CI lies inside the margin and no "
			 "ia32 kprobe fired on a native call");
	}

	if (timing_emulated(r)) {
		size_t len = strlen(vs->overall_reason);

		snprintf(vs->overall_reason + len, sizeof(vs->overall_reason) - len,
			 " (timing is emulated: the penalties are not evidence about hardware, "
			 "the event counts and run_cnt are)");
	}
}
