// SPDX-License-Identifier: GPL-2.0
/* The results model: cells, their statistics and the paired comparisons. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench/results.h"

static const char *const mode_names[TTM_ENTRY_COUNT] = {
	[TTM_ENTRY_NATIVE] = "native",
	[TTM_ENTRY_IA32] = "ia32",
	[TTM_ENTRY_IA32_INT80] = "ia32-int80",
};

/* Pairs compared on every syscall and mode, as a - b. */
static const int comparison_pairs[][2] = {
	{ TTM_CONFIG_TP, TTM_CONFIG_NONE },
	{ TTM_CONFIG_KPROBE, TTM_CONFIG_NONE },
	{ TTM_CONFIG_FULL, TTM_CONFIG_NONE },
	{ TTM_CONFIG_FULL, TTM_CONFIG_TP },
	/* Alternative ia32 designs: ia32 penalty alone, native penalty on top of the tracepoints. */
	{ TTM_CONFIG_RAWTP, TTM_CONFIG_NONE },
	{ TTM_CONFIG_TP_RAWTP, TTM_CONFIG_NONE },
	{ TTM_CONFIG_TP_RAWTP, TTM_CONFIG_TP },
	{ TTM_CONFIG_TP_BTF, TTM_CONFIG_NONE },
	{ TTM_CONFIG_TP_TP_BTF, TTM_CONFIG_NONE },
	{ TTM_CONFIG_TP_TP_BTF, TTM_CONFIG_TP },
	{ TTM_CONFIG_FENTRY, TTM_CONFIG_NONE },
	{ TTM_CONFIG_TP_FENTRY, TTM_CONFIG_NONE },
	{ TTM_CONFIG_TP_FENTRY, TTM_CONFIG_TP },
};
#define NPAIRS (sizeof(comparison_pairs) / sizeof(comparison_pairs[0]))

const char *ttm_mode_name(int mode)
{
	return mode >= 0 && mode < TTM_ENTRY_COUNT ? mode_names[mode] : "unknown";
}

int ttm_mode_from_name(const char *name)
{
	for (int i = 0; i < TTM_ENTRY_COUNT; i++)
		if (!strcmp(name, mode_names[i]))
			return i;
	return -1;
}

const char *ttm_verdict_name(enum ttm_verdict v)
{
	switch (v) {
	case TTM_VERDICT_HOLDS:
		return "holds";
	case TTM_VERDICT_VIOLATED:
		return "violated";
	default:
		return "inconclusive";
	}
}

const char *ttm_cell_status_name(enum ttm_cell_status s)
{
	switch (s) {
	case TTM_CELL_OK:
		return "ok";
	case TTM_CELL_FAILED:
		return "failed";
	case TTM_CELL_SKIPPED:
		return "skipped";
	default:
		return "not_run";
	}
}

int ttm_results_init_cells(struct ttm_results *r)
{
	const struct ttm_run_params *p = &r->params;
	int n = p->nconfigs * p->nsyscalls * p->nmodes, i = 0;

	r->cells = calloc(n ? n : 1, sizeof(*r->cells));
	r->schedule = calloc(p->reps ? p->reps : 1, sizeof(*r->schedule));
	if (!r->cells || !r->schedule)
		return -ENOMEM;

	for (int c = 0; c < p->nconfigs; c++)
		for (int s = 0; s < p->nsyscalls; s++)
			for (int m = 0; m < p->nmodes; m++) {
				struct ttm_cell *cell = &r->cells[i++];

				cell->config = p->configs[c];
				cell->syscall = p->syscalls[s];
				cell->mode = p->modes[m];
				cell->reps = calloc(p->reps, sizeof(*cell->reps));
				if (!cell->reps)
					return -ENOMEM;
			}
	r->ncells = n;
	return 0;
}

