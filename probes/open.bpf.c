// SPDX-License-Identifier: GPL-2.0
/* open(path, flags, mode) enter events. */
#include "probes/event.bpf.h"

#define OPEN_PARAMS 3

static __always_inline void open_build(struct ttm_ev *ev, const char *path, __u32 flags,
				       __u32 mode)
{
	ttm_ev_put_user_path(ev, path);
	ttm_ev_put_u32(ev, flags);
	ttm_ev_put_u32(ev, mode);
	ttm_ev_submit(ev);
}

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

static __always_inline int ia32_open(struct pt_regs *regs, __u32 prog_id)
{
	struct ttm_ev ev;
	__u32 nr64 = ttm_ia32_to_64_nr(ttm_ia32_nr(regs));

	if (!ttm_ev_begin(&ev, prog_id, nr64, true, OPEN_PARAMS))
		return 0;

	open_build(&ev, (const char *)(unsigned long)TTM_IA32_ARG(regs, bx),
		   TTM_IA32_ARG(regs, cx), TTM_IA32_ARG(regs, dx));
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
