/* SPDX-License-Identifier: GPL-2.0 */
/* The configuration table of a run or sweep, filled from the capabilities. */
#ifndef TTM_CONFIGS_H
#define TTM_CONFIGS_H

#include "bench/results.h"

/*
 * Mark each of the nconfigs requested configurations in table as requested,
 * copy its availability and reason from caps, and list its programs among
 * program ids 0 to nprogs - 1. Each configuration that cannot attach is
 * printed as "<cmd>: skipping configuration NAME: REASON".
 */
void ttm_resolve_configs(const int *configs, int nconfigs, struct ttm_config_info *table,
			 const struct ttm_capabilities *caps, int nprogs, const char *cmd);

#endif /* TTM_CONFIGS_H */
