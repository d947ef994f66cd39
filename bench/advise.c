// SPDX-License-Identifier: GPL-2.0
/*
 * ttmbench advise: read a complete sweep, pick the rate point for the
 * caller's rate and, at that point, the lowest sampling ratio (most events
 * kept) whose added cost per call times the rate fits the CPU budget. Only
 * measured points are used: no interpolation between ratios or rates.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/results.h"
#include "bench/sweep.h"
#include "bench/sweep_advise.h"

static bool name_listed(json_t *params, const char *key, const char *name)
{
	size_t i;
	json_t *v;

	json_array_foreach(json_object_get(params, key), i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), name))
			return true;
	return false;
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* The rate label of a point: "10000" for a number, else the string ("peak", "max"). */
static void point_label(json_t *pt, char *buf, size_t len)
{
	json_t *rate = json_object_get(pt, "rate");

	if (json_is_number(rate))
		snprintf(buf, len, "%.0f", json_number_value(rate));
	else
		snprintf(buf, len, "%s", json_is_string(rate) ? json_string_value(rate) : "");
}

/* Calls per second of a point: its rate, the pace of a peak point, or the median reached at max. */
static double point_calls_per_s(json_t *pt)
{
	json_t *rate = json_object_get(pt, "rate"), *paced = json_object_get(pt, "paced_rate");

	if (json_is_number(rate))
		return json_number_value(rate);
	if (json_is_number(paced))
		return json_number_value(paced);
	return json_number_value(json_object_get(pt, "achieved_rate_median"));
}

/* Whether pt is of this configuration and the request's syscall and mode, whatever its status. */
static bool point_of(json_t *pt, const struct ttm_advise_request *req, const char *config)
{
	return !strcmp(str(pt, "config"), config) && !strcmp(str(pt, "syscall"), req->syscall) &&
	       !strcmp(str(pt, "mode"), req->mode);
}

static bool point_ok(json_t *pt)
{
	return !strcmp(str(pt, "status"), "ok");
}

struct rate_point {
	char label[32];
	double effective; /* ops/s: the rate, the pace at peak, or the achieved median at max */
};

/* The measured rate points of the baseline. */
static int collect_rates(json_t *points, const struct ttm_advise_request *req,
			 struct rate_point *rates, int max)
{
	size_t i;
	json_t *pt;
	int n = 0;

	json_array_foreach(points, i, pt) {
		if (!point_of(pt, req, "none") || !point_ok(pt) || n == max)
			continue;
		point_label(pt, rates[n].label, sizeof(rates[n].label));
		rates[n].effective = point_calls_per_s(pt);
		n++;
	}
	return n;
}

/*
 * Choose the highest measured rate not above the request, because per-call
 * costs measured at a lower rate ran on colder caches and do not understate
 * the cost. Below every measured rate the lowest point is used, above every
 * one the highest, and rate_reason records which case applied.
 */
static void choose_rate(const struct rate_point *rates, int n, double want,
			struct ttm_advice *a)
{
	int below = -1, lowest = 0, highest = 0;

	for (int i = 0; i < n; i++) {
		if (rates[i].effective <= want &&
		    (below < 0 || rates[i].effective > rates[below].effective))
			below = i;
		if (rates[i].effective < rates[lowest].effective)
			lowest = i;
		if (rates[i].effective > rates[highest].effective)
			highest = i;
	}

	if (below == highest && rates[highest].effective < want)
		below = -2;
	if (below >= 0) {
		snprintf(a->rate_reason, sizeof(a->rate_reason),
			 "the highest measured rate not above %.0f calls/s", want);
	} else if (below == -1) {
		below = lowest;
		snprintf(a->rate_reason, sizeof(a->rate_reason),
			 "%.0f calls/s is below every measured rate: the lowest one is used", want);
	} else {
		below = highest;
		snprintf(a->rate_reason, sizeof(a->rate_reason),
			 "%.0f calls/s is above every measured rate (the highest, %s, ran at %.0f "
			 "calls/s on one thread): it is used, nothing is extrapolated",
			 want, rates[highest].label, rates[highest].effective);
	}
	snprintf(a->rate_label, sizeof(a->rate_label), "%s", rates[below].label);
	a->rate_point = rates[below].effective;
}

