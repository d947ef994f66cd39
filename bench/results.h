/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-memory results of `ttmbench run`: what results.json and report.md are
 * both generated from. docs/results-schema.md describes every field.
 */
#ifndef TTM_RESULTS_H
#define TTM_RESULTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>
#include <jansson.h>

#include "probes/loader.h"
#include "workloads/record.h"
#include "bench/perf_counters.h"
#include "bench/stats.h"

#define TTM_VERSION "0.1.0"
#define TTM_RESULTS_SCHEMA "ttmbench.results"
#define TTM_RESULTS_SCHEMA_VERSION 1

#define TTM_MSG_LEN 512
#define TTM_TOCTOU_PROGS (TTM_SC_COUNT * 3)

/* Effective parameters of a run (after the preset and the options). */
struct ttm_run_params {
	const char *preset; /* "quick", "full" or NULL */
	int configs[TTM_CONFIG_COUNT];
	int nconfigs;
	/* none and tp, when added to configs because an ia32 design's penalties need them */
	int configs_added[2];
	int nconfigs_added;
	int syscalls[TTM_SC_COUNT];
	int nsyscalls;
	int modes[TTM_ENTRY_COUNT];
	int nmodes;
	double duration_s; /* 0 when bounded by ops */
	uint64_t ops; /* 0 when bounded by duration */
	double rate; /* ops/s; 0 means max */
	int reps;
	double warmup_s;
	uint32_t sampling_ratio;
	int workload_cpu;
	int consumer_cpu; /* -1: not pinned */
	double margin_pct;
	double margin_ns;
	uint64_t seed;
	char workload[4096];
	/* --adaptive: repetitions beyond reps until every comparison's CI is narrow enough. */
	bool adaptive;
	double target_halfwidth_ns;
	double max_time_s; /* time budget of the whole run for the added repetitions */
};

struct ttm_config_info {
	bool requested;
	bool available;
	char reason[TTM_MSG_LEN];
	int progs[TTM_PROG_MAX];
	int nprogs;
};

/* One program's deltas over one repetition. */
struct ttm_prog_sample {
	int prog_id;
	bool stats_valid; /* BPF stats were on and readable */
	struct ttm_prog_stats stats;
	bool counters_valid;
	struct ttm_counters counters;
	uint64_t events_workload; /* events from the workload's tgid */
	uint64_t events_all;
};

struct ttm_rep_result {
	int rep; /* from 1 */
	bool ok;
	char error[TTM_MSG_LEN];
	bool have_record;
	struct ttm_workload_record record;
	uint64_t wall_ns;
	pid_t pid;
	int nprogs;
	struct ttm_prog_sample progs[TTM_PROG_MAX];
	struct ttm_perf_sample perf;
};

enum ttm_cell_status {
	TTM_CELL_NOT_RUN,
	TTM_CELL_OK,
	TTM_CELL_FAILED,
	TTM_CELL_SKIPPED,
};

struct ttm_cell {
	int config;
	int syscall;
	int mode;
	enum ttm_cell_status status;
	char reason[TTM_MSG_LEN];
	int nreps;
	struct ttm_rep_result *reps; /* room for params.reps */
	bool has_stats;
	struct ttm_median_summary stats;
};

struct ttm_comparison {
	int syscall;
	int mode;
	int a; /* configuration; the difference is a - b */
	int b;
	struct ttm_paired_diff diff;
};

enum ttm_verdict {
	TTM_VERDICT_HOLDS,
	TTM_VERDICT_VIOLATED,
	TTM_VERDICT_INCONCLUSIVE,
};

#define TTM_VERDICT_MAX_REASONS 6

struct ttm_syscall_verdict {
	int syscall;
	enum ttm_verdict verdict;
	char reasons[TTM_VERDICT_MAX_REASONS][TTM_MSG_LEN];
	int nreasons;
	bool margin_valid;
	double margin_ns;
	const struct ttm_comparison *native_penalty; /* full - tp, native */
	const struct ttm_comparison *ia32_penalty; /* kprobe - none, ia32 */
	const struct ttm_comparison *tracepoint_penalty; /* tp - none, native */
	bool kprobe_native_valid; /* at least one native run of kprobe or full */
	uint64_t kprobe_events_native;
	uint64_t kprobe_run_cnt_native;
};

