// SPDX-License-Identifier: GPL-2.0
/* connect(fd, addr, addrlen) enter events. */
#include "probes/syscalls.bpf.h"

SEC("tp/syscalls/sys_enter_connect")
int connect_e(struct trace_event_raw_sys_enter *ctx)
{
	struct ttm_ev ev;

	if (!ttm_ev_begin(&ev, TTM_PROG_ID(TTM_SC_CONNECT, TTM_KIND_TP), ctx->id, false,
			  CONNECT_PARAMS))
		return 0;

	connect_build(&ev, (__s32)ctx->args[0], (const void *)ctx->args[1], ctx->args[2]);
	return 0;
}

SEC("kprobe/__ia32_compat_sys_connect")
int BPF_KPROBE(ia32_compat_connect_e, struct pt_regs *regs)
{
	return ia32_connect(regs, TTM_PROG_ID(TTM_SC_CONNECT, TTM_KIND_IA32_COMPAT));
}

SEC("kprobe/__ia32_sys_connect")
int BPF_KPROBE(ia32_connect_e, struct pt_regs *regs)
{
	return ia32_connect(regs, TTM_PROG_ID(TTM_SC_CONNECT, TTM_KIND_IA32));
}
