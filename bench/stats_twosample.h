/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two independent samples (a baseline run and a new run): the Hodges-Lehmann
 * shift estimate and its Mann-Whitney confidence interval.
 */
#ifndef TTM_STATS_TWOSAMPLE_H
#define TTM_STATS_TWOSAMPLE_H

#include <stddef.h>

#include "bench/stats.h"

/* Up to this many values per sample the interval uses the exact U distribution. */
#define TTM_MANN_WHITNEY_EXACT_MAX 50

struct ttm_shift {
	size_t n_base;
	size_t n_new;
	double estimate; /* Hodges-Lehmann: median of every new[j] - base[i] */
	struct ttm_interval ci; /* Mann-Whitney interval of the shift */
};

/* P(U <= u) for the Mann-Whitney U statistic of samples of m and n untied values. */
double ttm_mann_whitney_cdf(long u, size_t m, size_t n);

/* Smallest u with P(U <= u) >= p (R's qwilcox). */
long ttm_mann_whitney_quantile(double p, size_t m, size_t n);

/*
 * Estimate the shift new - base: the Hodges-Lehmann estimate and the interval
 * [D(k), D(mn-k+1)] of the sorted pairwise differences D, with the largest k
 * whose coverage is >= TTM_CONF_LEVEL (k = 1, the full range, when no k reaches
 * it; ci.below_target is then set). Returns 0, -EINVAL for an empty sample or
 * -ENOMEM.
 */
int ttm_shift_estimate(const double *base, size_t n_base, const double *new, size_t n_new,
		       struct ttm_shift *out);

#endif /* TTM_STATS_TWOSAMPLE_H */
