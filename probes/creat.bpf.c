// SPDX-License-Identifier: GPL-2.0
/* creat(path, mode) enter events. */
#include "probes/event.bpf.h"

#define CREAT_PARAMS 2

static __always_inline void creat_build(struct ttm_ev *ev, const char *path, __u32 mode)
{
	ttm_ev_put_user_path(ev, path);
	ttm_ev_put_u32(ev, mode);
	ttm_ev_submit(ev);
}

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

static __always_inline int ia32_creat(struct pt_regs *regs, __u32 prog_id)
{
	struct ttm_ev ev;
	__u32 nr64 = ttm_ia32_to_64_nr(ttm_ia32_nr(regs));

	if (!ttm_ev_begin(&ev, prog_id, nr64, true, CREAT_PARAMS))
		return 0;

	creat_build(&ev, (const char *)(unsigned long)TTM_IA32_ARG(regs, bx),
		    TTM_IA32_ARG(regs, cx));
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
