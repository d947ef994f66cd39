/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `ttmbench compare`: the change from a baseline run to a new run, per cell
 * (configuration x syscall x mode) and per penalty of the verdicts, with a
 * confidence interval from the raw repetitions of both runs.
 */
#ifndef TTM_COMPARE_H
#define TTM_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "bench/stats_twosample.h"

#define TTM_COMPARE_DEFAULT_THRESHOLD_PCT 5.0

/*
 * Lowest interval coverage a decision is made on. Fewer repetitions than that
 * allows (e.g. 2 against 2: 66.7 %) give the result "insufficient".
 */
#define TTM_COMPARE_MIN_LEVEL 0.90

#define TTM_COMPARE_NAME_LEN 32
#define TTM_COMPARE_TEXT_LEN 160

/* The measurement settings compare checks (parameters and host fields), and one warning each. */
#define TTM_COMPARE_SETTINGS 7
#define TTM_COMPARE_MAX_WARNINGS (TTM_COMPARE_SETTINGS + 1)
#define TTM_COMPARE_WARNING_LEN 320

enum ttm_compare_kind {
	TTM_COMPARE_CELL,
	TTM_COMPARE_PENALTY,
};

enum ttm_change {
	TTM_CHANGE_UNCHANGED,
	TTM_CHANGE_REGRESSION,
	TTM_CHANGE_IMPROVEMENT,
	TTM_CHANGE_INSUFFICIENT, /* too few repetitions for a decision */
};

struct ttm_compare_item {
	enum ttm_compare_kind kind;
	/* Cell: its configuration. Penalty: "native_penalty", "ia32_penalty" or "tracepoint_penalty". */
	char name[TTM_COMPARE_NAME_LEN];
	char syscall[TTM_COMPARE_NAME_LEN];
	char mode[TTM_COMPARE_NAME_LEN];
	/* Penalty only: the configurations of the difference a - b. */
	char a[TTM_COMPARE_NAME_LEN];
	char b[TTM_COMPARE_NAME_LEN];

	/* Cell: median ns/op of each run. Penalty: median of the paired differences a - b. */
	double base_median;
	double new_median;
	/* Change new - base in ns/op: Hodges-Lehmann estimate and Mann-Whitney interval. */
	struct ttm_shift shift;
	/*
	 * Relative change in percent. Cell: from the shift of log(ns/op), i.e. the
	 * ratio new/base minus 1. Penalty: the shift in ns divided by the baseline
	 * median of configuration b (the cost of the call without the penalty).
	 */
	double rel_pct;
	double rel_lower_pct;
	double rel_upper_pct;
	double reference_ns; /* penalty only: that baseline median */

	enum ttm_change change;
	char note[TTM_COMPARE_TEXT_LEN];
};

struct ttm_compare {
	double threshold_pct;
	struct ttm_compare_item *items; /* the cells first, then the penalties */
	size_t nitems;
	size_t ncells;
	size_t npenalties;
	size_t skipped_cells; /* present in both runs, but one side has no successful repetition */
	size_t count[TTM_CHANGE_INSUFFICIENT + 1]; /* items per enum ttm_change */
	/* Lines printed above the tables and written into the Markdown and JUnit files. */
	char warnings[TTM_COMPARE_MAX_WARNINGS][TTM_COMPARE_WARNING_LEN];
	size_t nwarnings;
};

/* A measurement setting whose value differs between the two runs, as JSON text. */
struct ttm_setting_diff {
	char name[TTM_COMPARE_NAME_LEN]; /* e.g. "parameters.rate", "host.kernel_release" */
	char base[96];
	char new[96];
};

/*
 * Read a results.json, or PATH/results.json when path is a folder, and check
 * that it is schema ttmbench.results version 1 with the fields compare reads.
 * Returns a new reference, or NULL with a message in err that names the file,
 * the problem and the fix.
 */
json_t *ttm_results_load(const char *path, char *err, size_t err_len);

/*
 * Compare two loaded results. Returns 0, -ENOENT when they have no common
 * cell with successful repetitions on both sides (message in err), or -ENOMEM.
 */
int ttm_compare_results(const json_t *base, const json_t *new, double threshold_pct,
			struct ttm_compare *out, char *err, size_t err_len);
void ttm_compare_free(struct ttm_compare *cmp);

/*
 * Find the settings that change ns/op and differ between the runs:
 * parameters.rate, sampling_ratio, dropping_mode, duration_s and ops, and
 * host.kernel_release and timing. Fills diffs (room for TTM_COMPARE_SETTINGS)
 * and returns how many differ. A field missing from one run differs.
 */
size_t ttm_compare_settings(const json_t *base, const json_t *new, struct ttm_setting_diff *diffs);

/* Whether NEW's start_time is earlier than BASELINE's: the arguments are probably swapped. */
bool ttm_compare_new_is_older(const json_t *base, const json_t *new);

/* Add a warning line to the outputs of cmp; lines beyond TTM_COMPARE_MAX_WARNINGS are dropped. */
void ttm_compare_add_warning(struct ttm_compare *cmp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Decide regression, improvement or unchanged from the interval of the relative change. */
enum ttm_change ttm_change_decide(const struct ttm_compare_item *item, double threshold_pct,
				  char *note, size_t note_len);
const char *ttm_change_name(enum ttm_change change);

/* "tp openat native", "tracepoint_penalty openat native (tp - none)". */
void ttm_compare_item_label(const struct ttm_compare_item *item, char *buf, size_t len);

/* Describe one results file: "start_time host kernel". */
void ttm_results_describe(const json_t *results, char *buf, size_t len);

/* Outputs (compare_output.c). The file writers write a temporary file and rename it. */
void ttm_compare_print(FILE *out, const struct ttm_compare *cmp);
int ttm_compare_write_markdown(const char *path, const struct ttm_compare *cmp,
			       const char *base_desc, const char *new_desc);
int ttm_compare_write_junit(const char *path, const struct ttm_compare *cmp);

#endif /* TTM_COMPARE_H */
