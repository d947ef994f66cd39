/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sampling-rate study (`ttmbench sweep`): every configuration, syscall, entry
 * path, workload rate and sampling ratio measured in repetitions, then
 * sweep.json, report.md and the gnuplot plots. docs/sweep.md describes the
 * schema.
 */
#ifndef TTM_SWEEP_H
#define TTM_SWEEP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <jansson.h>

#include "bench/results.h"

#define TTM_SWEEP_SCHEMA "ttmbench.sweep"
#define TTM_SWEEP_SCHEMA_VERSION 1
#define TTM_SWEEP_FOLDER_SUFFIX "-sweep"

#define TTM_SWEEP_MAX_RATIOS 8 /* 1, 2, 4 ... 128 */
#define TTM_SWEEP_MAX_RATES 16

/* Rate sentinels in ttm_sweep_params.rates. Positive values are paced ops/s. */
#define TTM_SWEEP_RATE_MAX 0.0 /* back to back, no pacing */
#define TTM_SWEEP_RATE_PEAK -1.0 /* paced at TTM_SWEEP_PEAK_FRACTION of the slowest point */
/*
 * Pacing costs CPU of its own (clock reads, sleeps and wake-ups between
 * batches), and a run that falls behind catches up back to back, where kept
 * calls crowd out of the kept windows. The margin leaves room for both.
 */
#define TTM_SWEEP_PEAK_FRACTION 0.8
#define TTM_SWEEP_PEAK_RUNS 3 /* unpaced runs per configuration; their median counts */
#define TTM_SWEEP_ON_PACE 0.99 /* share of its planned calls a paced run must issue */

struct ttm_sweep_params {
	int configs[TTM_CONFIG_COUNT];
	int nconfigs;
	int syscalls[TTM_SC_COUNT];
	int nsyscalls;
	int modes[TTM_ENTRY_COUNT];
	int nmodes;
	uint32_t ratios[TTM_SWEEP_MAX_RATIOS]; /* ascending */
	int nratios;
	double rates[TTM_SWEEP_MAX_RATES]; /* ops/s in the order given, or a sentinel */
	int nrates;
	double duration_s;
	int reps;
	double warmup_s;
	int workload_cpu;
	int consumer_cpu; /* -1: not pinned */
	uint64_t seed;
	char workload[PATH_MAX];
};

struct ttm_sweep_options {
	struct ttm_sweep_params params;
	char out_dir[PATH_MAX]; /* empty: results/<UTC timestamp>-<host>-sweep */
	bool quiet;
	bool verbose;
};

/* One repetition of one point: the run engine's result plus the consumer's CPU time. */
struct ttm_sweep_rep {
	struct ttm_rep_result run;
	bool consumer_cpu_valid;
	uint64_t consumer_cpu_ns;
};

/* Sums over the repetitions of one point, for the programs of the point's syscall. */
struct ttm_sweep_totals {
	uint64_t ops;
	uint64_t elapsed_ns;
	uint64_t events; /* from the workload's process */
	struct ttm_counters counters;
	uint64_t delivered; /* events the consumer read from these programs, any process */
	uint64_t consumer_cpu_ns;
	bool consumer_cpu_valid;
	/* Over every program attached, not only the syscall's. */
	bool accounting_exact;
	int64_t fired_minus_outcomes;
	int64_t submitted_minus_delivered;
};

struct ttm_sweep_point {
	int config;
	int syscall;
	int mode;
	int rate_index; /* into params.rates */
	uint32_t ratio; /* 0 for config none: nothing is sampled */
	enum ttm_cell_status status;
	char reason[TTM_MSG_LEN];
	int nreps;
	struct ttm_sweep_rep *reps; /* room for params.reps, indexed by repetition */

	/* Filled by ttm_sweep_analyze. */
	bool has_stats;
	struct ttm_median_summary ns_per_op;
	double achieved_rate_median;
	bool task_clock_valid;
	double task_clock_ns_per_op_median;
	bool has_vs_none;
	struct ttm_paired_diff vs_none; /* this point minus none, same syscall, mode and rate */
	bool has_vs_ratio1;
	struct ttm_paired_diff vs_ratio1; /* this point minus the same configuration at ratio 1 */
	/* Paced points only: repetitions that issued under TTM_SWEEP_ON_PACE of rate x duration. */
	int reps_behind;
	double lowest_call_share; /* lowest calls issued / (rate x duration) over the repetitions */
	struct ttm_sweep_totals totals;
};

/* One program's counters against the consumer's events, from load to the end of the sweep. */
struct ttm_sweep_prog_accounting {
	int prog_id;
	struct ttm_counters counters;
	uint64_t delivered;
};

