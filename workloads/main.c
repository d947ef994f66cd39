// SPDX-License-Identifier: GPL-2.0
/*
 * ttm-workload: issue one syscall at a controlled rate through the native,
 * ia32 or ia32-int80 entry path, and report what was issued. ttm-workload32
 * is the same source built for i386.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/workload.h"

static void request_stop(int sig)
{
	(void)sig;
	wl_stop_requested = 1;
}

/* Ctrl-C and SIGTERM stop the workers after their current batch, so teardown still runs. */
static void install_signal_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = request_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void free_results(struct wl_result *results, unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		free(results[i].errno_counts);
		free(results[i].samples);
	}
	free(results);
}

int main(int argc, char **argv)
{
	char **original_argv = calloc((size_t)argc + 1, sizeof(*original_argv));
	struct wl_result *results;
	struct wl_target target;
	struct wl_config cfg;
	int ret;

	/* argp permutes argv; the ia32 sibling gets the arguments as given. */
	if (!original_argv)
		return 1;
	memcpy(original_argv, argv, (size_t)argc * sizeof(*argv));
	wl_parse_args(argc, argv, &cfg);

	if (cfg.entry == TTM_ENTRY_IA32 || cfg.entry == TTM_ENTRY_IA32_INT80)
		wl_check_ia32_emulation();
	if (cfg.entry == TTM_ENTRY_IA32)
		wl_exec_ia32_sibling(original_argv); /* returns only in ttm-workload32 */
	free(original_argv);

	install_signal_handlers();
	if (wl_target_setup(&cfg, &target) < 0)
		return 1;
	if (cfg.hostile != WL_HOSTILE_NONE && wl_hostile_setup(&cfg, &target) < 0) {
		wl_target_teardown(&target);
		return 1;
	}

	results = calloc(cfg.threads, sizeof(*results));
	if (!results) {
		wl_target_teardown(&target);
		return 1;
	}

	ret = wl_run(&cfg, &target, results);
	if (ret == 0)
		ret = wl_report(&cfg, results);

	wl_target_teardown(&target);
	free_results(results, cfg.threads);
	return ret == 0 ? 0 : 1;
}
