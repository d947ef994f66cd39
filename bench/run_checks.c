// SPDX-License-Identifier: GPL-2.0
/* Early checks of `ttmbench run`: room for the results, something to attach. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include "bench/run_checks.h"

#define ESTIMATE_BASE_BYTES (64ULL << 10)
#define ESTIMATE_REP_BYTES (4ULL << 10)

unsigned long long ttm_run_output_estimate(const struct ttm_run_params *p)
{
	unsigned long long cells = (unsigned long long)p->nconfigs * p->nsyscalls * p->nmodes;

	/* NOTE: an estimate; a run with many programs per configuration writes more per repetition. */
	return ESTIMATE_BASE_BYTES + cells * (p->reps > 0 ? p->reps : 1) * ESTIMATE_REP_BYTES;
}

int ttm_check_out_space(const char *command, const char *dir, unsigned long long need)
{
	struct statvfs st;
	unsigned long long avail;

	if (statvfs(dir, &st)) {
		int err = errno;

		fprintf(stderr, "%s: checking free space in '%s' failed: %s\n", command, dir,
			strerror(err));
		return -err;
	}
	avail = (unsigned long long)st.f_bavail * st.f_frsize;
	if (avail >= need)
		return 0;
	fprintf(stderr, "%s: output folder '%s' has %llu KiB free, and this run needs about %llu "
			"KiB: free some space or give another folder with --out\n",
		command, dir, avail >> 10, (need + 1023) >> 10);
	return -ENOSPC;
}

int ttm_check_configs_attachable(const char *command, const struct ttm_results *r)
{
	bool requested = false;

	for (int i = 0; i < r->params.nconfigs; i++) {
		int c = r->params.configs[i];

		if (c == TTM_CONFIG_NONE)
			continue;
		requested = true;
		if (r->configs[c].available)
			return 0;
	}
	if (!requested)
		return 0;

	fprintf(stderr, "%s: no requested configuration can attach on this machine:\n", command);
	for (int i = 0; i < r->params.nconfigs; i++) {
		int c = r->params.configs[i];

		if (c != TTM_CONFIG_NONE)
			fprintf(stderr, "  %s: %s\n", ttm_config_name(c), r->configs[c].reason);
	}
	fprintf(stderr, "%s: fix the cause above, or request configurations that "
			"`ttmbench capabilities` lists as available with --configs\n", command);
	return -EOPNOTSUPP;
}
