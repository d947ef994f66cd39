// SPDX-License-Identifier: GPL-2.0
/*
 * i386 helper for tests/test_probes.c: issues COUNT openat calls on PATH
 * through the ia32 syscall entry (built with gcc -m32 -static).
 * Usage: ia32_openat PATH COUNT
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long count;

	if (argc != 3 || (count = strtol(argv[2], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: ia32_openat PATH COUNT (COUNT > 0)\n");
		return 2;
	}

	for (long i = 0; i < count; i++) {
		long fd = syscall(SYS_openat, AT_FDCWD, argv[1], O_RDONLY);

		if (fd < 0) {
			perror("ia32_openat: openat");
			return 1;
		}
		close(fd);
	}
	return 0;
}
