// SPDX-License-Identifier: GPL-2.0
/*
 * Alternative hook design: one program on the sys_enter raw tracepoint serves
 * ia32 calls of the five syscalls. It runs on every syscall of every process,
 * native ones included, and returns at once unless the task is in an ia32
 * syscall, so a native caller pays the raw tracepoint dispatch and that check.
 * The same code runs as a raw_tp program and as a tp_btf program.
 */
#include "probes/syscalls.bpf.h"

/* thread_info.status bit of a task inside an ia32 syscall (arch/x86/include/asm/thread_info.h). */
#define TTM_TS_COMPAT 0x0002
/* socketcall(call, args) call number of connect (include/uapi/linux/net.h). */
#define TTM_SYS_CONNECT 3

static __always_inline bool ttm_in_ia32_syscall(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	return BPF_CORE_READ(task, thread_info.status) & TTM_TS_COMPAT;
}

/*
 * socketcall(SYS_CONNECT, args): args points to three i386 unsigned longs
 * (fd, addr, addrlen) in user memory. This call does not pass through
 * __ia32_sys_connect, so the kprobe design misses it.
 */
static __always_inline int ia32_socketcall(struct pt_regs *regs, __u32 prog_id)
{
	__u32 args[3] = {};
	struct ttm_ev ev;

	if (TTM_IA32_ARG(regs, bx) != TTM_SYS_CONNECT)
		return 0;
	if (!ttm_ev_begin(&ev, prog_id, TTM_NR64_CONNECT, true, CONNECT_PARAMS))
		return 0;

	if (bpf_probe_read_user(args, sizeof(args),
				(const void *)(unsigned long)TTM_IA32_ARG(regs, cx))) {
		ttm_ev_put_empty(&ev);
		ttm_ev_put_empty(&ev);
		ttm_ev_submit(&ev);
		return 0;
	}
	connect_build(&ev, (__s32)args[0], (const void *)(unsigned long)args[1], args[2]);
	return 0;
}

/*
 * Serve one sys_enter. Calls that are not ia32, and ia32 calls of other
 * syscalls, return before any counter is touched: only the five syscalls
 * (and socketcall's connect) count as fired.
 */
static __always_inline int ia32_sys_enter(struct pt_regs *regs, long id, __u32 prog_id)
{
	if (!ttm_in_ia32_syscall())
		return 0;
	if (id == TTM_NR32_SOCKETCALL)
		return ia32_socketcall(regs, prog_id);

	switch (ttm_ia32_to_64_nr((__u32)id)) {
	case TTM_NR64_CONNECT:
		return ia32_connect(regs, prog_id);
	case TTM_NR64_CREAT:
		return ia32_creat(regs, prog_id);
	case TTM_NR64_OPEN:
		return ia32_open(regs, prog_id);
	case TTM_NR64_OPENAT:
		return ia32_openat(regs, prog_id);
	case TTM_NR64_OPENAT2:
		return ia32_openat2(regs, prog_id);
	}
	return 0;
}

SEC("raw_tp/sys_enter")
int BPF_PROG(rawtp_e, struct pt_regs *regs, long id)
{
	return ia32_sys_enter(regs, id, TTM_PROG_RAWTP);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(tp_btf_e, struct pt_regs *regs, long id)
{
	return ia32_sys_enter(regs, id, TTM_PROG_TP_BTF);
}
