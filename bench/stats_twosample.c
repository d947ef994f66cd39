// SPDX-License-Identifier: GPL-2.0
/*
 * Hodges-Lehmann two-sample shift with the Mann-Whitney (Wilcoxon rank-sum)
 * confidence interval. The interval rule is the one of R's
 * wilcox.test(x, y, conf.int = TRUE) in the exact case: the k-th smallest and
 * k-th largest of the m * n pairwise differences, with k from the U quantile.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "bench/stats_twosample.h"

static const char exact_method[] = "mann-whitney exact";
static const char normal_method[] = "mann-whitney normal approximation";

static bool use_exact(size_t m, size_t n)
{
	return m <= TTM_MANN_WHITNEY_EXACT_MAX && n <= TTM_MANN_WHITNEY_EXACT_MAX;
}

/*
 * Number of ways to pick m ranks out of 1..m+n, per value of
 * U = rank sum - m(m+1)/2, for U = 0..m*n. Built rank by rank, so every
 * step only adds non-negative counts.
 */
static double *rank_sum_counts(size_t m, size_t n)
{
	size_t total = m + n, max_u = m * n, width = max_u + 1;
	size_t max_sum = m * n + m * (m + 1) / 2;
	double *ways = calloc((m + 1) * (max_sum + 1), sizeof(*ways));
	double *u_counts = calloc(width, sizeof(*u_counts));

	if (!ways || !u_counts) {
		free(ways);
		free(u_counts);
		return NULL;
	}

	/* ways[k * (max_sum + 1) + s]: subsets of k ranks with sum s. */
	ways[0] = 1;
	for (size_t r = 1; r <= total; r++) {
		size_t top = r < m ? r : m;

		for (size_t k = top; k >= 1; k--) {
			double *row = ways + k * (max_sum + 1);
			const double *prev = ways + (k - 1) * (max_sum + 1);

			for (size_t s = max_sum; s >= r; s--)
				row[s] += prev[s - r];
		}
	}

	for (size_t u = 0; u <= max_u; u++)
		u_counts[u] = ways[m * (max_sum + 1) + u + m * (m + 1) / 2];
	free(ways);
	return u_counts;
}

static double mann_whitney_sd(size_t m, size_t n)
{
	return sqrt(m * n * (m + n + 1.0) / 12.0);
}

double ttm_mann_whitney_cdf(long u, size_t m, size_t n)
{
	long max_u = (long)(m * n);
	double *counts, below = 0, all = 0;

	if (u < 0)
		return 0;
	if (u >= max_u)
		return 1;
	if (!use_exact(m, n))
		return gsl_cdf_ugaussian_P((u + 0.5 - max_u / 2.0) / mann_whitney_sd(m, n));

	counts = rank_sum_counts(m, n);
	if (!counts)
		return NAN;
	for (long v = 0; v <= max_u; v++) {
		all += counts[v];
		if (v <= u)
			below += counts[v];
	}
	free(counts);
	return below / all;
}

long ttm_mann_whitney_quantile(double p, size_t m, size_t n)
{
	long max_u = (long)(m * n);
	double *counts, all = 0, below = 0;

	if (!use_exact(m, n)) {
		/* Inverse of the continuity-corrected normal cdf above. */
		double u = max_u / 2.0 - 0.5 + gsl_cdf_ugaussian_Pinv(p) * mann_whitney_sd(m, n);
		long q = (long)ceil(u);

		if (q < 0)
			return 0;
		return q > max_u ? max_u : q;
	}

	counts = rank_sum_counts(m, n);
	if (!counts)
		return -ENOMEM;
	for (long v = 0; v <= max_u; v++)
		all += counts[v];
	for (long v = 0; v <= max_u; v++) {
		below += counts[v];
		if (below / all >= p) {
			free(counts);
			return v;
		}
	}
	free(counts);
	return max_u;
}

int ttm_shift_estimate(const double *base, size_t n_base, const double *new, size_t n_new,
		       struct ttm_shift *out)
{
	size_t count = n_base * n_new, d = 0;
	double *diffs;
	long q;

	out->n_base = n_base;
	out->n_new = n_new;
	out->estimate = NAN;
	out->ci = (struct ttm_interval){
		.method = use_exact(n_base, n_new) ? exact_method : normal_method,
	};
	if (!n_base || !n_new)
		return -EINVAL;

	diffs = malloc(count * sizeof(*diffs));
	if (!diffs)
		return -ENOMEM;
	for (size_t i = 0; i < n_base; i++)
		for (size_t j = 0; j < n_new; j++)
			diffs[d++] = new[j] - base[i];
	gsl_sort(diffs, 1, count);
	out->estimate = gsl_stats_median_from_sorted_data(diffs, 1, count);

	/*
	 * NOTE: the exact distribution assumes no ties between the samples.
	 * Timings in fractions of a nanosecond rarely tie; when they do, the
	 * achieved level is approximate.
	 */
	q = ttm_mann_whitney_quantile((1.0 - TTM_CONF_LEVEL) / 2.0, n_base, n_new);
	if (q < 0) {
		free(diffs);
		return (int)q;
	}
	if (q < 1)
		q = 1;
	out->ci.valid = true;
	out->ci.lower = diffs[q - 1];
	out->ci.upper = diffs[count - q];
	out->ci.level = 1.0 - 2.0 * ttm_mann_whitney_cdf(q - 1, n_base, n_new);
	out->ci.below_target = out->ci.level < TTM_CONF_LEVEL;
	free(diffs);
	return 0;
}
