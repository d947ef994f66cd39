/* SPDX-License-Identifier: GPL-2.0 */
/* `ttmbench validate`: positive and A/A controls of the measurement method. */
#ifndef TTM_VALIDATE_H
#define TTM_VALIDATE_H

#include <limits.h>
#include <stdbool.h>

#include "bench/results.h"

/* Positive control arms: calibration loop sizes; index 0 is the size-0 reference. */
#define TTM_VALIDATE_SIZES 3
/* Injected costs the two non-zero sizes aim for, in ns per run. */
#define TTM_VALIDATE_TARGETS { 250.0, 1000.0 }
/* A positive control passes when measured is within this fraction of expected. */
#define TTM_VALIDATE_TOLERANCE 0.10
#define TTM_VALIDATE_MAX_TRIALS 200

struct ttm_validate_options {
	int reps;
	int trials;
	double duration_s;
	int workload_cpu;
	char out_dir[PATH_MAX];
	bool quiet;
	bool verbose;
};

struct ttm_positive_result {
	__u32 loops;
	double target_ns;
	double expected_ns; /* median of ns/run(size) - ns/run(size 0) over repetitions */
	double expected_lower, expected_upper; /* min and max of that difference */
	struct ttm_paired_diff measured; /* ns/op(size) - ns/op(size 0), paired by repetition */
	double error_pct; /* (measured - expected) / expected * 100 */
	bool pass;
};

struct ttm_aa_result {
	int trials;
	int excluding_zero; /* trials whose CI excludes 0 */
	int allowed; /* at most this many may exclude 0 */
	double trial_level; /* CI level a trial achieves */
	double false_alarm_probability; /* P(more than allowed) if every trial has that level */
	struct ttm_paired_diff pooled; /* every trial's pairs together */
	struct ttm_paired_diff *per_trial;
	bool pass;
};

struct ttm_validate_result {
	struct ttm_validate_options opts;
	double ns_per_loop; /* from the sizing step */
	struct ttm_median_summary none_ns_per_op; /* nothing attached */
	struct ttm_median_summary size0_ns_per_op;
	struct ttm_median_summary size0_ns_per_run;
	struct ttm_paired_diff dispatch; /* size 0 minus none: tracepoint dispatch plus the empty program */
	struct ttm_positive_result positive[TTM_VALIDATE_SIZES - 1];
	struct ttm_aa_result aa;
	bool pass;
	char error[TTM_MSG_LEN];
};

json_t *ttm_validate_to_json(const struct ttm_validate_result *v, json_t *host,
			     json_t *capabilities);
void ttm_validate_print(FILE *f, const struct ttm_validate_result *v);
char *ttm_validate_markdown(const struct ttm_validate_result *v);

#endif /* TTM_VALIDATE_H */
