/* SPDX-License-Identifier: GPL-2.0 */
/* Facts about the machine a run measured: kernel, CPU, mitigations, virtualization. */
#ifndef TTM_HOSTINFO_H
#define TTM_HOSTINFO_H

#include <jansson.h>

/* Return a new object with the `host` fields of docs/results-schema.md, or NULL on ENOMEM. */
json_t *ttm_hostinfo_collect(void);

#endif /* TTM_HOSTINFO_H */
