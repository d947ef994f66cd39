// SPDX-License-Identifier: GPL-2.0
/* Process setup of the subcommands that drive workloads: stop signals and CPU pinning. */
#include <errno.h>
#include <stdarg.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench/process.h"
#include "bench/run_workload.h"

static void on_stop_signal(int sig)
{
	ttm_stop_signal = sig;
}

void ttm_install_stop_handlers(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void ttm_pin_self(int cpu, const char *cmd)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "%s: pinning the runner to CPU %d failed: %s\n", cmd, cpu,
			strerror(errno));
}

void ttm_progress(bool quiet, const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool ttm_require_root(const char *cmd, bool bpf_stats)
{
	if (geteuid() == 0)
		return true;

	fprintf(stderr, "%s: must run as root: loading the probes needs CAP_BPF and CAP_PERFMON%s: "
			"run it with sudo\n",
		cmd, bpf_stats ? ", and BPF run-time stats (BPF_ENABLE_STATS, for run_cnt) need "
				 "CAP_SYS_ADMIN" : "");
	return false;
}
