// SPDX-License-Identifier: GPL-2.0
/*
 * TTMBENCH_BTF_PATH: a BTF file that replaces /sys/kernel/btf/vmlinux for
 * CO-RE relocation, for kernels built without CONFIG_DEBUG_INFO_BTF (a BTF
 * made for that exact kernel) and for tests of the "no BTF" path (a file that
 * does not exist). Attach targets of fentry and tp_btf programs still come
 * from the kernel's own BTF.
 */
#include <stdlib.h>

#include "probes/probe_internal.h"

const char *ttm_btf_custom_path(void)
{
	const char *path = getenv("TTMBENCH_BTF_PATH");

	return path && *path ? path : NULL;
}
