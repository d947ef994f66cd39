/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `ttmbench advise`: the lowest sampling ratio whose measured added cost per
 * call, at the caller's rate, stays within a CPU budget. Works on sweep.json
 * only, so the tests run it on fixed files.
 */
#ifndef TTM_SWEEP_ADVISE_H
#define TTM_SWEEP_ADVISE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#define TTM_ADVISE_MAX_ROWS 8

struct ttm_advise_request {
	double budget_pct; /* of one CPU, (0, 100] */
	double rate; /* calls per second, > 0 */
	const char *config; /* "tp" ... */
	const char *syscall; /* "openat" ... */
	const char *mode; /* "native" ... */
};

/* One sampling ratio at the chosen rate point. */
struct ttm_advise_row {
	uint32_t ratio;
	double added_ns; /* Hodges-Lehmann estimate, this ratio minus nothing attached */
	bool ci_valid;
	double added_ns_upper; /* upper end of its Wilcoxon CI */
	bool vs_ratio1_valid;
	double vs_ratio1_ns; /* this ratio minus ratio 1 */
	double cpu_pct; /* added_ns x rate, in percent of one CPU */
	double cpu_pct_upper;
	bool kept_valid;
	double kept_fraction;
	bool consumer_valid;
	double consumer_cpu_pct; /* consumer thread CPU per call x rate, not in the budget */
	bool fits;
};

struct ttm_advice {
	char rate_label[32]; /* the rate point used: "10000", "peak" or "max" */
	double rate_point; /* its calls/s: the rate, the pace at peak, the median reached at max */
	char rate_reason[256]; /* why this rate point */
	int nrows;
	struct ttm_advise_row rows[TTM_ADVISE_MAX_ROWS]; /* ascending ratio */
	int choice; /* index into rows, -1 when no ratio fits */
};

/*
 * Load dir/sweep.json (or the file itself when path is a file) and check its
 * schema and version. Returns 0, or -EINVAL with a message in err.
 */
int ttm_advise_load(const char *path, json_t **out, char *err, size_t err_len);

/* The newest results/<...>-sweep folder holding a sweep.json; -ENOENT with a message if none. */
int ttm_advise_newest_sweep(const char *root, char *out, size_t len, char *err, size_t err_len);

/*
 * Compute the advice. Returns 0 (advice->choice is -1 when no ratio fits) or
 * -EINVAL with a message in err naming the value and the fix: request values
 * out of range, names unknown or not measured in this sweep.
 */
int ttm_advise(json_t *sweep, const struct ttm_advise_request *req, struct ttm_advice *advice,
	       char *err, size_t err_len);

/* The table of ratios and the choice, or why nothing fits. */
void ttm_advice_print(FILE *f, const struct ttm_advise_request *req,
		      const struct ttm_advice *advice);

#endif /* TTM_SWEEP_ADVISE_H */
