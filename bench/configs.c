// SPDX-License-Identifier: GPL-2.0
/* The configuration table of a run or sweep, filled from the capabilities. */
#include <stdio.h>
#include <string.h>

#include "bench/configs.h"

void ttm_resolve_configs(const int *configs, int nconfigs, struct ttm_config_info *table,
			 const struct ttm_capabilities *caps, int nprogs, const char *cmd)
{
	for (int i = 0; i < nconfigs; i++) {
		int c = configs[i];
		struct ttm_config_info *ci = &table[c];

		ci->requested = true;
		ci->available = caps->config[c].available;
		memcpy(ci->reason, caps->config[c].reason, sizeof(caps->config[c].reason));
		for (int id = 0; id < nprogs; id++)
			if (ttm_config_has_prog(c, id, caps))
				ci->progs[ci->nprogs++] = id;
		if (!ci->available)
			fprintf(stderr, "%s: skipping configuration %s: %s\n", cmd, ttm_config_name(c),
				ci->reason);
	}
}
