/* SPDX-License-Identifier: GPL-2.0 */
/* One workload run: fork/exec, counters before and after, the record. */
#ifndef TTM_RUN_WORKLOAD_H
#define TTM_RUN_WORKLOAD_H

#include <signal.h>

#include "bench/results.h"

struct ttm_run_context {
	const struct ttm_run_params *params;
	struct ttm_probe *probe; /* NULL when no program is loaded */
	const struct ttm_config_info *config; /* programs attached now */
	bool bpf_stats; /* BPF run-time stats are on */
	bool verbose;
};

/* Set by the SIGINT/SIGTERM handler; the runner stops after the current workload. */
extern volatile sig_atomic_t ttm_stop_signal;

/* The workload's --syscall name of a syscall: enum ttm_syscall or enum ttm_workload_syscall. */
const char *ttm_workload_syscall_name(int syscall);

/*
 * Run the workload once for (syscall, mode) under the attached configuration
 * and fill out. duration_s overrides the parameters' bound when > 0 (warm-up).
 * Returns 0 when out->ok, else -1 with out->error set.
 */
int ttm_run_workload(const struct ttm_run_context *ctx, int syscall, int mode, double duration_s,
		     struct ttm_rep_result *out);

#endif /* TTM_RUN_WORKLOAD_H */
