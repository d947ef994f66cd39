// SPDX-License-Identifier: GPL-2.0
/*
 * Software and hardware counters of a workload process through
 * perf_event_open(2). libperf would do this, but Debian 12 does not package
 * it, and the handful of counters here needs no more than the raw syscall.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "bench/perf_counters.h"

struct counter_def {
	const char *name;
	const char *event; /* for reasons: "cycles", "instructions" ... */
	__u32 type;
	__u64 config;
	bool exclude_kernel;
	bool exclude_user;
};

static const struct counter_def counters[TTM_PERF_COUNT] = {
	[TTM_PERF_TASK_CLOCK] = { "task_clock_ns", "task-clock", PERF_TYPE_SOFTWARE,
				  PERF_COUNT_SW_TASK_CLOCK },
	[TTM_PERF_CONTEXT_SWITCHES] = { "context_switches", "context-switches", PERF_TYPE_SOFTWARE,
					PERF_COUNT_SW_CONTEXT_SWITCHES },
	[TTM_PERF_CPU_MIGRATIONS] = { "cpu_migrations", "cpu-migrations", PERF_TYPE_SOFTWARE,
				      PERF_COUNT_SW_CPU_MIGRATIONS },
	[TTM_PERF_PAGE_FAULTS] = { "page_faults", "page-faults", PERF_TYPE_SOFTWARE,
				   PERF_COUNT_SW_PAGE_FAULTS },
	[TTM_PERF_CYCLES_USER] = { "cycles_user", "cycles", PERF_TYPE_HARDWARE,
				   PERF_COUNT_HW_CPU_CYCLES, true, false },
	[TTM_PERF_CYCLES_KERNEL] = { "cycles_kernel", "cycles", PERF_TYPE_HARDWARE,
				     PERF_COUNT_HW_CPU_CYCLES, false, true },
	[TTM_PERF_INSTRUCTIONS_USER] = { "instructions_user", "instructions", PERF_TYPE_HARDWARE,
					 PERF_COUNT_HW_INSTRUCTIONS, true, false },
	[TTM_PERF_INSTRUCTIONS_KERNEL] = { "instructions_kernel", "instructions",
					   PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, false,
					   true },
};

const char *ttm_perf_counter_name(enum ttm_perf_counter c)
{
	return c < TTM_PERF_COUNT ? counters[c].name : "unknown";
}

static void describe_open_error(const struct counter_def *def, int err, char *buf, size_t len)
{
	switch (err) {
	case ENOENT:
	case EOPNOTSUPP:
		snprintf(buf, len, "%s: not supported by this PMU (%s)", def->event,
			 err == ENOENT ? "ENOENT" : "EOPNOTSUPP");
		break;
	case EACCES:
	case EPERM:
		snprintf(buf, len, "%s: not permitted (%s); check kernel.perf_event_paranoid",
			 def->event, err == EACCES ? "EACCES" : "EPERM");
		break;
	default:
		snprintf(buf, len, "%s: perf_event_open failed: %s", def->event, strerror(err));
	}
}

void ttm_perf_open(struct ttm_perf_set *set, pid_t pid)
{
	memset(set, 0, sizeof(*set));
	for (int i = 0; i < TTM_PERF_COUNT; i++) {
		const struct counter_def *def = &counters[i];
		struct perf_event_attr attr = {
			.size = sizeof(attr),
			.type = def->type,
			.config = def->config,
			.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
				       PERF_FORMAT_TOTAL_TIME_RUNNING,
			.inherit = 1, /* the workload's threads too */
			.exclude_kernel = def->exclude_kernel,
			.exclude_user = def->exclude_user,
			.exclude_hv = 1,
		};

		set->fd[i] = syscall(SYS_perf_event_open, &attr, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
		if (set->fd[i] < 0)
			describe_open_error(def, errno, set->reason[i], sizeof(set->reason[i]));
	}
}

/* Read one counter, scaled up when the kernel multiplexed it. */
static void read_counter(struct ttm_perf_set *set, int i, struct ttm_perf_value *out)
{
	__u64 buf[3]; /* value, time enabled, time running */
	ssize_t n;

	memset(out, 0, sizeof(*out));
	if (set->fd[i] < 0) {
		snprintf(out->reason, sizeof(out->reason), "%s", set->reason[i]);
		return;
	}

	n = read(set->fd[i], buf, sizeof(buf));
	if (n != (ssize_t)sizeof(buf)) {
		snprintf(out->reason, sizeof(out->reason), "%s: read failed: %s",
			 counters[i].event, n < 0 ? strerror(errno) : "short read");
		return;
	}
	out->valid = true;
	out->value = buf[0];
	if (buf[2] && buf[2] < buf[1])
		out->value = (__u64)((double)buf[0] * buf[1] / buf[2]);
}

void ttm_perf_mark_start(struct ttm_perf_set *set)
{
	for (int i = 0; i < TTM_PERF_COUNT; i++)
		read_counter(set, i, &set->start.v[i]);
}

void ttm_perf_read_delta(struct ttm_perf_set *set, struct ttm_perf_sample *out)
{
	for (int i = 0; i < TTM_PERF_COUNT; i++) {
		struct ttm_perf_value *v = &out->v[i];

		read_counter(set, i, v);
		if (v->valid && !set->start.v[i].valid) {
			v->valid = false;
			snprintf(v->reason, sizeof(v->reason), "%s", set->start.v[i].reason);
		} else if (v->valid) {
			v->value -= set->start.v[i].value;
		}
	}
}

void ttm_perf_close(struct ttm_perf_set *set)
{
	for (int i = 0; i < TTM_PERF_COUNT; i++) {
		if (set->fd[i] >= 0)
			close(set->fd[i]);
		set->fd[i] = -1;
	}
}
