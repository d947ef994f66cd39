// SPDX-License-Identifier: GPL-2.0
/*
 * --hostile KIND: ops whose user-memory arguments the kernel must reject, to
 * check that the probes read them without harm. Each call fails in the
 * kernel. A probe's read of the argument fails or is cut short, so the event
 * carries TTM_EVT_READ_ERROR and the program counts read_errors.
 *
 *   unmapped-path       path pointer into page 1, which is never mapped: EFAULT
 *   long-path           a path of PATH_MAX + 64 bytes: ENAMETOOLONG
 *   unterminated-path   64 bytes without a NUL that end where a PROT_NONE
 *                       page begins: EFAULT
 *   sockaddr-len-0      connect with addrlen 0: EINVAL
 *   sockaddr-len-large  connect with addrlen sizeof(sockaddr_storage) + 1: EINVAL
 *   how-size-small      openat2 with a size below OPEN_HOW_SIZE_VER0: EINVAL
 *   how-size-large      openat2 with a size of two pages: E2BIG
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/types.h>

#include "probes/ttm_event.h"
#include "workloads/workload.h"

#ifdef __x86_64__
#define NR(name) TTM_NR64_##name
#else
#define NR(name) TTM_NR32_##name
#endif

/* Bytes of the unterminated path, all before the PROT_NONE page. */
#define UNTERMINATED_LEN 64
#define LONG_PATH_LEN (PATH_MAX + 64)
/* Size of the first struct open_how (include/linux/openat2.h in the kernel, not in uapi). */
#define OPEN_HOW_SIZE_VER0 24

static const char *const hostile_names[WL_HOSTILE_COUNT] = {
	[WL_HOSTILE_NONE] = "none",
	[WL_HOSTILE_UNMAPPED_PATH] = "unmapped-path",
	[WL_HOSTILE_LONG_PATH] = "long-path",
	[WL_HOSTILE_UNTERMINATED_PATH] = "unterminated-path",
	[WL_HOSTILE_SOCKADDR_LEN_0] = "sockaddr-len-0",
	[WL_HOSTILE_SOCKADDR_LEN_LARGE] = "sockaddr-len-large",
	[WL_HOSTILE_HOW_SIZE_SMALL] = "how-size-small",
	[WL_HOSTILE_HOW_SIZE_LARGE] = "how-size-large",
};

/* The arguments every op passes, set once by wl_hostile_setup before the workers start. */
static struct {
	enum ttm_workload_syscall syscall;
	const char *path;
	const struct open_how *how;
	size_t how_size;
	const struct sockaddr_storage *addr;
	uint32_t addrlen;
} hostile;

static struct open_how valid_how = { .flags = O_RDONLY };

const char *wl_hostile_name(enum wl_hostile kind)
{
	return kind < WL_HOSTILE_COUNT ? hostile_names[kind] : "?";
}

int wl_hostile_from_name(const char *name)
{
	for (int i = 0; i < WL_HOSTILE_COUNT; i++)
		if (!strcmp(hostile_names[i], name))
			return i;
	return -1;
}

bool wl_hostile_applies(enum wl_hostile kind, enum ttm_workload_syscall sc)
{
	switch (kind) {
	case WL_HOSTILE_NONE:
		return true;
	case WL_HOSTILE_UNMAPPED_PATH:
	case WL_HOSTILE_LONG_PATH:
	case WL_HOSTILE_UNTERMINATED_PATH:
		return wl_returns_fd(sc);
	case WL_HOSTILE_SOCKADDR_LEN_0:
	case WL_HOSTILE_SOCKADDR_LEN_LARGE:
		return sc == TTM_WL_CONNECT;
	case WL_HOSTILE_HOW_SIZE_SMALL:
	case WL_HOSTILE_HOW_SIZE_LARGE:
		return sc == TTM_WL_OPENAT2;
	default:
		return false;
	}
}

