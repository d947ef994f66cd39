// SPDX-License-Identifier: GPL-2.0
/* The ia32 entry paths of the 64-bit binary: emulation check and the i386 sibling. */
#include <errno.h>
#include <limits.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "workloads/workload.h"

#ifdef __x86_64__

#define PROBE_EXIT_OK 0
#define PROBE_EXIT_ENOSYS 3
#define PROBE_EXIT_OTHER 4

static void __attribute__((noreturn)) ia32_unavailable(const char *how)
{
	fprintf(stderr,
		"%s: ia32 emulation unavailable (%s); the ia32 entries need a kernel with "
		"CONFIG_IA32_EMULATION booted without ia32_emulation=0; use --entry native\n",
		program_invocation_short_name, how);
	exit(WL_EXIT_USAGE);
}

/*
 * Issue one ia32 getppid through int $0x80 in a forked child. Without ia32
 * emulation the call raises SIGSEGV or returns -ENOSYS (a seccomp filter can
 * do the latter too), and only the child pays for it.
 */
void wl_check_ia32_emulation(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		long ret = wl_int80_getppid();

		if (ret > 0)
			_exit(PROBE_EXIT_OK);
		if (ret == -ENOSYS)
			_exit(PROBE_EXIT_ENOSYS);
		_exit(PROBE_EXIT_OTHER);
	}

	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		exit(1);
	}
	if (WIFSIGNALED(status)) {
		char how[64];

		snprintf(how, sizeof(how), "int $0x80 raised %s", strsignal(WTERMSIG(status)));
		ia32_unavailable(how);
	}
	if (WEXITSTATUS(status) == PROBE_EXIT_ENOSYS)
		ia32_unavailable("int $0x80 returned ENOSYS");
	if (WEXITSTATUS(status) != PROBE_EXIT_OK)
		ia32_unavailable("int $0x80 getppid failed");
}

/* Replace this process with ttm-workload32 from our own directory, same arguments. */
void wl_exec_ia32_sibling(char **argv)
{
	char self[PATH_MAX], sibling[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (len < 0) {
		perror("readlink /proc/self/exe");
		exit(1);
	}
	self[len] = '\0';
	snprintf(sibling, sizeof(sibling), "%s/ttm-workload32", dirname(self));

	if (access(sibling, X_OK) < 0) {
		fprintf(stderr,
			"%s: --entry ia32 needs %s, which is %s; build both binaries with 'make all' "
			"and keep them in one directory\n",
			program_invocation_short_name, sibling,
			errno == ENOENT ? "missing" : strerror(errno));
		exit(WL_EXIT_USAGE);
	}

	argv[0] = sibling;
	execv(sibling, argv);

	if (errno == ENOEXEC)
		ia32_unavailable("the kernel cannot execute the i386 binary");
	fprintf(stderr, "%s: failed to run %s: %s\n", program_invocation_short_name, sibling, strerror(errno));
	exit(1);
}

#else /* i386: this binary is the ia32 entry */

void wl_check_ia32_emulation(void)
{
}

void wl_exec_ia32_sibling(char **argv)
{
	(void)argv;
}

#endif
