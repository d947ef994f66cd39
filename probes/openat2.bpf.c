// SPDX-License-Identifier: GPL-2.0
/* openat2(dirfd, path, how, size) enter events; how is struct open_how. */
#include "probes/event.bpf.h"

#define OPENAT2_PARAMS 5

/* struct open_how of the first openat2 ABI (OPEN_HOW_SIZE_VER0 = 24 bytes). */
struct ttm_open_how {
	__u64 flags;
	__u64 mode;
	__u64 resolve;
};

/* The kernel rejects larger sizes with E2BIG (copy_struct_from_user limit). */
#define TTM_OPEN_HOW_SIZE_MAX 4096

static __always_inline void openat2_build(struct ttm_ev *ev, __s32 dirfd, const char *path,
					  const void *uhow, __u64 size)
{
	struct ttm_open_how how = {};
	bool how_read = size >= sizeof(how) && size <= TTM_OPEN_HOW_SIZE_MAX &&
			!bpf_probe_read_user(&how, sizeof(how), uhow);

	ttm_ev_put_u64(ev, (__s64)dirfd);
	ttm_ev_put_user_path(ev, path);
	if (how_read) {
		ttm_ev_put_u64(ev, how.flags);
		ttm_ev_put_u64(ev, how.mode);
		ttm_ev_put_u64(ev, how.resolve);
	} else {
		ttm_ev_put_empty(ev);
		ttm_ev_put_empty(ev);
		ttm_ev_put_empty(ev);
	}
	ttm_ev_submit(ev);
}

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

static __always_inline int ia32_openat2(struct pt_regs *regs, __u32 prog_id)
{
	struct ttm_ev ev;
	__u32 nr64 = ttm_ia32_to_64_nr(ttm_ia32_nr(regs));

	if (!ttm_ev_begin(&ev, prog_id, nr64, true, OPENAT2_PARAMS))
		return 0;

	openat2_build(&ev, (__s32)TTM_IA32_ARG(regs, bx),
		      (const char *)(unsigned long)TTM_IA32_ARG(regs, cx),
		      (const void *)(unsigned long)TTM_IA32_ARG(regs, dx), TTM_IA32_ARG(regs, si));
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
