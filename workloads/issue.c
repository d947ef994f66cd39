// SPDX-License-Identifier: GPL-2.0
/*
 * Syscall issuers, one per entry path. Each issues exactly one syscall per
 * call and returns its result, or -errno on failure.
 *
 * The libc path calls syscall(3) with the numbers of the binary's own ABI:
 * the 64-bit syscall instruction in ttm-workload, and __kernel_vsyscall in
 * ttm-workload32 (i386 glibc enters the kernel through the vDSO). The int80
 * path exists only in the 64-bit binary and uses the ia32 numbers.
 *
 * Sockets are created with syscall(SYS_socket) rather than socket(3) because
 * i386 glibc may route socket(3) through socketcall, which would blur the
 * socketcall-connect counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/net.h>
#include <linux/types.h>

#include "probes/ttm_event.h"
#include "workloads/workload.h"

static long result_or_errno(long ret)
{
	return ret < 0 ? -errno : ret;
}

#ifdef __x86_64__
#define NR(name) TTM_NR64_##name
#else
#define NR(name) TTM_NR32_##name
#endif

static long issue_libc(enum ttm_workload_syscall sc, struct wl_op_args *args, int fd)
{
	switch (sc) {
	case TTM_WL_CONNECT:
		return result_or_errno(syscall(NR(CONNECT), fd, &args->addr, args->addrlen));
	case TTM_WL_CREAT:
		return result_or_errno(syscall(NR(CREAT), args->path, 0600));
	case TTM_WL_OPEN:
		return result_or_errno(syscall(NR(OPEN), args->path, O_RDONLY));
	case TTM_WL_OPENAT:
		return result_or_errno(syscall(NR(OPENAT), AT_FDCWD, args->path, O_RDONLY));
	case TTM_WL_OPENAT2:
		return result_or_errno(syscall(NR(OPENAT2), AT_FDCWD, args->path, &args->how, sizeof(args->how)));
	case TTM_WL_GETPPID:
		return result_or_errno(syscall(NR(GETPPID)));
	case TTM_WL_SOCKETCALL_CONNECT:
#ifdef __x86_64__
		return -ENOSYS; /* rejected by argument parsing */
#else
		args->socketcall_args[0] = (uint32_t)fd;
		return result_or_errno(syscall(TTM_NR32_SOCKETCALL, SYS_CONNECT, args->socketcall_args));
#endif
	default:
		return -EINVAL;
	}
}

#define DEFINE_LIBC_ISSUER(fn, sc)                                \
	static long fn(struct wl_op_args *args, int fd)           \
	{                                                         \
		return issue_libc(sc, args, fd);                  \
	}

DEFINE_LIBC_ISSUER(libc_connect, TTM_WL_CONNECT)
DEFINE_LIBC_ISSUER(libc_creat, TTM_WL_CREAT)
DEFINE_LIBC_ISSUER(libc_open, TTM_WL_OPEN)
DEFINE_LIBC_ISSUER(libc_openat, TTM_WL_OPENAT)
DEFINE_LIBC_ISSUER(libc_openat2, TTM_WL_OPENAT2)
DEFINE_LIBC_ISSUER(libc_getppid, TTM_WL_GETPPID)
DEFINE_LIBC_ISSUER(libc_socketcall_connect, TTM_WL_SOCKETCALL_CONNECT)

static const wl_issue_fn libc_issuers[TTM_WL_COUNT] = {
	[TTM_WL_CONNECT] = libc_connect,
	[TTM_WL_CREAT] = libc_creat,
	[TTM_WL_OPEN] = libc_open,
	[TTM_WL_OPENAT] = libc_openat,
	[TTM_WL_OPENAT2] = libc_openat2,
	[TTM_WL_GETPPID] = libc_getppid,
	[TTM_WL_SOCKETCALL_CONNECT] = libc_socketcall_connect,
};

#ifdef __x86_64__
/*
 * int $0x80 takes the ia32 number in eax and arguments in ebx, ecx, edx, esi.
 * The kernel truncates them to 32 bits, so wl_op_args lives in a MAP_32BIT
 * mapping. r8-r11 are listed as clobbered because kernels before 4.17 zeroed
 * them on this path.
 */
static long int80(long nr, long a1, long a2, long a3, long a4)
{
	long ret;

	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(nr), "b"(a1), "c"(a2), "d"(a3), "S"(a4)
		     : "memory", "r8", "r9", "r10", "r11");
	return (int)ret;
}

