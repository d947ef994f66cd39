/* SPDX-License-Identifier: GPL-2.0 */
/* Process setup of the subcommands that drive workloads: stop signals, CPU pinning, progress. */
#ifndef TTM_PROCESS_H
#define TTM_PROCESS_H

#include <stdbool.h>

/*
 * Make SIGINT and SIGTERM set ttm_stop_signal. No SA_RESTART: waits return
 * EINTR, and the command stops after the current workload.
 */
void ttm_install_stop_handlers(void);

/* Pin this process to cpu unless cpu < 0. A failure is printed as "<cmd>: ..." and ignored. */
void ttm_pin_self(int cpu, const char *cmd);

/*
 * Return whether this process runs as root. If not, print why cmd needs root:
 * loading the probes needs CAP_BPF and CAP_PERFMON, and with bpf_stats the BPF
 * run-time stats (BPF_ENABLE_STATS) need CAP_SYS_ADMIN.
 */
bool ttm_require_root(const char *cmd, bool bpf_stats);

/* Print one progress line on stderr, unless quiet. */
void ttm_progress(bool quiet, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* TTM_PROCESS_H */
