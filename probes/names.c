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

/* Indexed by id - TTM_PROG_EXTRA: the alternative designs and the calibration program. */
static const char *const extra_prog_names[TTM_PROG_COUNT - TTM_PROG_EXTRA] = {
	[TTM_PROG_RAWTP - TTM_PROG_EXTRA] = "rawtp_e",
	[TTM_PROG_TP_BTF - TTM_PROG_EXTRA] = "tp_btf_e",
	[TTM_PROG_FENTRY(TTM_SC_CONNECT) - TTM_PROG_EXTRA] = "fentry_connect_e",
	[TTM_PROG_FENTRY(TTM_SC_CREAT) - TTM_PROG_EXTRA] = "fentry_creat_e",
	[TTM_PROG_FENTRY(TTM_SC_OPEN) - TTM_PROG_EXTRA] = "fentry_open_e",
	[TTM_PROG_FENTRY(TTM_SC_OPENAT) - TTM_PROG_EXTRA] = "fentry_openat_e",
	[TTM_PROG_FENTRY(TTM_SC_OPENAT2) - TTM_PROG_EXTRA] = "fentry_openat2_e",
	[TTM_PROG_CALIBRATION - TTM_PROG_EXTRA] = "calibration_e",
};

/* fentry targets are chosen at load time with the kprobe rule: compat wrapper first. */
static const char *const extra_prog_hooks[TTM_PROG_COUNT - TTM_PROG_EXTRA] = {
	[TTM_PROG_RAWTP - TTM_PROG_EXTRA] = "raw_tp/sys_enter",
	[TTM_PROG_TP_BTF - TTM_PROG_EXTRA] = "tp_btf/sys_enter",
	[TTM_PROG_FENTRY(TTM_SC_CONNECT) - TTM_PROG_EXTRA] = "fentry/__ia32_(compat_)sys_connect",
	[TTM_PROG_FENTRY(TTM_SC_CREAT) - TTM_PROG_EXTRA] = "fentry/__ia32_(compat_)sys_creat",
	[TTM_PROG_FENTRY(TTM_SC_OPEN) - TTM_PROG_EXTRA] = "fentry/__ia32_(compat_)sys_open",
	[TTM_PROG_FENTRY(TTM_SC_OPENAT) - TTM_PROG_EXTRA] = "fentry/__ia32_(compat_)sys_openat",
	[TTM_PROG_FENTRY(TTM_SC_OPENAT2) - TTM_PROG_EXTRA] = "fentry/__ia32_(compat_)sys_openat2",
	[TTM_PROG_CALIBRATION - TTM_PROG_EXTRA] = "tracepoint/syscalls/sys_enter_getppid",
};

static const char *const config_names[TTM_CONFIG_COUNT] = {
	[TTM_CONFIG_NONE] = "none",
	[TTM_CONFIG_TP] = "tp",
	[TTM_CONFIG_KPROBE] = "kprobe",
	[TTM_CONFIG_FULL] = "full",
	[TTM_CONFIG_RAWTP] = "rawtp",
	[TTM_CONFIG_TP_RAWTP] = "tp+rawtp",
	[TTM_CONFIG_TP_BTF] = "tp_btf",
	[TTM_CONFIG_TP_TP_BTF] = "tp+tp_btf",
	[TTM_CONFIG_FENTRY] = "fentry",
	[TTM_CONFIG_TP_FENTRY] = "tp+fentry",
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
	if (prog_id >= 0 && prog_id < TTM_PROG_EXTRA)
		return prog_names[prog_id];
	if (prog_id >= TTM_PROG_EXTRA && prog_id < TTM_PROG_COUNT)
		return extra_prog_names[prog_id - TTM_PROG_EXTRA];
	return "unknown";
}

const char *ttm_prog_hook(int prog_id)
{
	if (prog_id >= 0 && prog_id < TTM_PROG_EXTRA)
		return prog_hooks[prog_id];
	if (prog_id >= TTM_PROG_EXTRA && prog_id < TTM_PROG_COUNT)
		return extra_prog_hooks[prog_id - TTM_PROG_EXTRA];
	return "unknown";
}

const char *ttm_prog_hook_kind(int prog_id)
{
	if (prog_id >= 0 && prog_id < TTM_PROG_EXTRA)
		return prog_id % 3 == TTM_KIND_TP ? "tracepoint" : "kprobe";
	if (prog_id == TTM_PROG_RAWTP)
		return "raw_tp";
	if (prog_id == TTM_PROG_TP_BTF)
		return "tp_btf";
	if (prog_id >= TTM_PROG_FENTRY(0) && prog_id < TTM_PROG_FENTRY(TTM_SC_COUNT))
		return "fentry";
	if (prog_id == TTM_PROG_CALIBRATION)
		return "tracepoint";
	return "unknown";
}

bool ttm_prog_is_ia32(int prog_id)
{
	if (prog_id >= 0 && prog_id < TTM_PROG_EXTRA)
		return prog_id % 3 != TTM_KIND_TP;
	return prog_id >= TTM_PROG_RAWTP && prog_id < TTM_PROG_CALIBRATION;
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
 * tp, full and the tp+<design> sets include the tracepoint programs; kprobe
 * and full include the one ia32 kprobe chosen per syscall: the compat one
 * unless caps records that only the plain symbol exists (without caps, the
 * compat one). The calibration program belongs to no configuration.
 */
static bool config_has_tracepoints(enum ttm_config config)
{
	return config == TTM_CONFIG_TP || config == TTM_CONFIG_FULL ||
	       config == TTM_CONFIG_TP_RAWTP || config == TTM_CONFIG_TP_TP_BTF ||
	       config == TTM_CONFIG_TP_FENTRY;
}

/* The design programs: rawtp_e, tp_btf_e, and one fentry program per syscall with a wrapper. */
static bool design_has_prog(enum ttm_config config, int prog_id,
			    const struct ttm_capabilities *caps)
{
	int sc = prog_id - TTM_PROG_FENTRY(0);

	if (prog_id == TTM_PROG_RAWTP)
		return config == TTM_CONFIG_RAWTP || config == TTM_CONFIG_TP_RAWTP;
	if (prog_id == TTM_PROG_TP_BTF)
		return config == TTM_CONFIG_TP_BTF || config == TTM_CONFIG_TP_TP_BTF;
	if (sc < 0 || sc >= TTM_SC_COUNT)
		return false;
	if (caps && caps->sc[sc].ia32_kind < 0)
		return false;
	return config == TTM_CONFIG_FENTRY || config == TTM_CONFIG_TP_FENTRY;
}

bool ttm_config_has_prog(enum ttm_config config, int prog_id, const struct ttm_capabilities *caps)
{
	int sc = prog_id / 3, kind = prog_id % 3;
	int ia32_kind = TTM_KIND_IA32_COMPAT;

	if (prog_id >= TTM_PROG_EXTRA && prog_id < TTM_PROG_COUNT)
		return design_has_prog(config, prog_id, caps);
	if (prog_id < 0 || prog_id >= TTM_PROG_EXTRA)
		return false;

	if (kind == TTM_KIND_TP)
		return config_has_tracepoints(config);

	if (caps)
		ia32_kind = caps->sc[sc].ia32_kind;
	return kind == ia32_kind && (config == TTM_CONFIG_KPROBE || config == TTM_CONFIG_FULL);
}
