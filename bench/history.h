/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CI mode of `ttmbench run`: the run history (results/history.jsonl, one
 * JSON object per line, read by `ttmbench trend`), the one-line CI summary
 * and the --fail-on rule. docs/compare.md describes the history line.
 */
#ifndef TTM_HISTORY_H
#define TTM_HISTORY_H

#include <stdio.h>

#include <jansson.h>

#define TTM_HISTORY_SCHEMA "ttmbench.history"
#define TTM_HISTORY_SCHEMA_VERSION 1
#define TTM_HISTORY_DEFAULT_PATH "results/history.jsonl"

/*
 * The history line of a run, from its results.json object: time, host,
 * kernel, timing label, overall verdict, results folder (results_dir, or null
 * when NULL) and per syscall its verdict and the key penalties with their CI.
 * Returns a new object, or NULL when results lacks schema, host or verdicts.
 */
json_t *ttm_history_entry(const json_t *results, const char *results_dir);

/*
 * Append the history line of a run to history_path (created if missing) as
 * one compact JSON line, in a single write(2) on an O_APPEND descriptor, so
 * concurrent runs never interleave lines. Returns 0, -EINVAL when results is
 * not a results object, or -errno.
 */
int ttm_history_append(const char *history_path, const json_t *results, const char *results_dir);

/*
 * Print the one-line CI summary of a run, e.g.
 * "ttmbench-ci: verdict=inconclusive complete=true holds=0 violated=0
 * inconclusive=5 native_penalty_max=none ia32_penalty_max=none
 * tracepoint_penalty_max=openat:+35.2ns[+30.1,+40.3]" (one line). Each *_max
 * is the syscall whose penalty has the highest CI upper bound, or none.
 * Returns 0, or -EINVAL when results lacks verdicts.
 */
int ttm_ci_summary_line(const json_t *results, FILE *out);

/* Rule for exit status 1 of `ttmbench run --ci`. */
enum ttm_fail_on {
	TTM_FAIL_ON_VIOLATED, /* the default: a violated verdict */
	TTM_FAIL_ON_INCONCLUSIVE, /* violated or inconclusive */
	TTM_FAIL_ON_NEVER, /* only bad input (2) and interruptions fail */
};

/* "violated", "inconclusive" or "never"; -EINVAL with a message naming the value otherwise. */
int ttm_parse_fail_on(const char *arg, enum ttm_fail_on *out, char *err, size_t err_len);

/* 1 when an overall verdict ("holds", "violated", "inconclusive") fails under rule, else 0. */
int ttm_fail_on_verdict(const char *verdict, enum ttm_fail_on rule);

/* The same for the overall verdict of a results.json object; 0 when it has none. */
int ttm_fail_on_status(const json_t *results, enum ttm_fail_on rule);

#endif /* TTM_HISTORY_H */