static long issue_int80(enum ttm_workload_syscall sc, struct wl_op_args *args, int fd)
{
	long path = (long)(uintptr_t)args->path;

	switch (sc) {
	case TTM_WL_CONNECT:
		return int80(TTM_NR32_CONNECT, fd, (long)(uintptr_t)&args->addr, args->addrlen, 0);
	case TTM_WL_CREAT:
		return int80(TTM_NR32_CREAT, path, 0600, 0, 0);
	case TTM_WL_OPEN:
		return int80(TTM_NR32_OPEN, path, O_RDONLY, 0, 0);
	case TTM_WL_OPENAT:
		return int80(TTM_NR32_OPENAT, AT_FDCWD, path, O_RDONLY, 0);
	case TTM_WL_OPENAT2:
		return int80(TTM_NR32_OPENAT2, AT_FDCWD, path, (long)(uintptr_t)&args->how, sizeof(args->how));
	case TTM_WL_GETPPID:
		return int80(TTM_NR32_GETPPID, 0, 0, 0, 0);
	case TTM_WL_SOCKETCALL_CONNECT:
		args->socketcall_args[0] = (uint32_t)fd;
		return int80(TTM_NR32_SOCKETCALL, SYS_CONNECT, (long)(uintptr_t)args->socketcall_args, 0, 0);
	default:
		return -EINVAL;
	}
}

#define DEFINE_INT80_ISSUER(fn, sc)                               \
	static long fn(struct wl_op_args *args, int fd)           \
	{                                                         \
		return issue_int80(sc, args, fd);                 \
	}

DEFINE_INT80_ISSUER(int80_connect, TTM_WL_CONNECT)
DEFINE_INT80_ISSUER(int80_creat, TTM_WL_CREAT)
DEFINE_INT80_ISSUER(int80_open, TTM_WL_OPEN)
DEFINE_INT80_ISSUER(int80_openat, TTM_WL_OPENAT)
DEFINE_INT80_ISSUER(int80_openat2, TTM_WL_OPENAT2)
DEFINE_INT80_ISSUER(int80_getppid, TTM_WL_GETPPID)
DEFINE_INT80_ISSUER(int80_socketcall_connect, TTM_WL_SOCKETCALL_CONNECT)

static const wl_issue_fn int80_issuers[TTM_WL_COUNT] = {
	[TTM_WL_CONNECT] = int80_connect,
	[TTM_WL_CREAT] = int80_creat,
	[TTM_WL_OPEN] = int80_open,
	[TTM_WL_OPENAT] = int80_openat,
	[TTM_WL_OPENAT2] = int80_openat2,
	[TTM_WL_GETPPID] = int80_getppid,
	[TTM_WL_SOCKETCALL_CONNECT] = int80_socketcall_connect,
};

/* Issue ia32 getppid through int $0x80: the probe for ia32 emulation. */
long wl_int80_getppid(void)
{
	return int80(TTM_NR32_GETPPID, 0, 0, 0, 0);
}
#endif /* __x86_64__ */

/* Return the issuer of one op for the configured syscall and entry path. */
wl_issue_fn wl_issuer(const struct wl_config *cfg)
{
	if (cfg->hostile != WL_HOSTILE_NONE)
		return wl_hostile_issuer();
#ifdef __x86_64__
	if (cfg->entry == TTM_ENTRY_IA32_INT80)
		return int80_issuers[cfg->syscall];
#endif
	return libc_issuers[cfg->syscall];
}

bool wl_needs_socket(enum ttm_workload_syscall sc)
{
	return sc == TTM_WL_CONNECT || sc == TTM_WL_SOCKETCALL_CONNECT;
}

bool wl_returns_fd(enum ttm_workload_syscall sc)
{
	return sc == TTM_WL_CREAT || sc == TTM_WL_OPEN || sc == TTM_WL_OPENAT || sc == TTM_WL_OPENAT2;
}

unsigned int wl_extra_syscalls_per_op(enum ttm_workload_syscall sc)
{
	if (wl_needs_socket(sc))
		return 4; /* socket, close; listener: accept4, close */
	if (wl_returns_fd(sc))
		return 1; /* close */
	return 0;
}

int wl_socket(int family)
{
	return (int)result_or_errno(syscall(SYS_socket, family, SOCK_STREAM | SOCK_CLOEXEC, 0));
}
