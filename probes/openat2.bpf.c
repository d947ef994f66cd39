// SPDX-License-Identifier: GPL-2.0
/* openat2(dirfd, path, how, size) enter events; how is struct open_how. */
#include "probes/syscalls.bpf.h"

SEC("tp/syscalls/sys_enter_openat2")
int openat2_e(struct trace_event_raw_sys_enter *ctx)
{
	struct ttm_ev ev;

	if (!ttm_ev_begin(&ev, TTM_PROG_ID(TTM_SC_OPENAT2, TTM_KIND_TP), ctx->id, false,
			  OPENAT2_PARAMS))
		return 0;

	openat2_build(&ev, (__s32)ctx->args[0], (const char *)ctx->args[1],
		      (const void *)ctx->args[2], ctx->args[3]);
	return 0;
}

SEC("kprobe/__ia32_compat_sys_openat2")
int BPF_KPROBE(ia32_compat_openat2_e, struct pt_regs *regs)
{
	return ia32_openat2(regs, TTM_PROG_ID(TTM_SC_OPENAT2, TTM_KIND_IA32_COMPAT));
}

SEC("kprobe/__ia32_sys_openat2")
int BPF_KPROBE(ia32_openat2_e, struct pt_regs *regs)
{
	return ia32_openat2(regs, TTM_PROG_ID(TTM_SC_OPENAT2, TTM_KIND_IA32));
}