int ttm_results_grow_reps(struct ttm_results *r, int reps)
{
	struct ttm_schedule_entry *schedule;

	schedule = realloc(r->schedule, reps * sizeof(*schedule));
	if (!schedule)
		return -ENOMEM;
	r->schedule = schedule;

	for (int i = 0; i < r->ncells; i++) {
		struct ttm_rep_result *grown = realloc(r->cells[i].reps, reps * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		r->cells[i].reps = grown;
	}
	return 0;
}

struct ttm_cell *ttm_results_cell(struct ttm_results *r, int config, int syscall, int mode)
{
	for (int i = 0; i < r->ncells; i++) {
		struct ttm_cell *c = &r->cells[i];

		if (c->config == config && c->syscall == syscall && c->mode == mode)
			return c;
	}
	return NULL;
}

const struct ttm_comparison *ttm_results_comparison(const struct ttm_results *r, int syscall,
						    int mode, int a, int b)
{
	for (int i = 0; i < r->ncomparisons; i++) {
		const struct ttm_comparison *c = &r->comparisons[i];

		if (c->syscall == syscall && c->mode == mode && c->a == a && c->b == b)
			return c;
	}
	return NULL;
}

void ttm_results_free(struct ttm_results *r)
{
	for (int i = 0; i < r->ncells; i++)
		free(r->cells[i].reps);
	free(r->cells);
	free(r->schedule);
	free(r->comparisons);
	json_decref(r->host);
	json_decref(r->capabilities);
	memset(r, 0, sizeof(*r));
}

static const struct ttm_rep_result *find_ok_rep(const struct ttm_cell *c, int rep)
{
	for (int i = 0; i < c->nreps; i++)
		if (c->reps[i].rep == rep && c->reps[i].ok)
			return &c->reps[i];
	return NULL;
}

static int summarize_cell(struct ttm_cell *c)
{
	double x[c->nreps > 0 ? c->nreps : 1];
	size_t n = 0;

	for (int i = 0; i < c->nreps; i++)
		if (c->reps[i].ok)
			x[n++] = c->reps[i].record.ns_per_op;
	c->has_stats = n > 0;
	if (!n)
		return 0;
	return ttm_median_summary(x, n, &c->stats);
}

/* Pair the two cells' successful repetitions by number and compare them. */
static int compare_cells(const struct ttm_cell *a, const struct ttm_cell *b,
			 struct ttm_comparison *out)
{
	double xa[a->nreps > 0 ? a->nreps : 1], xb[a->nreps > 0 ? a->nreps : 1];
	size_t n = 0;

	for (int i = 0; i < a->nreps; i++) {
		const struct ttm_rep_result *ra = &a->reps[i], *rb;

		if (!ra->ok || !(rb = find_ok_rep(b, ra->rep)))
			continue;
		xa[n] = ra->record.ns_per_op;
		xb[n] = rb->record.ns_per_op;
		n++;
	}
	if (!n)
		return -ENODATA;

	out->syscall = a->syscall;
	out->mode = a->mode;
	out->a = a->config;
	out->b = b->config;
	return ttm_paired_diff(xa, xb, n, &out->diff);
}

int ttm_results_analyze(struct ttm_results *r)
{
	int err;

	for (int i = 0; i < r->ncells; i++) {
		err = summarize_cell(&r->cells[i]);
		if (err)
			return err;
	}

	free(r->comparisons);
	r->ncomparisons = 0;
	r->comparisons = calloc(r->ncells * NPAIRS + 1, sizeof(*r->comparisons));
	if (!r->comparisons)
		return -ENOMEM;

	for (int i = 0; i < r->ncells; i++) {
		const struct ttm_cell *ca = &r->cells[i];

		for (size_t k = 0; k < NPAIRS; k++) {
			const struct ttm_cell *cb;

			if (ca->config != comparison_pairs[k][0])
				continue;
			cb = ttm_results_cell(r, comparison_pairs[k][1], ca->syscall, ca->mode);
			if (!cb || !ca->has_stats || !cb->has_stats)
				continue;
			err = compare_cells(ca, cb, &r->comparisons[r->ncomparisons]);
			if (err == -ENODATA)
				continue;
			if (err)
				return err;
			r->ncomparisons++;
		}
	}

	ttm_verdicts_compute(r);
	return 0;
}
