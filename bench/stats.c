// SPDX-License-Identifier: GPL-2.0
/*
 * Medians with order-statistics confidence intervals, and paired differences
 * with the Hodges-Lehmann estimate and the Wilcoxon signed-rank interval. The
 * interval rules follow R's wilcox.test(conf.int = TRUE) for the exact case.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "bench/stats.h"

static double *sorted_copy(const double *x, size_t n)
{
	double *s = malloc(n * sizeof(*s));

	if (!s)
		return NULL;
	memcpy(s, x, n * sizeof(*s));
	gsl_sort(s, 1, n);
	return s;
}

double ttm_median(const double *x, size_t n)
{
	double *s = sorted_copy(x, n);
	double m;

	if (!s)
		return NAN;
	m = gsl_stats_median_from_sorted_data(s, 1, n);
	free(s);
	return m;
}

size_t ttm_median_ci_rank(size_t n, double *level)
{
	size_t best = 1;

	*level = 1.0 - 2.0 * gsl_cdf_binomial_P(0, 0.5, n);
	for (size_t k = 2; k <= n / 2; k++) {
		double l = 1.0 - 2.0 * gsl_cdf_binomial_P(k - 1, 0.5, n);

		if (l < TTM_CONF_LEVEL)
			break;
		best = k;
		*level = l;
	}
	return best;
}

int ttm_median_summary(const double *x, size_t n, struct ttm_median_summary *out)
{
	double *s;
	size_t k;

	memset(out, 0, sizeof(*out));
	out->n = n;
	out->ci.method = "binomial order statistics";
	if (n == 0)
		return 0;

	s = sorted_copy(x, n);
	if (!s)
		return -ENOMEM;
	out->median = gsl_stats_median_from_sorted_data(s, 1, n);
	out->min = s[0];
	out->max = s[n - 1];

	k = ttm_median_ci_rank(n, &out->ci.level);
	out->ci.valid = true;
	out->ci.lower = s[k - 1];
	out->ci.upper = s[n - k];
	out->ci.below_target = out->ci.level < TTM_CONF_LEVEL;
	free(s);
	return 0;
}

/* Number of subsets of {1..n} per rank sum, for sums 0..n(n+1)/2. */
static double *signrank_counts(size_t n)
{
	size_t max_sum = n * (n + 1) / 2;
	double *c = calloc(max_sum + 1, sizeof(*c));

	if (!c)
		return NULL;
	c[0] = 1;
	for (size_t r = 1; r <= n; r++)
		for (size_t s = max_sum; s >= r; s--)
			c[s] += c[s - r];
	return c;
}

static double signrank_sd(size_t n)
{
	return sqrt(n * (n + 1.0) * (2.0 * n + 1.0) / 24.0);
}

double ttm_signrank_cdf(long t, size_t n)
{
	long max_sum = (long)(n * (n + 1) / 2);
	double *c, sum = 0;

	if (t < 0)
		return 0;
	if (t >= max_sum)
		return 1;
	if (n > TTM_WILCOXON_EXACT_MAX)
		return gsl_cdf_ugaussian_P((t + 0.5 - max_sum / 2.0) / signrank_sd(n));

	c = signrank_counts(n);
	if (!c)
		return NAN;
	for (long s = 0; s <= t; s++)
		sum += c[s];
	free(c);
	return sum / ldexp(1.0, (int)n);
}

long ttm_signrank_quantile(double p, size_t n)
{
	long max_sum = (long)(n * (n + 1) / 2);

	if (n > TTM_WILCOXON_EXACT_MAX) {
		/* Inverse of the continuity-corrected normal cdf above. */
		double t = max_sum / 2.0 - 0.5 + gsl_cdf_ugaussian_Pinv(p) * signrank_sd(n);
		long q = (long)ceil(t);

		if (q < 0)
			return 0;
		return q > max_sum ? max_sum : q;
	}

	for (long t = 0; t <= max_sum; t++)
		if (ttm_signrank_cdf(t, n) >= p)
			return t;
	return max_sum;
}

bool ttm_mde(const double *d, size_t n, double *out)
{
	double z;

	if (n < 2)
		return false;
	z = gsl_cdf_ugaussian_Pinv(1.0 - (1.0 - TTM_CONF_LEVEL) / 2.0) +
	    gsl_cdf_ugaussian_Pinv(TTM_POWER);
	*out = z * gsl_stats_sd(d, 1, n) / sqrt((double)n);
	return true;
}

/* Hodges-Lehmann estimate and Wilcoxon interval from the sorted Walsh averages. */
static int walsh_interval(const double *d, size_t n, struct ttm_paired_diff *out)
{
	size_t m = n * (n + 1) / 2, w = 0;
	double *walsh = malloc(m * sizeof(*walsh));
	long q;

	if (!walsh)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i; j < n; j++)
			walsh[w++] = (d[i] + d[j]) / 2.0;
	gsl_sort(walsh, 1, m);
	out->estimate = gsl_stats_median_from_sorted_data(walsh, 1, m);

	/*
	 * NOTE: the exact distribution assumes no zero or tied differences. With
	 * ns/op measured to fractions of a nanosecond ties are rare, and the
	 * interval is then slightly conservative or liberal, not wrong in kind.
	 */
	q = ttm_signrank_quantile((1.0 - TTM_CONF_LEVEL) / 2.0, n);
	if (q < 1)
		q = 1;
	out->ci.valid = true;
	out->ci.lower = walsh[q - 1];
	out->ci.upper = walsh[m - q];
	out->ci.level = 1.0 - 2.0 * ttm_signrank_cdf(q - 1, n);
	out->ci.below_target = out->ci.level < TTM_CONF_LEVEL;
	out->ci.method = n > TTM_WILCOXON_EXACT_MAX ? "wilcoxon signed-rank normal approximation" :
						      "wilcoxon signed-rank exact";
	free(walsh);
	return 0;
}

int ttm_paired_diff(const double *a, const double *b, size_t n, struct ttm_paired_diff *out)
{
	double *d;
	int err;

	memset(out, 0, sizeof(*out));
	out->n = n;
	out->ci.method = n > TTM_WILCOXON_EXACT_MAX ? "wilcoxon signed-rank normal approximation" :
						      "wilcoxon signed-rank exact";
	if (n == 0)
		return 0;

	d = malloc(n * sizeof(*d));
	if (!d)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		d[i] = a[i] - b[i];

	out->median_a = ttm_median(a, n);
	out->median_b = ttm_median(b, n);
	err = walsh_interval(d, n, out);
	out->mde_valid = ttm_mde(d, n, &out->mde);
	free(d);
	return err;
}