struct ttm_verdicts {
	struct ttm_syscall_verdict sc[TTM_SC_COUNT];
	int nsc;
	enum ttm_verdict overall;
	char overall_reason[TTM_MSG_LEN];
};

struct ttm_schedule_entry {
	int order[TTM_CONFIG_COUNT];
	int n;
};

/* Upper bound of the repetitions --adaptive may reach (the --reps bound). */
#define TTM_ADAPTIVE_MAX_REPS 10000

/* Outcome of --adaptive, written to results.json. */
struct ttm_adaptive_outcome {
	int added_reps;
	bool target_met; /* every comparison's CI half-width <= the target */
	double max_halfwidth_ns; /* the widest comparison after the last repetition; < 0 if none */
	char widest[TTM_MSG_LEN]; /* that comparison, e.g. "openat native tp - none" */
	char stop_reason[TTM_MSG_LEN];
};

struct ttm_results {
	int argc;
	char **argv;
	time_t start_time;
	time_t end_time;
	bool complete;
	char incomplete_reason[TTM_MSG_LEN];
	int exit_status;
	json_t *host; /* owned */
	json_t *capabilities; /* owned, may be NULL */
	struct ttm_run_params params;
	bool bpf_stats_enabled;
	char bpf_stats_reason[TTM_MSG_LEN];
	struct ttm_config_info configs[TTM_CONFIG_COUNT];
	struct ttm_schedule_entry *schedule; /* room for params.reps */
	int nschedule;
	struct ttm_cell *cells;
	int ncells;
	struct ttm_comparison *comparisons;
	int ncomparisons;
	struct ttm_verdicts verdicts;
	struct ttm_adaptive_outcome adaptive;
};

/* Entry path names: "native", "ia32", "ia32-int80". */
const char *ttm_mode_name(int mode);
int ttm_mode_from_name(const char *name); /* -1 if unknown */
const char *ttm_verdict_name(enum ttm_verdict v);
const char *ttm_cell_status_name(enum ttm_cell_status s);

/* Allocate one cell per requested (configuration, syscall, mode) and the schedule. */
int ttm_results_init_cells(struct ttm_results *r);
/* Make room in every cell and in the schedule for reps repetitions (--adaptive). */
int ttm_results_grow_reps(struct ttm_results *r, int reps);
struct ttm_cell *ttm_results_cell(struct ttm_results *r, int config, int syscall, int mode);
const struct ttm_comparison *ttm_results_comparison(const struct ttm_results *r, int syscall,
						    int mode, int a, int b);
void ttm_results_free(struct ttm_results *r);

/* Cell statistics, comparisons and verdicts from the repetitions gathered. */
int ttm_results_analyze(struct ttm_results *r);

/* Equivalence margin for a tp baseline median (ns/op). */
double ttm_margin_ns(const struct ttm_run_params *p, double tp_median);

/* The verdict rule, on the native penalty's CI and the kprobe events from native calls. */
enum ttm_verdict ttm_verdict_decide(bool have_ci, double ci_lower, double ci_upper, double margin,
				    uint64_t kprobe_native_events);
void ttm_verdicts_compute(struct ttm_results *r);

/* results.json as a new jansson object. */
json_t *ttm_results_to_json(const struct ttm_results *r);

/* Write json to dir/name through a temporary file and rename(2). */
int ttm_write_json_file(const char *dir, const char *name, json_t *json);

/* report.md text (malloc'd) and the one-screen stdout summary. */
char *ttm_report_markdown(const struct ttm_results *r);
int ttm_write_report(const char *dir, const struct ttm_results *r);
void ttm_print_summary(FILE *out, const struct ttm_results *r, const char *dir);

#endif /* TTM_RESULTS_H */
