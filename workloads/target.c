// SPDX-License-Identifier: GPL-2.0
/*
 * Targets of the ops: a private temporary directory with one target file, and
 * for connect a listener on loopback or a unix socket, with a thread that
 * accepts and closes every connection.
 *
 * Setup uses raw syscall(SYS_...) for sockets (see issue.c) and mknod for the
 * file, so it issues none of the syscalls a run counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "workloads/workload.h"

#ifndef MAP_32BIT
#define MAP_32BIT 0 /* i386: every address fits in 32 bits */
#endif

static void *accept_loop(void *arg)
{
	struct wl_target *target = arg;

	for (;;) {
		long fd = syscall(SYS_accept4, target->listen_fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd >= 0) {
			close((int)fd);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		/* EINVAL once wl_target_teardown() shuts the listener down. */
		return NULL;
	}
}

/*
 * NOTE: each loopback TCP connection leaves a TIME_WAIT socket. With
 * net.ipv4.tcp_tw_reuse=0, a long max-rate run can run out of ephemeral ports,
 * and connect then fails with EADDRNOTAVAIL (counted as errors).
 */
static int fill_address(const struct wl_config *cfg, struct wl_target *target)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)&target->addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&target->addr;
	struct sockaddr_un *un = (struct sockaddr_un *)&target->addr;

	memset(&target->addr, 0, sizeof(target->addr));
	switch (cfg->family) {
	case AF_INET:
		in4->sin_family = AF_INET;
		in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		target->addrlen = sizeof(*in4);
		return 0;
	case AF_INET6:
		in6->sin6_family = AF_INET6;
		in6->sin6_addr = in6addr_loopback;
		target->addrlen = sizeof(*in6);
		return 0;
	default:
		snprintf(target->unix_path, sizeof(target->unix_path), "%s/listener.sock", target->dir);
		if (strlen(target->unix_path) >= sizeof(un->sun_path)) {
			fprintf(stderr, "%s: unix socket path %s is longer than %zu bytes; set TMPDIR to a shorter directory\n",
				program_invocation_short_name, target->unix_path, sizeof(un->sun_path) - 1);
			target->unix_path[0] = '\0';
			return -1;
		}
		un->sun_family = AF_UNIX;
		strcpy(un->sun_path, target->unix_path);
		target->addrlen = sizeof(*un);
		return 0;
	}
}

static int start_listener(const struct wl_config *cfg, struct wl_target *target)
{
	socklen_t len = sizeof(target->addr);
	int err;

	if (fill_address(cfg, target) < 0)
		return -1;

	target->listen_fd = wl_socket(cfg->family);
	if (target->listen_fd < 0) {
		fprintf(stderr, "%s: failed to create the %s listener socket: %s%s\n", program_invocation_short_name,
			wl_family_name(cfg->family), strerror(-target->listen_fd),
			cfg->family == AF_INET6 ? " (is IPv6 disabled? try --family inet)" : "");
		target->listen_fd = -1;
		return -1;
	}

	/* Port 0: the kernel picks a free port, read back with getsockname. */
	if (syscall(SYS_bind, target->listen_fd, &target->addr, target->addrlen) < 0 ||
	    syscall(SYS_listen, target->listen_fd, SOMAXCONN) < 0 ||
	    syscall(SYS_getsockname, target->listen_fd, &target->addr, &len) < 0) {
		fprintf(stderr, "%s: failed to set up the %s listener on %s: %s%s\n", program_invocation_short_name,
			wl_family_name(cfg->family), cfg->family == AF_UNIX ? target->unix_path : "loopback",
			strerror(errno), cfg->family == AF_INET6 ? " (is ::1 configured? try --family inet)" : "");
		return -1;
	}
	if (cfg->family == AF_UNIX)
		len = sizeof(struct sockaddr_un);
	target->addrlen = len;

	err = pthread_create(&target->acceptor, NULL, accept_loop, target);
	if (err) {
		fprintf(stderr, "%s: failed to start the listener thread: %s\n", program_invocation_short_name,
			strerror(err));
		return -1;
	}
	target->acceptor_running = true;
	return 0;
}

int wl_target_setup(const struct wl_config *cfg, struct wl_target *target)
{
	const char *tmp = getenv("TMPDIR");

	memset(target, 0, sizeof(*target));
	target->listen_fd = -1;

	/* The pid in the name lets the runner remove the folder of a workload that was killed. */
	snprintf(target->dir, sizeof(target->dir), "%s/ttm-workload.%d.XXXXXX", tmp && *tmp ? tmp : "/tmp",
		 (int)getpid());
	if (!mkdtemp(target->dir)) {
		fprintf(stderr, "%s: failed to create a temporary directory %s: %s; set TMPDIR to a writable directory\n",
			program_invocation_short_name, target->dir, strerror(errno));
		target->dir[0] = '\0';
		return -1;
	}

	snprintf(target->file, sizeof(target->file), "%s/target", target->dir);
	if (mknod(target->file, S_IFREG | 0600, 0) < 0) {
		fprintf(stderr, "%s: failed to create %s: %s\n", program_invocation_short_name, target->file,
			strerror(errno));
		target->file[0] = '\0';
		wl_target_teardown(target);
		return -1;
	}

	if (wl_needs_socket(cfg->syscall) && start_listener(cfg, target) < 0) {
		wl_target_teardown(target);
		return -1;
	}
	return 0;
}

void wl_target_teardown(struct wl_target *target)
{
	if (target->listen_fd >= 0) {
		syscall(SYS_shutdown, target->listen_fd, SHUT_RDWR);
		if (target->acceptor_running)
			pthread_join(target->acceptor, NULL);
		close(target->listen_fd);
		target->listen_fd = -1;
	}
	if (target->unix_path[0])
		unlink(target->unix_path);
	if (target->file[0])
		unlink(target->file);
	if (target->dir[0] && rmdir(target->dir) < 0)
		fprintf(stderr, "%s: failed to remove %s: %s\n", program_invocation_short_name, target->dir,
			strerror(errno));
}

struct wl_op_args *wl_op_args_new(const struct wl_target *target)
{
	struct wl_op_args *args = mmap(NULL, sizeof(*args), PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (args == MAP_FAILED) {
		fprintf(stderr, "%s: failed to map the op arguments below 4 GiB: %s\n", program_invocation_short_name,
			strerror(errno));
		return NULL;
	}

	snprintf(args->path, sizeof(args->path), "%s", target->file);
	args->addr = target->addr;
	args->addrlen = target->addrlen;
	args->how.flags = O_RDONLY;
	args->socketcall_args[1] = (uint32_t)(uintptr_t)&args->addr;
	args->socketcall_args[2] = args->addrlen;
	return args;
}

void wl_op_args_free(struct wl_op_args *args)
{
	if (args)
		munmap(args, sizeof(*args));
}
