/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per syscall: the function that gathers the enter event's parameters and
 * the one that serves an ia32 call from the caller's user registers. The
 * tracepoint and kprobe programs in probes/<syscall>.bpf.c use them, and so do
 * the alternative hook designs (rawtp.bpf.c, fentry.bpf.c), so every design
 * builds byte-identical events.
 */
#ifndef TTM_SYSCALLS_BPF_H
#define TTM_SYSCALLS_BPF_H

#include "probes/event.bpf.h"

/* connect(fd, addr, addrlen) enter events. */
#define CONNECT_PARAMS 2

static __always_inline void connect_build(struct ttm_ev *ev, __s32 fd, const void *addr,
					  __u32 addrlen)
{
	ttm_ev_put_u64(ev, (__s64)fd);
	ttm_ev_put_user_sockaddr(ev, addr, addrlen);
	ttm_ev_submit(ev);
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

/* creat(path, mode) enter events. */
#define CREAT_PARAMS 2

static __always_inline void creat_build(struct ttm_ev *ev, const char *path, __u32 mode)
{
	ttm_ev_put_user_path(ev, path);
	ttm_ev_put_u32(ev, mode);
	ttm_ev_submit(ev);
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

/* open(path, flags, mode) enter events. */
#define OPEN_PARAMS 3

static __always_inline void open_build(struct ttm_ev *ev, const char *path, __u32 flags,
				       __u32 mode)
{
	ttm_ev_put_user_path(ev, path);
	ttm_ev_put_u32(ev, flags);
	ttm_ev_put_u32(ev, mode);
	ttm_ev_submit(ev);
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

/* openat(dirfd, path, flags, mode) enter events. */
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

/* openat2(dirfd, path, how, size) enter events; how is struct open_how. */
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

#endif /* TTM_SYSCALLS_BPF_H */
