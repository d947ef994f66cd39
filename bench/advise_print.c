// SPDX-License-Identifier: GPL-2.0
/* The text `ttmbench advise` prints: the rate point, the table of ratios and the advice. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/sweep.h"
#include "bench/sweep_advise.h"

static void print_rate_point(FILE *f, const struct ttm_advise_request *req,
			     const struct ttm_advice *a)
{
	double allowed_ns = req->budget_pct / 100 * 1e9 / req->rate;

	if (!strcmp(a->rate_label, "max"))
		fprintf(f, "rate point used: max (back to back; nothing attached reached %.0f "
			   "calls/s, the probed points fewer): %s\n", a->rate_point, a->rate_reason);
	else if (!strcmp(a->rate_label, "peak"))
		fprintf(f, "rate point used: peak (paced at %.0f calls/s): %s\n", a->rate_point,
			a->rate_reason);
	else
		fprintf(f, "rate point used: %s calls/s: %s\n", a->rate_label, a->rate_reason);
	fprintf(f, "budget: %.4g %% of one CPU at %.0f calls/s allows %.1f ns added per call\n\n",
		req->budget_pct, req->rate, allowed_ns);
}

static void print_table(FILE *f, const struct ttm_advice *a)
{
	fprintf(f, "%6s %24s %12s %10s %10s %6s\n", "ratio", "added ns/call (CI upper)",
		"vs ratio 1", "CPU (%)", "kept", "fits");
	for (int r = 0; r < a->nrows; r++) {
		const struct ttm_advise_row *row = &a->rows[r];
		char added[48], vs1[24], kept[16];

		if (row->ci_valid)
			snprintf(added, sizeof(added), "%+.1f (%+.1f)", row->added_ns,
				 row->added_ns_upper);
		else
			snprintf(added, sizeof(added), "%+.1f (n/a)", row->added_ns);
		if (row->vs_ratio1_valid)
			snprintf(vs1, sizeof(vs1), "%+.1f", row->vs_ratio1_ns);
		else
			snprintf(vs1, sizeof(vs1), "-");
		if (row->kept_valid)
			snprintf(kept, sizeof(kept), "%.2f %%", row->kept_fraction * 100);
		else
			snprintf(kept, sizeof(kept), "n/a");
		fprintf(f, "%6u %24s %12s %10.3f %10s %6s\n", row->ratio, added, vs1, row->cpu_pct,
			kept, row->fits ? "yes" : "no");
	}
	fprintf(f, "\n");
}

static void print_unmeasured(FILE *f, const struct ttm_advice *a)
{
	if (!a->nunmeasured)
		return;
	fprintf(f, "no measured point at this rate point for");
	for (int i = 0; i < a->nunmeasured; i++)
		fprintf(f, "%s ratio %u (%s)", i ? "," : "", a->unmeasured[i].ratio,
			a->unmeasured[i].status);
	fprintf(f, ": the advice only considers the measured ratios\n");
}

/* Runs that fell behind their pace went partly back to back, so their cost is not the rate's. */
static void print_behind(FILE *f, const struct ttm_advice *a)
{
	double lowest = 1;
	int n = 0;

	for (int r = 0; r < a->nrows; r++) {
		if (!a->rows[r].reps_behind)
			continue;
		n++;
		if (a->rows[r].lowest_call_share < lowest)
			lowest = a->rows[r].lowest_call_share;
	}
	if (!n)
		return;

	fprintf(f, "caution: runs fell behind their pace at");
	for (int r = 0, shown = 0; r < a->nrows; r++) {
		if (!a->rows[r].reps_behind)
			continue;
		fprintf(f, "%s ratio %u (%d of its runs)", shown++ ? "," : "", a->rows[r].ratio,
			a->rows[r].reps_behind);
	}
	fprintf(f, "; the worst issued %.1f %% of its planned calls, so these costs mix paced and "
		   "back-to-back calls: rerun the sweep on a quieter machine\n", 100 * lowest);
}

/*
 * Sampling removes the event build and submit but not the hook and the
 * program up to its sampling check, so the added cost falls roughly as
 * floor + k / R. Fitted through ratio 1 and the cheapest ratio, the floor
 * shows whether ratios above the cheapest could fit at all. Returns NAN
 * when the sweep has no ratio 1 row or the cheapest is ratio 1.
 */
