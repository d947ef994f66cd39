/* SPDX-License-Identifier: GPL-2.0 */
/* Distribution-free statistics for repeated ns/op measurements. */
#ifndef TTM_STATS_H
#define TTM_STATS_H

#include <stdbool.h>
#include <stddef.h>

#define TTM_CONF_LEVEL 0.95
#define TTM_POWER 0.80

/* Above this many pairs the Wilcoxon interval uses the normal approximation. */
#define TTM_WILCOXON_EXACT_MAX 25

struct ttm_interval {
	bool valid; /* false when n is 0 */
	double lower;
	double upper;
	double level; /* coverage achieved */
	bool below_target; /* level < TTM_CONF_LEVEL: the best attainable with this n */
	const char *method;
};

/*
 * Lowest coverage at which an interval is shown or written. Below it, e.g.
 * [x, x] at 0 % from one repetition, the bounds would pass a point for an interval.
 */
#define TTM_CI_MIN_SHOWN_LEVEL 0.5

/* Whether ci, computed from n values or pairs, is an interval worth showing. */
static inline bool ttm_interval_shown(const struct ttm_interval *ci, size_t n)
{
	return ci->valid && n >= 2 && ci->level >= TTM_CI_MIN_SHOWN_LEVEL - 1e-9;
}

struct ttm_median_summary {
	size_t n;
	double median;
	double min;
	double max;
	struct ttm_interval ci;
};

struct ttm_paired_diff {
	size_t n;
	double median_a;
	double median_b;
	double estimate; /* Hodges-Lehmann: median of the Walsh averages */
	struct ttm_interval ci; /* Wilcoxon signed-rank */
	bool mde_valid;
	double mde; /* minimum detectable effect, an approximation */
};

/* Median of x (n > 0); x is not modified. */
double ttm_median(const double *x, size_t n);

/*
 * Summarize x: median, extremes, and the order-statistics CI of the median
 * (largest k with P(k <= B <= n-k) >= 95 % for B ~ Binomial(n, 1/2)).
 */
int ttm_median_summary(const double *x, size_t n, struct ttm_median_summary *out);

/* Index k (1-based) and achieved level of the order-statistics CI [x(k), x(n-k+1)]. */
size_t ttm_median_ci_rank(size_t n, double *level);

/* P(T+ <= t) for the Wilcoxon signed-rank statistic of n untied, non-zero differences. */
double ttm_signrank_cdf(long t, size_t n);

/* Smallest t with P(T+ <= t) >= p (R's qsignrank). */
long ttm_signrank_quantile(double p, size_t n);

/* Compare a[i] - b[i] for i < n: Hodges-Lehmann estimate, Wilcoxon CI and MDE. */
int ttm_paired_diff(const double *a, const double *b, size_t n, struct ttm_paired_diff *out);

/* (z_{1-alpha/2} + z_{power}) * sd / sqrt(n); false when n < 2. */
bool ttm_mde(const double *d, size_t n, double *out);

#endif /* TTM_STATS_H */
