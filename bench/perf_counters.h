/* SPDX-License-Identifier: GPL-2.0 */
/* perf_event_open counters of one workload process. */
#ifndef TTM_PERF_COUNTERS_H
#define TTM_PERF_COUNTERS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum ttm_perf_counter {
	TTM_PERF_TASK_CLOCK,
	TTM_PERF_CONTEXT_SWITCHES,
	TTM_PERF_CPU_MIGRATIONS,
	TTM_PERF_PAGE_FAULTS,
	TTM_PERF_CYCLES_USER,
	TTM_PERF_CYCLES_KERNEL,
	TTM_PERF_INSTRUCTIONS_USER,
	TTM_PERF_INSTRUCTIONS_KERNEL,
	TTM_PERF_COUNT,
};

#define TTM_PERF_REASON_LEN 128

struct ttm_perf_value {
	bool valid;
	uint64_t value;
	char reason[TTM_PERF_REASON_LEN]; /* why not valid */
};

struct ttm_perf_sample {
	struct ttm_perf_value v[TTM_PERF_COUNT];
};

struct ttm_perf_set {
	int fd[TTM_PERF_COUNT]; /* -1 when the counter could not be opened */
	char reason[TTM_PERF_COUNT][TTM_PERF_REASON_LEN];
	struct ttm_perf_sample start;
};

/* JSON key of a counter: "task_clock_ns", "cycles_user" ... */
const char *ttm_perf_counter_name(enum ttm_perf_counter c);

/* Open every counter on pid and its future threads; failures are kept per counter. */
void ttm_perf_open(struct ttm_perf_set *set, pid_t pid);

/* Remember the current values as the start of the measured window. */
void ttm_perf_mark_start(struct ttm_perf_set *set);

/* Store the values accumulated since ttm_perf_mark_start in out. */
void ttm_perf_read_delta(struct ttm_perf_set *set, struct ttm_perf_sample *out);

void ttm_perf_close(struct ttm_perf_set *set);

#endif /* TTM_PERF_COUNTERS_H */
