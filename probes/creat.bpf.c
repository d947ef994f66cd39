// SPDX-License-Identifier: GPL-2.0
/* creat(path, mode) enter events. */
#include "probes/syscalls.bpf.h"

SEC("tp/syscalls/sys_enter_creat")
int creat_e(struct trace_event_raw_sys_enter *ctx)
{
	struct ttm_ev ev;

	if (!ttm_ev_begin(&ev, TTM_PROG_ID(TTM_SC_CREAT, TTM_KIND_TP), ctx->id, false,
			  CREAT_PARAMS))
		return 0;

	creat_build(&ev, (const char *)ctx->args[0], ctx->args[1]);
	return 0;
}

SEC("kprobe/__ia32_compat_sys_creat")
int BPF_KPROBE(ia32_compat_creat_e, struct pt_regs *regs)
{
	return ia32_creat(regs, TTM_PROG_ID(TTM_SC_CREAT, TTM_KIND_IA32_COMPAT));
}

SEC("kprobe/__ia32_sys_creat")
int BPF_KPROBE(ia32_creat_e, struct pt_regs *regs)
{
	return ia32_creat(regs, TTM_PROG_ID(TTM_SC_CREAT, TTM_KIND_IA32));
}
