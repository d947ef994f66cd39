/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hook-design table and coverage matrix of a run: what each ia32 design
 * costs native and ia32 callers, and how many events each configuration
 * delivers per syscall issued on each entry path.
 */
#ifndef TTM_DESIGNS_H
#define TTM_DESIGNS_H

#include <stdio.h>

#include <jansson.h>

#include "bench/results.h"

/* An ia32 design: its configuration alone and its Falco-like set with the tracepoints. */
struct ttm_design {
	const char *name;
	int alone; /* e.g. TTM_CONFIG_KPROBE */
	int with_tp; /* e.g. TTM_CONFIG_FULL */
};

extern const struct ttm_design ttm_designs[];
extern const int ttm_ndesigns;

/* Events a configuration delivered on one (syscall, entry path), summed over repetitions. */
struct ttm_coverage_row {
	int config;
	int syscall; /* enum ttm_syscall, or TTM_WL_SOCKETCALL_CONNECT (a connect row) */
	int mode;
	bool measured; /* at least one successful repetition */
	bool unavailable; /* skipped: the configuration cannot attach here */
	uint64_t ops;
	int tp_programs, ia32_programs;
	uint64_t tp_events, ia32_events; /* events from the workload's tgid */
	bool runs_valid; /* BPF stats were on for every program sample */
	uint64_t ia32_runs; /* run_cnt of the ia32 programs: every process, not only the workload */
	bool covered; /* the configuration has programs meant for this entry path */
	bool gap; /* covered, yet fewer events than calls */
};

void ttm_coverage_row_from_cell(const struct ttm_cell *cell, struct ttm_coverage_row *row);
/* The syscall of a coverage row: "openat", or "connect (socketcall)". */
const char *ttm_coverage_syscall_name(int syscall);

json_t *ttm_coverage_row_json(const struct ttm_coverage_row *row);
json_t *ttm_coverage_json(const struct ttm_results *r);
json_t *ttm_designs_json(const struct ttm_results *r);
json_t *ttm_adaptive_json(const struct ttm_results *r);

void ttm_coverage_markdown_header(FILE *f);
void ttm_coverage_markdown_row(FILE *f, const struct ttm_coverage_row *row);
void ttm_coverage_markdown(FILE *f, const struct ttm_results *r);
void ttm_designs_markdown(FILE *f, const struct ttm_results *r);
void ttm_adaptive_markdown(FILE *f, const struct ttm_results *r);

#endif /* TTM_DESIGNS_H */
