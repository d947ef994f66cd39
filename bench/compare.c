// SPDX-License-Identifier: GPL-2.0
/*
 * Matching two results.json files cell by cell and penalty by penalty, and
 * deciding from the interval of the relative change whether each one regressed.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/compare.h"

#define RESULTS_SCHEMA "ttmbench.results"
#define RESULTS_SCHEMA_VERSION 1

static const char *const penalty_names[] = { "native_penalty", "ia32_penalty",
					     "tracepoint_penalty" };

static void set_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static const char *string_field(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* Check one cell: the fields compare reads, with the path of the first bad one. */
static bool cell_valid(const json_t *cell, size_t index, char *where, size_t len)
{
	const json_t *reps = json_object_get(cell, "repetitions"), *rep;
	size_t r;

	if (!json_is_object(cell)) {
		snprintf(where, len, "cells[%zu] is not an object", index);
		return false;
	}
	if (!string_field(cell, "config") || !string_field(cell, "syscall") ||
	    !string_field(cell, "mode")) {
		snprintf(where, len, "cells[%zu] lacks a config, syscall or mode string", index);
		return false;
	}
	if (!json_is_array(reps)) {
		snprintf(where, len, "cells[%zu].repetitions is not an array", index);
		return false;
	}

	json_array_foreach(reps, r, rep) {
		const char *status = string_field(rep, "status");
		const json_t *ns = json_object_get(rep, "ns_per_op");

		if (!status || !json_is_integer(json_object_get(rep, "rep"))) {
			snprintf(where, len,
				 "cells[%zu].repetitions[%zu] lacks an integer rep or a status string",
				 index, r);
			return false;
		}
		if (!strcmp(status, "ok") && (!json_is_number(ns) || !(json_number_value(ns) > 0))) {
			snprintf(where, len,
				 "cells[%zu].repetitions[%zu].ns_per_op is not a positive number "
				 "although its status is \"ok\"",
				 index, r);
			return false;
		}
	}
	return true;
}

static bool penalty_valid(const json_t *penalty)
{
	return json_is_null(penalty) ||
	       (json_is_object(penalty) && string_field(penalty, "syscall") &&
		string_field(penalty, "mode") && string_field(penalty, "a") &&
		string_field(penalty, "b"));
}

static bool verdicts_valid(const json_t *verdicts, char *where, size_t len)
{
	const json_t *syscalls = json_object_get(verdicts, "syscalls"), *sc;
	size_t i;

	if (!json_is_array(syscalls)) {
		snprintf(where, len, "verdicts.syscalls is not an array");
		return false;
	}
	json_array_foreach(syscalls, i, sc) {
		if (!string_field(sc, "syscall")) {
			snprintf(where, len, "verdicts.syscalls[%zu].syscall is not a string", i);
			return false;
		}
		for (size_t p = 0; p < sizeof(penalty_names) / sizeof(penalty_names[0]); p++) {
			if (!penalty_valid(json_object_get(sc, penalty_names[p]))) {
				snprintf(where, len,
					 "verdicts.syscalls[%zu].%s is neither null nor a comparison "
					 "with syscall, mode, a and b",
					 i, penalty_names[p]);
				return false;
			}
		}
	}
	return true;
}

