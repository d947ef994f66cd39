// SPDX-License-Identifier: GPL-2.0
/* openat(dirfd, path, flags, mode) enter events. */
#include "probes/event.bpf.h"

#define OPENAT_PARAMS 4

static __always_inline void openat_build(struct ttm_ev *ev, __s32 dirfd, const char *path,
					 __u32 flags, __u32 mode)
{
	ttm_ev_put_u64(ev, (__s64)dirfd);
	ttm_ev_put_user_path(ev, path);
	ttm_ev_put_u32(ev, flags);
	ttm_ev_put_u32(ev, mode);
	ttm_ev_submit(ev);
}

SEC("tp/syscalls/sys_enter_openat")
int openat_e(struct trace_event_raw_sys_enter *ctx)
{
	struct ttm_ev ev;

	if (!ttm_ev_begin(&ev, TTM_PROG_ID(TTM_SC_OPENAT, TTM_KIND_TP), ctx->id, false,
			  OPENAT_PARAMS))
		return 0;

	openat_build(&ev, (__s32)ctx->args[0], (const char *)ctx->args[1], ctx->args[2],
		     ctx->args[3]);
	return 0;
}

static __always_inline int ia32_openat(struct pt_regs *regs, __u32 prog_id)
{
	struct ttm_ev ev;
	__u32 nr64 = ttm_ia32_to_64_nr(ttm_ia32_nr(regs));

	if (!ttm_ev_begin(&ev, prog_id, nr64, true, OPENAT_PARAMS))
		return 0;

	openat_build(&ev, (__s32)TTM_IA32_ARG(regs, bx),
		     (const char *)(unsigned long)TTM_IA32_ARG(regs, cx), TTM_IA32_ARG(regs, dx),
		     TTM_IA32_ARG(regs, si));
	return 0;
}

SEC("kprobe/__ia32_compat_sys_openat")
int BPF_KPROBE(ia32_compat_openat_e, struct pt_regs *regs)
{
	return ia32_openat(regs, TTM_PROG_ID(TTM_SC_OPENAT, TTM_KIND_IA32_COMPAT));
}

SEC("kprobe/__ia32_sys_openat")
int BPF_KPROBE(ia32_openat_e, struct pt_regs *regs)
{
	return ia32_openat(regs, TTM_PROG_ID(TTM_SC_OPENAT, TTM_KIND_IA32));
}