/*
 * Read after the last workload, with everything detached and the consumer
 * drained, so nothing is in flight: fired must equal the sum of the outcomes
 * and submitted must equal delivered, exactly.
 */
struct ttm_sweep_accounting {
	bool valid;
	char reason[TTM_MSG_LEN]; /* why not valid */
	int nprogs;
	struct ttm_sweep_prog_accounting progs[TTM_PROG_MAX];
	uint64_t bad_events;
	bool exact;
};

/*
 * The rate of the peak points of one syscall and entry path. Unpaced, a
 * kept call costs more than a dropped one, so a ratio changes the calls per
 * second and the calls that fall into the kept windows. Paced below what the
 * slowest configuration reaches (ratio 1, every call kept), every ratio gets
 * the same offered load.
 */
struct ttm_sweep_peak {
	bool measured;
	char reason[TTM_MSG_LEN]; /* why not measured */
	int slowest_config;
	double unpaced_rate; /* median reached by slowest_config at ratio 1, back to back */
	double rate; /* TTM_SWEEP_PEAK_FRACTION of unpaced_rate */
};

struct ttm_sweep {
	int argc;
	char **argv;
	time_t start_time;
	time_t end_time;
	double wall_s;
	bool complete;
	char incomplete_reason[TTM_MSG_LEN];
	json_t *host; /* owned */
	json_t *capabilities; /* owned, may be NULL */
	struct ttm_sweep_params params;
	bool bpf_stats_enabled;
	struct ttm_config_info configs[TTM_CONFIG_COUNT];
	struct ttm_sweep_peak peak[TTM_SC_COUNT][TTM_ENTRY_COUNT];
	struct ttm_sweep_point *points;
	int npoints;
	struct ttm_sweep_accounting accounting;
	json_t *plots; /* owned: [{file, title}] of the plots rendered */
	char plot_error[TTM_MSG_LEN]; /* why plots are missing, empty when none are */
};

/* Parse argv; bad input prints a message naming the value and the fix and exits with 2. */
void ttm_sweep_parse_options(int argc, char **argv, struct ttm_sweep_options *opts);

/* Parse "1,2,4" into ascending ratios; rejects non-powers of two, 0, > 128, duplicates. */
int ttm_sweep_parse_ratios(const char *arg, uint32_t *ratios, int *count, char *err,
			   size_t err_len);
/* Parse "1000,peak,max" in the given order into ops/s and the sentinels. */
int ttm_sweep_parse_rates(const char *arg, double *rates, int *count, char *err, size_t err_len);

/* "1000", "peak", "max" */
void ttm_sweep_rate_label(double rate, char *buf, size_t len);

/* "tp at ratio 1", or "nothing attached" for none: what set a peak rate. Static buffer. */
const char *ttm_sweep_peak_setting(int config);

/* Whether peak is one of the sweep's rates. */
bool ttm_sweep_has_peak(const struct ttm_sweep_params *p);

/* The ops/s a point's workload is paced at, or 0 when unpaced or when its peak was not measured. */
double ttm_sweep_paced_rate(const struct ttm_sweep *s, const struct ttm_sweep_point *pt);

/* Allocate the points: for each configuration, syscall, mode and rate, one per ratio (one for none). */
int ttm_sweep_init_points(struct ttm_sweep *s);
struct ttm_sweep_point *ttm_sweep_point(struct ttm_sweep *s, int config, int syscall, int mode,
					int rate_index, uint32_t ratio);
void ttm_sweep_free(struct ttm_sweep *s);

/* Medians, CIs, paired differences, kept fractions and totals of every point. */
int ttm_sweep_analyze(struct ttm_sweep *s);

/* Kept fraction of a point (events from the workload / ops), or -1 without ops. */
double ttm_sweep_kept_fraction(const struct ttm_sweep_point *pt);

/* Read the cumulative counters and events of every loaded program (call with nothing attached). */
void ttm_sweep_read_accounting(struct ttm_probe *probe, const struct ttm_config_info *configs,
			       struct ttm_sweep_accounting *acc);
/* Whether fired = sum of the outcomes and submitted = delivered for one program. */
bool ttm_sweep_prog_exact(const struct ttm_counters *c, uint64_t delivered);

json_t *ttm_sweep_to_json(const struct ttm_sweep *s);

/* The plot data files, the gnuplot plots (s->plots) and report.md, in dir. */
void ttm_sweep_render_plots(struct ttm_sweep *s, const char *dir);
int ttm_sweep_write_report(const char *dir, const struct ttm_sweep *s);

/* Write text to dir/name through a temporary file and rename(2). */
int ttm_sweep_write_text(const char *dir, const char *name, const char *text);

#endif /* TTM_SWEEP_H */
