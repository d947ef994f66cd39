/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ring-buffer sizing (`ttmbench ringbuf`): drops against the ring size and the
 * CPUs sharing a ring under a flood, and the consumer's drain rate.
 */
#ifndef TTM_SWEEP_RINGBUF_H
#define TTM_SWEEP_RINGBUF_H

#include "bench/sweep.h"

#define TTM_RINGBUF_SCHEMA "ttmbench.ringbuf"
#define TTM_RINGBUF_SCHEMA_VERSION 1
#define TTM_RINGBUF_MAX_SIZES 16
#define TTM_RINGBUF_MAX_SHARING 4
/* The drain rate the study reports against, events per second on one core. */
#define TTM_RINGBUF_DRAIN_GOAL 5e6

struct ttm_ringbuf_params {
	uint32_t sizes[TTM_RINGBUF_MAX_SIZES]; /* bytes, ascending powers of two */
	int nsizes;
	uint32_t sharing[TTM_RINGBUF_MAX_SHARING]; /* CPUs per ring buffer */
	int nsharing;
	int syscall;
	double duration_s;
	int workload_cpu;
	int consumer_cpu;
	char workload[PATH_MAX];
};

/* The consumer paused while the workload floods, then resumed and timed until drained. */
struct ttm_ringbuf_paused {
	struct ttm_rep_result run;
	struct ttm_counters counters; /* the syscall's program, during the workload */
	uint64_t drained; /* events the consumer read after the resume, every program */
	uint64_t drain_ns;
	bool drain_cpu_valid;
	uint64_t drain_cpu_ns;
};

/* The consumer running while the workload floods. */
struct ttm_ringbuf_live {
	struct ttm_rep_result run;
	struct ttm_counters counters;
	uint64_t delivered;
	bool cpu_valid;
	uint64_t cpu_ns;
};

struct ttm_ringbuf_row {
	uint32_t sharing;
	uint32_t bytes;
	bool ok;
	char error[TTM_MSG_LEN];
	struct ttm_ringbuf_paused paused;
	struct ttm_ringbuf_live live;
	struct ttm_sweep_accounting accounting;
};

struct ttm_ringbuf_study {
	int argc;
	char **argv;
	time_t start_time;
	time_t end_time;
	double wall_s;
	bool complete;
	char incomplete_reason[TTM_MSG_LEN];
	json_t *host;
	struct ttm_ringbuf_params params;
	struct ttm_ringbuf_row rows[TTM_RINGBUF_MAX_SIZES * TTM_RINGBUF_MAX_SHARING];
	int nrows;
	json_t *plots;
	char plot_error[TTM_MSG_LEN];
};

/* Parse "256K,1M,64M" into ascending sizes in bytes. */
int ttm_ringbuf_parse_sizes(const char *arg, uint32_t *sizes, int *count, char *err,
			    size_t err_len);

double ttm_ringbuf_drain_rate(const struct ttm_ringbuf_row *row); /* events/s, 0 if none */

json_t *ttm_ringbuf_to_json(const struct ttm_ringbuf_study *st);
void ttm_ringbuf_render_plot(struct ttm_ringbuf_study *st, const char *dir);
int ttm_ringbuf_write_report(const char *dir, const struct ttm_ringbuf_study *st);

#endif /* TTM_SWEEP_RINGBUF_H */
