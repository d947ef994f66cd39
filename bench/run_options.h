/* SPDX-License-Identifier: GPL-2.0 */
/* Command line of `ttmbench run`. */
#ifndef TTM_RUN_OPTIONS_H
#define TTM_RUN_OPTIONS_H

#include <limits.h>
#include <stdbool.h>

#include "bench/history.h"
#include "bench/results.h"

struct ttm_run_options {
	struct ttm_run_params params; /* effective values after the preset */
	char out_dir[PATH_MAX]; /* empty: results/<UTC timestamp>-<host> */
	bool quiet;
	bool verbose;
	bool ci; /* one summary line on stdout, exit status by fail_on */
	enum ttm_fail_on fail_on;
	char history[PATH_MAX]; /* empty: no history line is appended */
};

/*
 * Parse and check argv. Bad input prints a message naming the value and the
 * fix, and exits with status 2; nothing has been created or attached by then.
 */
void ttm_run_parse_options(int argc, char **argv, struct ttm_run_options *opts);

#endif /* TTM_RUN_OPTIONS_H */
