/* SPDX-License-Identifier: GPL-2.0 */
/* Facts about the machine a run measured: kernel, CPU, mitigations, virtualization. */
#ifndef TTM_HOSTINFO_H
#define TTM_HOSTINFO_H

#include <stdio.h>

#include <jansson.h>

/* Return a new object with the `host` fields of docs/results-schema.md, or NULL on ENOMEM. */
json_t *ttm_hostinfo_collect(void);

/*
 * Return {loadavg_1min, running, total} from /proc/loadavg (running: tasks
 * runnable now, including this one), or JSON null when it cannot be read.
 */
json_t *ttm_hostinfo_load(void);

/* Print the "- host load" line of report.md from host.load_start and load_end, if recorded. */
void ttm_hostinfo_print_load(FILE *f, const json_t *host);

#endif /* TTM_HOSTINFO_H */
