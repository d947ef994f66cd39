// SPDX-License-Identifier: GPL-2.0
/* open(path, flags, mode) enter events. */
#include "probes/syscalls.bpf.h"

SEC("tp/syscalls/sys_enter_open")
int open_e(struct trace_event_raw_sys_enter *ctx)
{
	struct ttm_ev ev;

	if (!ttm_ev_begin(&ev, TTM_PROG_ID(TTM_SC_OPEN, TTM_KIND_TP), ctx->id, false,
			  OPEN_PARAMS))
		return 0;

	open_build(&ev, (const char *)ctx->args[0], ctx->args[1], ctx->args[2]);
	return 0;
}

SEC("kprobe/__ia32_compat_sys_open")
int BPF_KPROBE(ia32_compat_open_e, struct pt_regs *regs)
{
	return ia32_open(regs, TTM_PROG_ID(TTM_SC_OPEN, TTM_KIND_IA32_COMPAT));
}

SEC("kprobe/__ia32_sys_open")
int BPF_KPROBE(ia32_open_e, struct pt_regs *regs)
{
	return ia32_open(regs, TTM_PROG_ID(TTM_SC_OPEN, TTM_KIND_IA32));
}