static bool results_valid(const json_t *root, const char *file, char *err, size_t err_len)
{
	const json_t *version = json_object_get(root, "schema_version"), *cells, *cell;
	const char *schema = string_field(root, "schema");
	char where[256];
	size_t i;

	if (!json_is_object(root)) {
		set_err(err, err_len, "%s: not a JSON object; expected a ttmbench results.json", file);
		return false;
	}
	if (!schema || strcmp(schema, RESULTS_SCHEMA)) {
		set_err(err, err_len,
			"%s: schema is %s%s%s, expected \"%s\"; pass a results.json written by "
			"`ttmbench run`",
			file, schema ? "\"" : "", schema ? schema : "missing", schema ? "\"" : "",
			RESULTS_SCHEMA);
		return false;
	}
	if (!json_is_integer(version) || json_integer_value(version) != RESULTS_SCHEMA_VERSION) {
		char shown[32] = "missing";

		if (json_is_integer(version))
			snprintf(shown, sizeof(shown), "%lld", (long long)json_integer_value(version));
		else if (version)
			snprintf(shown, sizeof(shown), "not an integer");
		set_err(err, err_len,
			"%s: schema_version is %s, this ttmbench reads version %d; compare results "
			"written by the same ttmbench version",
			file, shown, RESULTS_SCHEMA_VERSION);
		return false;
	}

	cells = json_object_get(root, "cells");
	if (!json_is_array(cells)) {
		set_err(err, err_len, "%s: invalid results: cells is not an array", file);
		return false;
	}
	json_array_foreach(cells, i, cell) {
		if (!cell_valid(cell, i, where, sizeof(where))) {
			set_err(err, err_len, "%s: invalid results: %s", file, where);
			return false;
		}
	}
	if (!verdicts_valid(json_object_get(root, "verdicts"), where, sizeof(where))) {
		set_err(err, err_len, "%s: invalid results: %s", file, where);
		return false;
	}
	return true;
}