/*
 * Whether a paired difference has a CI worth reading, by the rule of
 * ttm_interval_shown: from one repetition the sweep writes [x, x] at level 0,
 * which is a point, not an interval.
 */
static bool diff_ci_shown(json_t *diff)
{
	json_t *ci = json_object_get(diff, "ci");

	return json_is_object(ci) && json_integer_value(json_object_get(diff, "n")) >= 2 &&
	       json_number_value(json_object_get(ci, "level")) >= TTM_CI_MIN_SHOWN_LEVEL - 1e-9;
}

static void fill_row(json_t *pt, const struct ttm_advise_request *req, double rate_point,
		     struct ttm_advise_row *row)
{
	json_t *vs_none = json_object_get(pt, "added_ns_vs_none");
	json_t *vs_ratio1 = json_object_get(pt, "added_ns_vs_ratio1");
	json_t *kept = json_object_get(pt, "kept");
	json_t *reached = json_object_get(pt, "achieved_rate_median");
	json_t *consumer = json_object_get(json_object_get(pt, "cpu"), "consumer_cpu_pct");
	json_t *behind = json_object_get(pt, "behind_schedule");
	double to_pct = req->rate / 1e9 * 100;

	row->ratio = json_integer_value(json_object_get(pt, "sampling_ratio"));
	row->added_ns = json_number_value(json_object_get(vs_none, "estimate_ns"));
	row->ci_valid = diff_ci_shown(vs_none);
	row->added_ns_upper =
		row->ci_valid ?
			json_number_value(json_object_get(json_object_get(vs_none, "ci"), "upper")) :
			NAN;
	row->vs_ratio1_valid = json_is_object(vs_ratio1);
	if (row->vs_ratio1_valid)
		row->vs_ratio1_ns = json_number_value(json_object_get(vs_ratio1, "estimate_ns"));
	row->cpu_pct = row->added_ns * to_pct;
	row->cpu_pct_upper = row->added_ns_upper * to_pct;
	row->kept_valid = json_is_object(kept);
	if (row->kept_valid)
		row->kept_fraction = json_number_value(json_object_get(kept, "fraction"));
	row->calls_per_s = json_is_number(reached) ? json_number_value(reached) : rate_point;
	row->consumer_valid = json_is_number(consumer);
	if (row->consumer_valid)
		row->consumer_cpu_pct = json_number_value(consumer);
	row->fits = row->cpu_pct <= req->budget_pct;
	row->reps_behind = json_integer_value(json_object_get(behind, "reps"));
	row->lowest_call_share = json_number_value(json_object_get(behind, "lowest_call_share"));
}

int ttm_advise_check_request(const struct ttm_advise_request *req, char *err, size_t err_len)
{
	if (!(req->budget_pct > 0 && req->budget_pct <= 100)) {
		snprintf(err, err_len, "invalid --budget %g: give a percentage of one CPU above 0 "
				       "and at most 100, e.g. 2", req->budget_pct);
		return -EINVAL;
	}
	if (!(req->rate > 0) || !isfinite(req->rate)) {
		snprintf(err, err_len, "invalid --rate %g: give calls per second above 0, e.g. "
				       "50000", req->rate);
		return -EINVAL;
	}
	if (ttm_config_from_name(req->config) < 0 || !strcmp(req->config, "none")) {
		snprintf(err, err_len, "invalid --config '%s': use tp, kprobe, full or an ia32 "
				       "design (rawtp, tp+rawtp, tp_btf, tp+tp_btf, fentry, "
				       "tp+fentry); none samples nothing", req->config);
		return -EINVAL;
	}
	if (ttm_syscall_from_name(req->syscall) < 0) {
		snprintf(err, err_len, "unknown --syscall '%s': use connect, creat, open, openat "
				       "or openat2", req->syscall);
		return -EINVAL;
	}
	if (ttm_mode_from_name(req->mode) < 0) {
		snprintf(err, err_len, "unknown --mode '%s': use native, ia32 or ia32-int80",
			 req->mode);
		return -EINVAL;
	}
	return 0;
}

