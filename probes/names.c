// SPDX-License-Identifier: GPL-2.0
/* Names of syscalls, programs, hooks and attach configurations. */
#include <string.h>

#include "probes/loader.h"

static const char *const syscall_names[TTM_SC_COUNT] = {
	[TTM_SC_CONNECT] = "connect", [TTM_SC_CREAT] = "creat",     [TTM_SC_OPEN] = "open",
	[TTM_SC_OPENAT] = "openat",   [TTM_SC_OPENAT2] = "openat2",
};

/* Indexed by TTM_PROG_ID(sc, kind); the names of the BPF functions in probes/<sc>.bpf.c. */
static const char *const prog_names[TTM_PROG_EXTRA] = {
	"connect_e", "ia32_compat_connect_e", "ia32_connect_e",
	"creat_e",   "ia32_compat_creat_e",   "ia32_creat_e",
	"open_e",    "ia32_compat_open_e",    "ia32_open_e",
	"openat_e",  "ia32_compat_openat_e",  "ia32_openat_e",
	"openat2_e", "ia32_compat_openat2_e", "ia32_openat2_e",
};

static const char *const prog_hooks[TTM_PROG_EXTRA] = {
	"tracepoint/syscalls/sys_enter_connect", "kprobe/__ia32_compat_sys_connect",
	"kprobe/__ia32_sys_connect",
	"tracepoint/syscalls/sys_enter_creat",	 "kprobe/__ia32_compat_sys_creat",
	"kprobe/__ia32_sys_creat",
	"tracepoint/syscalls/sys_enter_open",	 "kprobe/__ia32_compat_sys_open",
	"kprobe/__ia32_sys_open",
	"tracepoint/syscalls/sys_enter_openat",	 "kprobe/__ia32_compat_sys_openat",
	"kprobe/__ia32_sys_openat",
	"tracepoint/syscalls/sys_enter_openat2", "kprobe/__ia32_compat_sys_openat2",
	"kprobe/__ia32_sys_openat2",
};

static const char *const config_names[TTM_CONFIG_COUNT] = {
	[TTM_CONFIG_NONE] = "none",
	[TTM_CONFIG_TP] = "tp",
	[TTM_CONFIG_KPROBE] = "kprobe",
	[TTM_CONFIG_FULL] = "full",
};

const char *ttm_syscall_name(enum ttm_syscall sc)
{
	return (unsigned int)sc < TTM_SC_COUNT ? syscall_names[sc] : "unknown";
}

int ttm_syscall_from_name(const char *name)
{
	for (int sc = 0; sc < TTM_SC_COUNT; sc++)
		if (!strcmp(name, syscall_names[sc]))
			return sc;
	return -1;
}

const char *ttm_prog_name(int prog_id)
{
	return prog_id >= 0 && prog_id < TTM_PROG_EXTRA ? prog_names[prog_id] : "unknown";
}

const char *ttm_prog_hook(int prog_id)
{
	return prog_id >= 0 && prog_id < TTM_PROG_EXTRA ? prog_hooks[prog_id] : "unknown";
}

const char *ttm_config_name(enum ttm_config config)
{
	return (unsigned int)config < TTM_CONFIG_COUNT ? config_names[config] : "unknown";
}

int ttm_config_from_name(const char *name)
{
	for (int config = 0; config < TTM_CONFIG_COUNT; config++)
		if (!strcmp(name, config_names[config]))
			return config;
	return -1;
}

/*
 * tp and full include the tracepoint programs; kprobe and full include the
 * one ia32 kprobe chosen per syscall: the compat one unless caps records that
 * only the plain symbol exists (without caps, the compat one).
 */
bool ttm_config_has_prog(enum ttm_config config, int prog_id, const struct ttm_capabilities *caps)
{
	int sc = prog_id / 3, kind = prog_id % 3;
	int ia32_kind = TTM_KIND_IA32_COMPAT;

	if (prog_id < 0 || prog_id >= TTM_PROG_EXTRA)
		return false;

	if (kind == TTM_KIND_TP)
		return config == TTM_CONFIG_TP || config == TTM_CONFIG_FULL;

	if (caps)
		ia32_kind = caps->sc[sc].ia32_kind;
	return kind == ia32_kind && (config == TTM_CONFIG_KPROBE || config == TTM_CONFIG_FULL);
}