json_t *ttm_results_load(const char *path, char *err, size_t err_len)
{
	char file[PATH_MAX];
	json_error_t jerr;
	struct stat st;
	json_t *root;

	if (stat(path, &st)) {
		set_err(err, err_len, "%s: %s; pass a results folder or a results.json", path,
			strerror(errno));
		return NULL;
	}
	if (S_ISDIR(st.st_mode))
		snprintf(file, sizeof(file), "%s/results.json", path);
	else
		snprintf(file, sizeof(file), "%s", path);

	root = json_load_file(file, 0, &jerr);
	if (!root) {
		if (access(file, R_OK))
			set_err(err, err_len, "%s: %s; pass a results folder or a results.json",
				file, strerror(errno));
		else
			set_err(err, err_len, "%s: invalid JSON at line %d, column %d: %s", file,
				jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!results_valid(root, file, err, err_len)) {
		json_decref(root);
		return NULL;
	}
	return root;
}

static const json_t *find_cell(const json_t *results, const char *config, const char *syscall,
			       const char *mode)
{
	const json_t *cells = json_object_get(results, "cells"), *cell;
	size_t i;

	json_array_foreach(cells, i, cell) {
		if (!strcmp(string_field(cell, "config"), config) &&
		    !strcmp(string_field(cell, "syscall"), syscall) &&
		    !strcmp(string_field(cell, "mode"), mode))
			return cell;
	}
	return NULL;
}

/* ns_per_op of the successful repetitions, in repetition order; *n is 0 when there are none. */
static double *ok_values(const json_t *cell, size_t *n)
{
	const json_t *reps = json_object_get(cell, "repetitions"), *rep;
	double *v = malloc((json_array_size(reps) + 1) * sizeof(*v));
	size_t i;

	*n = 0;
	if (!v)
		return NULL;
	json_array_foreach(reps, i, rep) {
		if (!strcmp(string_field(rep, "status"), "ok"))
			v[(*n)++] = json_number_value(json_object_get(rep, "ns_per_op"));
	}
	return v;
}

/* The ns_per_op of repetition number rep_no when it succeeded. */
static bool rep_value(const json_t *cell, json_int_t rep_no, double *value)
{
	const json_t *reps = json_object_get(cell, "repetitions"), *rep;
	size_t i;

	json_array_foreach(reps, i, rep) {
		if (json_integer_value(json_object_get(rep, "rep")) != rep_no)
			continue;
		if (strcmp(string_field(rep, "status"), "ok"))
			return false;
		*value = json_number_value(json_object_get(rep, "ns_per_op"));
		return true;
	}
	return false;
}

/*
 * Rebuild the paired differences a - b of a penalty from the cells, pairing
 * repetitions by number as `ttmbench run` does. Also returns the median of
 * the b side over the pairs.
 */
static double *penalty_diffs(const json_t *results, const json_t *penalty, size_t *n,
			     double *b_median)
{
	const char *syscall = string_field(penalty, "syscall"), *mode = string_field(penalty, "mode");
	const json_t *cell_a = find_cell(results, string_field(penalty, "a"), syscall, mode);
	const json_t *cell_b = find_cell(results, string_field(penalty, "b"), syscall, mode);
	const json_t *reps, *rep;
	double *d, *b;
	size_t i;

	*n = 0;
	if (!cell_a || !cell_b)
		return NULL;
	reps = json_object_get(cell_a, "repetitions");
	d = malloc((json_array_size(reps) + 1) * sizeof(*d));
	b = malloc((json_array_size(reps) + 1) * sizeof(*b));
	if (!d || !b) {
		free(d);
		free(b);
		return NULL;
	}

	json_array_foreach(reps, i, rep) {
		json_int_t rep_no = json_integer_value(json_object_get(rep, "rep"));
		double va, vb;

		if (strcmp(string_field(rep, "status"), "ok") || !rep_value(cell_b, rep_no, &vb))
			continue;
		va = json_number_value(json_object_get(rep, "ns_per_op"));
		d[*n] = va - vb;
		b[*n] = vb;
		(*n)++;
	}
	*b_median = *n ? ttm_median(b, *n) : NAN;
	free(b);
	return d;
}

const char *ttm_change_name(enum ttm_change change)
{
	switch (change) {
	case TTM_CHANGE_REGRESSION:
		return "regression";
	case TTM_CHANGE_IMPROVEMENT:
		return "improvement";
	case TTM_CHANGE_INSUFFICIENT:
		return "insufficient";
	case TTM_CHANGE_UNCHANGED:
	default:
		return "unchanged";
	}
}

enum ttm_change ttm_change_decide(const struct ttm_compare_item *item, double threshold_pct,
				  char *note, size_t note_len)
{
	const struct ttm_interval *ci = &item->shift.ci;
	double lower = item->rel_lower_pct, upper = item->rel_upper_pct;

	/* A tiny tolerance, so that 3 against 3 repetitions (exactly 90 %) qualifies. */
	if (!ci->valid || ci->level < TTM_COMPARE_MIN_LEVEL - 1e-9) {
		snprintf(note, note_len,
			 "too few repetitions (%zu and %zu): the interval covers only %.1f%%",
			 item->shift.n_base, item->shift.n_new, ci->valid ? ci->level * 100 : 0.0);
		return TTM_CHANGE_INSUFFICIENT;
	}
	if (lower > threshold_pct) {
		snprintf(note, note_len, "whole CI above +%g%%", threshold_pct);
		return TTM_CHANGE_REGRESSION;
	}
	if (upper < -threshold_pct) {
		snprintf(note, note_len, "whole CI below -%g%%", threshold_pct);
		return TTM_CHANGE_IMPROVEMENT;
	}

	if (lower <= 0 && upper >= 0)
		snprintf(note, note_len, "within noise (the CI includes 0)");
	else if (lower > 0)
		snprintf(note, note_len, "slower, but the CI is not entirely above +%g%%",
			 threshold_pct);
	else
		snprintf(note, note_len, "faster, but the CI is not entirely below -%g%%",
			 threshold_pct);
	return TTM_CHANGE_UNCHANGED;
}

static void copy_name(char *dst, const char *src)
{
	snprintf(dst, TTM_COMPARE_NAME_LEN, "%s", src ? src : "");
}

static int add_item(struct ttm_compare *cmp, const struct ttm_compare_item *item, size_t *cap)
{
	if (cmp->nitems == *cap) {
		size_t new_cap = *cap ? *cap * 2 : 32;
		struct ttm_compare_item *items = realloc(cmp->items, new_cap * sizeof(*items));

		if (!items)
			return -ENOMEM;
		cmp->items = items;
		*cap = new_cap;
	}
	cmp->items[cmp->nitems] = *item;
	cmp->items[cmp->nitems].change =
		ttm_change_decide(item, cmp->threshold_pct, cmp->items[cmp->nitems].note,
				  sizeof(cmp->items[cmp->nitems].note));
	cmp->count[cmp->items[cmp->nitems].change]++;
	cmp->nitems++;
	return 0;
}

static int log_values(double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		v[i] = log(v[i]);
	return 0;
}

static int compare_cell(struct ttm_compare_item *item, double *base, size_t nb, double *new,
			size_t nn)
{
	struct ttm_shift log_shift;
	int err;

	item->base_median = ttm_median(base, nb);
	item->new_median = ttm_median(new, nn);
	err = ttm_shift_estimate(base, nb, new, nn, &item->shift);
	if (err)
		return err;

	/* A shift of log(ns/op) is a ratio, so its interval is the relative change. */
	log_values(base, nb);
	log_values(new, nn);
	err = ttm_shift_estimate(base, nb, new, nn, &log_shift);
	if (err)
		return err;
	item->rel_pct = expm1(log_shift.estimate) * 100;
	item->rel_lower_pct = expm1(log_shift.ci.lower) * 100;
	item->rel_upper_pct = expm1(log_shift.ci.upper) * 100;
	return 0;
}

static int compare_cells(const json_t *base, const json_t *new, struct ttm_compare *cmp,
			 size_t *cap)
{
	const json_t *cells = json_object_get(base, "cells"), *cell;
	size_t i;

	json_array_foreach(cells, i, cell) {
		const json_t *other = find_cell(new, string_field(cell, "config"),
						string_field(cell, "syscall"),
						string_field(cell, "mode"));
		struct ttm_compare_item item = { .kind = TTM_COMPARE_CELL };
		double *bv, *nv;
		size_t nb, nn;
		int err;

		if (!other)
			continue;
		bv = ok_values(cell, &nb);
		nv = ok_values(other, &nn);
		if (!bv || !nv) {
			free(bv);
			free(nv);
			return -ENOMEM;
		}
		if (!nb || !nn) {
			cmp->skipped_cells++;
			free(bv);
			free(nv);
			continue;
		}

		copy_name(item.name, string_field(cell, "config"));
		copy_name(item.syscall, string_field(cell, "syscall"));
		copy_name(item.mode, string_field(cell, "mode"));
		err = compare_cell(&item, bv, nb, nv, nn);
		free(bv);
		free(nv);
		if (!err)
			err = add_item(cmp, &item, cap);
		if (err)
			return err;
		cmp->ncells++;
	}
	return 0;
}

static const json_t *find_syscall_verdict(const json_t *results, const char *syscall)
{
	const json_t *arr = json_object_get(json_object_get(results, "verdicts"), "syscalls"), *sc;
	size_t i;

	json_array_foreach(arr, i, sc) {
		if (!strcmp(string_field(sc, "syscall"), syscall))
			return sc;
	}
	return NULL;
}

static bool same_penalty(const json_t *x, const json_t *y)
{
	static const char *const keys[] = { "syscall", "mode", "a", "b" };

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (strcmp(string_field(x, keys[k]), string_field(y, keys[k])))
			return false;
	return true;
}

static int compare_penalty(const json_t *base, const json_t *new, const char *name,
			   const json_t *bp, const json_t *np, struct ttm_compare *cmp, size_t *cap)
{
	struct ttm_compare_item item = { .kind = TTM_COMPARE_PENALTY };
	double *bd, *nd, b_ref, unused;
	size_t nb, nn;
	int err = 0;

	bd = penalty_diffs(base, bp, &nb, &b_ref);
	nd = penalty_diffs(new, np, &nn, &unused);
	if (!nb || !nn)
		goto out;

	copy_name(item.name, name);
	copy_name(item.syscall, string_field(bp, "syscall"));
	copy_name(item.mode, string_field(bp, "mode"));
	copy_name(item.a, string_field(bp, "a"));
	copy_name(item.b, string_field(bp, "b"));
	item.base_median = ttm_median(bd, nb);
	item.new_median = ttm_median(nd, nn);
	item.reference_ns = b_ref;
	err = ttm_shift_estimate(bd, nb, nd, nn, &item.shift);
	if (err)
		goto out;
	item.rel_pct = item.shift.estimate / b_ref * 100;
	item.rel_lower_pct = item.shift.ci.lower / b_ref * 100;
	item.rel_upper_pct = item.shift.ci.upper / b_ref * 100;
	err = add_item(cmp, &item, cap);
	if (!err)
		cmp->npenalties++;
out:
	free(bd);
	free(nd);
	return err;
}

static int compare_penalties(const json_t *base, const json_t *new, struct ttm_compare *cmp,
			     size_t *cap)
{
	const json_t *arr = json_object_get(json_object_get(base, "verdicts"), "syscalls"), *sc;
	size_t i;

	json_array_foreach(arr, i, sc) {
		const json_t *other = find_syscall_verdict(new, string_field(sc, "syscall"));

		if (!other)
			continue;
		for (size_t p = 0; p < sizeof(penalty_names) / sizeof(penalty_names[0]); p++) {
			const json_t *bp = json_object_get(sc, penalty_names[p]);
			const json_t *np = json_object_get(other, penalty_names[p]);
			int err;

			/* ia32_penalty may be on ia32 in one run and on ia32-int80 in the other. */
			if (!json_is_object(bp) || !json_is_object(np) || !same_penalty(bp, np))
				continue;
			err = compare_penalty(base, new, penalty_names[p], bp, np, cmp, cap);
			if (err)
				return err;
		}
	}
	return 0;
}

int ttm_compare_results(const json_t *base, const json_t *new, double threshold_pct,
			struct ttm_compare *out, char *err, size_t err_len)
{
	size_t cap = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	out->threshold_pct = threshold_pct;

	ret = compare_cells(base, new, out, &cap);
	if (!ret)
		ret = compare_penalties(base, new, out, &cap);
	if (ret) {
		set_err(err, err_len, "out of memory while comparing");
		return ret;
	}
	if (!out->ncells) {
		set_err(err, err_len,
			"no common cell: no (configuration, syscall, mode) has successful "
			"repetitions in both runs%s; compare runs of the same configurations, "
			"syscalls and modes",
			out->skipped_cells ? " (some exist in both, but failed or were skipped)" : "");
		return -ENOENT;
	}
	return 0;
}

void ttm_compare_free(struct ttm_compare *cmp)
{
	free(cmp->items);
	memset(cmp, 0, sizeof(*cmp));
}

void ttm_compare_item_label(const struct ttm_compare_item *item, char *buf, size_t len)
{
	if (item->kind == TTM_COMPARE_CELL)
		snprintf(buf, len, "%s %s %s", item->name, item->syscall, item->mode);
	else
		snprintf(buf, len, "%s %s %s (%s - %s)", item->name, item->syscall, item->mode,
			 item->a, item->b);
}

void ttm_results_describe(const json_t *results, char *buf, size_t len)
{
	const json_t *host = json_object_get(results, "host");
	const char *start = string_field(results, "start_time");
	const char *hostname = string_field(host, "hostname");
	const char *kernel = string_field(host, "kernel_release");
	const char *timing = string_field(host, "timing");

	snprintf(buf, len, "%s, host %s, kernel %s%s", start ? start : "unknown start time",
		 hostname ? hostname : "unknown", kernel ? kernel : "unknown",
		 timing && !strcmp(timing, "emulated") ? ", emulated timing" : "");
}
