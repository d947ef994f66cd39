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
	bool ci_valid; /* a CI from 2 or more pairs at a level of at least 50 % */
	double added_ns_upper; /* upper end of its Wilcoxon CI, NAN unless ci_valid */
	bool vs_ratio1_valid;
	double vs_ratio1_ns; /* this ratio minus ratio 1 */
	double cpu_pct; /* added_ns x rate, in percent of one CPU */
	double cpu_pct_upper; /* added_ns_upper x rate, NAN unless ci_valid */
	bool kept_valid;
	double kept_fraction;
	double calls_per_s; /* median calls/s this point reached */
	bool consumer_valid;
	double consumer_cpu_pct; /* consumer thread CPU time / elapsed time of the calls, measured */
	bool fits;
	int reps_behind; /* runs of this point that fell behind their pace (paced points) */
	double lowest_call_share; /* lowest calls issued / planned over those runs */
};

/* A ratio of the sweep with no usable point at the chosen rate point. */
struct ttm_advise_unmeasured {
	uint32_t ratio;
	char status[16]; /* the point's status: "failed", "skipped", "not_run" ... */
};

struct ttm_advice {
	char rate_label[32]; /* the rate point used: "10000", "peak" or "max" */
	double rate_point; /* its calls/s: the rate, the pace at peak, the median reached at max */
	char rate_reason[256]; /* why this rate point */
	int nrows;
	struct ttm_advise_row rows[TTM_ADVISE_MAX_ROWS]; /* ascending ratio */
	int choice; /* index into rows, -1 when no ratio fits */
	int cheapest; /* index into rows of the lowest CPU share */
	int nunmeasured;
	struct ttm_advise_unmeasured unmeasured[TTM_ADVISE_MAX_ROWS]; /* ascending ratio */
};

/*
 * Load dir/sweep.json (or the file itself when path is a file) and check its
 * schema, version and structure, and that the sweep ran to completion.
 * Returns 0, or -EINVAL with a message in err naming path and the fix.
 */
int ttm_advise_load(const char *path, json_t **out, char *err, size_t err_len);

/*
 * Find the newest <root>/<...>-sweep folder whose sweep.json loads and is
 * complete. Newer folders passed over are listed in skipped, one line each
 * naming the folder and why ("" when none). Folders without sweep.json are
 * passed over silently, because a sweep that is still running has none yet.
 * Returns 0, or -ENOENT with a message in err.
 */
int ttm_advise_newest_sweep(const char *root, char *out, size_t len, char *skipped,
			    size_t skipped_len, char *err, size_t err_len);

/*
 * Check the request alone: budget and rate in range, known configuration,
 * syscall and mode names. Returns 0 or -EINVAL with a message in err.
 */
int ttm_advise_check_request(const struct ttm_advise_request *req, char *err, size_t err_len);

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