static double estimated_floor_ns(const struct ttm_advice *a)
{
	const struct ttm_advise_row *c = &a->rows[a->cheapest];

	for (int r = 0; r < a->nrows; r++) {
		const struct ttm_advise_row *ratio1 = &a->rows[r];

		if (ratio1->ratio == 1 && c->ratio > 1)
			return ratio1->added_ns - (ratio1->added_ns - c->added_ns) / (1 - 1.0 / c->ratio);
	}
	return NAN;
}

static void print_no_fit(FILE *f, const struct ttm_advise_request *req,
			 const struct ttm_advice *a)
{
	const struct ttm_advise_row *c = &a->rows[a->cheapest];
	double allowed_ns = req->budget_pct / 100 * 1e9 / req->rate;
	double floor_ns = estimated_floor_ns(a);
	bool highest = a->cheapest == a->nrows - 1;

	fprintf(f, "no sampling ratio fits: the cheapest measured, ratio %u, adds %.1f ns per "
		   "call, %.3f %% of one CPU at %.0f calls/s, above the budget of %.4g %%\n",
		c->ratio, c->added_ns, c->cpu_pct, req->rate, req->budget_pct);
	if (!highest || c->ratio >= TTM_SAMPLING_RATIO_MAX) {
		fprintf(f, "to fit: raise --budget or lower the rate\n");
		return;
	}
	if (!isnan(floor_ns) && floor_ns > allowed_ns) {
		fprintf(f, "to fit: raise --budget or lower the rate; higher ratios would not do: "
			   "the part sampling cannot remove is about %.1f ns per call (fitted through "
			   "ratios 1 and %u), above the %.1f ns allowed\n",
			floor_ns, c->ratio, allowed_ns);
		return;
	}
	fprintf(f, "to fit: raise --budget, lower the rate, or sweep ratios above %u "
		   "(ttmbench sweep --sampling takes up to %d)\n",
		c->ratio, TTM_SAMPLING_RATIO_MAX);
}

static void print_choice(FILE *f, const struct ttm_advise_request *req,
			 const struct ttm_advise_row *c)
{
	fprintf(f, "advice: sampling ratio %u (keeps 1/%u of the events", c->ratio, c->ratio);
	if (c->kept_valid)
		fprintf(f, ", %.2f %% measured", c->kept_fraction * 100);
	fprintf(f, "): %+.1f ns per call x %.0f calls/s = %.3f %% of one CPU, within %.4g %%\n",
		c->added_ns, req->rate, c->cpu_pct, req->budget_pct);
	if (c->ci_valid && c->cpu_pct_upper > req->budget_pct)
		fprintf(f, "caution: at the upper end of its CI (%+.1f ns) the cost would be %.3f "
			   "%% of one CPU, above the budget\n",
			c->added_ns_upper, c->cpu_pct_upper);
}

/*
 * The consumer polls every 1 ms (TTM_POLL_INTERVAL_MS in probes/consumer.c)
 * whether or not events wait, so its CPU time hardly moves with the call rate
 * and is printed as measured rather than scaled to --rate.
 * NOTE: at hundreds of thousands of events per second its per-event work
 * starts to count, and a share measured at a lower rate point understates it.
 */
static void print_consumer(FILE *f, const struct ttm_advise_row *row)
{
	if (!row->consumer_valid) {
		fprintf(f, "not in the budget: the ring-buffer consumer thread's CPU time, not "
			   "measured at ratio %u in this sweep\n", row->ratio);
		return;
	}
	fprintf(f, "not in the budget: the ring-buffer consumer thread used %.2f %% of one CPU "
		   "at ratio %u, measured at %.0f calls/s\n",
		row->consumer_cpu_pct, row->ratio, row->calls_per_s);
	fprintf(f, "  it is not scaled to --rate, because its wake-ups every 1 ms, not the events, "
		   "dominate its cost\n");
}

void ttm_advice_print(FILE *f, const struct ttm_advise_request *req, const struct ttm_advice *a)
{
	print_rate_point(f, req, a);
	print_table(f, a);
	print_unmeasured(f, a);
	print_behind(f, a);

	if (a->choice < 0) {
		print_no_fit(f, req, a);
		print_consumer(f, &a->rows[a->cheapest]);
		return;
	}
	print_choice(f, req, &a->rows[a->choice]);
	print_consumer(f, &a->rows[a->choice]);
}
