// SPDX-License-Identifier: GPL-2.0
/* connect(fd, addr, addrlen) enter events. */
#include "probes/event.bpf.h"

#define CONNECT_PARAMS 2

static __always_inline void connect_build(struct ttm_ev *ev, __s32 fd, const void *addr,
					  __u32 addrlen)
{
	ttm_ev_put_u64(ev, (__s64)fd);
	ttm_ev_put_user_sockaddr(ev, addr, addrlen);
	ttm_ev_submit(ev);
}

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

/*
 * Only the direct ia32 connect syscall reaches __ia32_sys_connect; connect
 * issued through socketcall() takes another path and is not seen here.
 */
static __always_inline int ia32_connect(struct pt_regs *regs, __u32 prog_id)
{
	struct ttm_ev ev;
	__u32 nr64 = ttm_ia32_to_64_nr(ttm_ia32_nr(regs));

	if (!ttm_ev_begin(&ev, prog_id, nr64, true, CONNECT_PARAMS))
		return 0;

	connect_build(&ev, (__s32)TTM_IA32_ARG(regs, bx),
		      (const void *)(unsigned long)TTM_IA32_ARG(regs, cx), TTM_IA32_ARG(regs, dx));
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
