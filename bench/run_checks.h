/* SPDX-License-Identifier: GPL-2.0 */
/* Checks `ttmbench run` makes before it attaches anything, so bad input fails early. */
#ifndef TTM_RUN_CHECKS_H
#define TTM_RUN_CHECKS_H

#include "bench/results.h"

/*
 * Estimated bytes of results.json and report.md for a run of this size:
 * measured at about 3.4 KiB per repetition of a cell (quick preset, 40 cells
 * x 4 repetitions, 540 KB), rounded up to 4 KiB, plus 64 KiB.
 */
unsigned long long ttm_run_output_estimate(const struct ttm_run_params *params);

/*
 * Check that dir's file system has need bytes free. Returns 0, or -ENOSPC
 * (or the statvfs error) after printing a message that names dir and the sizes.
 */
int ttm_check_out_space(const char *command, const char *dir, unsigned long long need);

/*
 * Check that at least one requested configuration that attaches programs is
 * available, when any was requested. Returns 0, or -EOPNOTSUPP after
 * printing every requested configuration with the reason it cannot attach.
 */
int ttm_check_configs_attachable(const char *command, const struct ttm_results *results);

#endif /* TTM_RUN_CHECKS_H */