/* Page 1 lies below vm.mmap_min_addr (64 KiB by default); msync fails with ENOMEM if unmapped. */
static const char *unmapped_address(void)
{
	long page = sysconf(_SC_PAGESIZE);
	void *addr = (void *)(uintptr_t)page;

	if (msync(addr, page, MS_ASYNC) == 0 || errno != ENOMEM) {
		fprintf(stderr, "%s: --hostile unmapped-path: address %p is mapped in this process\n",
			program_invocation_short_name, addr);
		return NULL;
	}
	return addr;
}

static const char *long_path(void)
{
	char *path = malloc(LONG_PATH_LEN + 1);

	if (!path)
		return NULL;
	path[0] = '/';
	memset(path + 1, 'x', LONG_PATH_LEN - 1);
	path[LONG_PATH_LEN] = '\0';
	return path;
}

/* Two pages: the string's last byte is the first page's last byte, the second page is PROT_NONE. */
static const char *unterminated_path(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *pages = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *start;

	if (pages == MAP_FAILED)
		return NULL;
	if (mprotect(pages + page, page, PROT_NONE)) {
		munmap(pages, 2 * page);
		return NULL;
	}
	start = pages + page - UNTERMINATED_LEN;
	start[0] = '/';
	memset(start + 1, 'u', UNTERMINATED_LEN - 1);
	return start;
}

int wl_hostile_setup(const struct wl_config *cfg, const struct wl_target *target)
{
	hostile.syscall = cfg->syscall;
	hostile.how = &valid_how;
	hostile.how_size = sizeof(valid_how);
	hostile.addr = &target->addr;
	hostile.addrlen = target->addrlen;

	switch (cfg->hostile) {
	case WL_HOSTILE_UNMAPPED_PATH:
		hostile.path = unmapped_address();
		break;
	case WL_HOSTILE_LONG_PATH:
		hostile.path = long_path();
		break;
	case WL_HOSTILE_UNTERMINATED_PATH:
		hostile.path = unterminated_path();
		break;
	case WL_HOSTILE_SOCKADDR_LEN_0:
		hostile.addrlen = 0;
		return 0;
	case WL_HOSTILE_SOCKADDR_LEN_LARGE:
		hostile.addrlen = sizeof(struct sockaddr_storage) + 1;
		return 0;
	case WL_HOSTILE_HOW_SIZE_SMALL:
		hostile.path = target->file;
		hostile.how_size = OPEN_HOW_SIZE_VER0 - 8;
		return 0;
	case WL_HOSTILE_HOW_SIZE_LARGE:
		hostile.path = target->file;
		hostile.how_size = 2 * sysconf(_SC_PAGESIZE);
		return 0;
	default:
		return 0;
	}
	if (!hostile.path) {
		fprintf(stderr, "%s: preparing --hostile %s failed: %s\n", program_invocation_short_name,
			wl_hostile_name(cfg->hostile), strerror(errno));
		return -1;
	}
	return 0;
}

static long result_or_errno(long ret)
{
	return ret < 0 ? -errno : ret;
}

/* One op through the binary's own ABI, as issue_libc in issue.c, with the hostile arguments. */
static long issue_hostile(struct wl_op_args *args, int fd)
{
	(void)args;
	switch (hostile.syscall) {
	case TTM_WL_CONNECT:
		return result_or_errno(syscall(NR(CONNECT), fd, hostile.addr, hostile.addrlen));
	case TTM_WL_CREAT:
		return result_or_errno(syscall(NR(CREAT), hostile.path, 0600));
	case TTM_WL_OPEN:
		return result_or_errno(syscall(NR(OPEN), hostile.path, O_RDONLY));
	case TTM_WL_OPENAT:
		return result_or_errno(syscall(NR(OPENAT), AT_FDCWD, hostile.path, O_RDONLY));
	case TTM_WL_OPENAT2:
		return result_or_errno(syscall(NR(OPENAT2), AT_FDCWD, hostile.path, hostile.how,
					       hostile.how_size));
	default:
		return -EINVAL;
	}
}

wl_issue_fn wl_hostile_issuer(void)
{
	return issue_hostile;
}