/* Check that the sweep measured the requested configuration, syscall and mode. */
static int check_measured(json_t *sweep, const struct ttm_advise_request *req, char *err,
			  size_t err_len)
{
	json_t *params = json_object_get(sweep, "parameters");

	if (!name_listed(params, "configs", req->config)) {
		snprintf(err, err_len, "configuration '%s' was not measured in this sweep: pick "
				       "one from its parameters.configs, or run ttmbench sweep "
				       "--configs %s", req->config, req->config);
		return -EINVAL;
	}
	if (!name_listed(params, "syscalls", req->syscall)) {
		snprintf(err, err_len, "syscall '%s' was not measured in this sweep: pick one "
				       "from its parameters.syscalls, or run ttmbench sweep "
				       "--syscalls %s", req->syscall, req->syscall);
		return -EINVAL;
	}
	if (!name_listed(params, "modes", req->mode)) {
		snprintf(err, err_len, "mode '%s' was not measured in this sweep: run ttmbench "
				       "sweep --modes %s", req->mode, req->mode);
		return -EINVAL;
	}
	return 0;
}

static int compare_rows(const void *x, const void *y)
{
	const struct ttm_advise_row *a = x, *b = y;

	return (a->ratio > b->ratio) - (a->ratio < b->ratio);
}

static int compare_unmeasured(const void *x, const void *y)
{
	const struct ttm_advise_unmeasured *a = x, *b = y;

	return (a->ratio > b->ratio) - (a->ratio < b->ratio);
}

/*
 * Sort the points of the configuration at the chosen rate point into rows
 * (status ok, with an added cost) and unmeasured ratios (any other status).
 */
static void collect_rows(json_t *points, const struct ttm_advise_request *req,
			 struct ttm_advice *a)
{
	size_t i;
	json_t *pt;

	json_array_foreach(points, i, pt) {
		struct ttm_advise_unmeasured *u;
		char label[32];

		point_label(pt, label, sizeof(label));
		if (!point_of(pt, req, req->config) || strcmp(label, a->rate_label))
			continue;
		if (point_ok(pt) && json_is_object(json_object_get(pt, "added_ns_vs_none"))) {
			if (a->nrows < TTM_ADVISE_MAX_ROWS)
				fill_row(pt, req, a->rate_point, &a->rows[a->nrows++]);
			continue;
		}
		if (a->nunmeasured == TTM_ADVISE_MAX_ROWS)
			continue;
		u = &a->unmeasured[a->nunmeasured++];
		u->ratio = json_integer_value(json_object_get(pt, "sampling_ratio"));
		snprintf(u->status, sizeof(u->status), "%s",
			 point_ok(pt) ? "no estimate" : str(pt, "status"));
	}

	/* Points are stored by ascending ratio, but do not rely on it. */
	qsort(a->rows, a->nrows, sizeof(a->rows[0]), compare_rows);
	qsort(a->unmeasured, a->nunmeasured, sizeof(a->unmeasured[0]), compare_unmeasured);
}

int ttm_advise(json_t *sweep, const struct ttm_advise_request *req, struct ttm_advice *a,
	       char *err, size_t err_len)
{
	json_t *points = json_object_get(sweep, "points");
	struct rate_point rates[TTM_SWEEP_MAX_RATES];
	int nrates, ret;

	memset(a, 0, sizeof(*a));
	a->choice = -1;
	ret = ttm_advise_check_request(req, err, err_len);
	if (!ret)
		ret = check_measured(sweep, req, err, err_len);
	if (ret)
		return ret;

	nrates = collect_rates(points, req, rates, TTM_SWEEP_MAX_RATES);
	if (!nrates) {
		snprintf(err, err_len, "this sweep has no measured baseline (none) for %s %s: "
				       "rerun ttmbench sweep", req->syscall, req->mode);
		return -EINVAL;
	}
	choose_rate(rates, nrates, req->rate, a);

	collect_rows(points, req, a);
	if (!a->nrows) {
		snprintf(err, err_len, "this sweep has no measured %s point for %s %s at rate %s: "
				       "rerun ttmbench sweep", req->config, req->syscall, req->mode,
			 a->rate_label);
		return -EINVAL;
	}

	for (int r = 0; r < a->nrows; r++) {
		if (a->choice < 0 && a->rows[r].fits)
			a->choice = r;
		if (a->rows[r].cpu_pct < a->rows[a->cheapest].cpu_pct)
			a->cheapest = r;
	}
	return 0;
}
