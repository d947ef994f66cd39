// SPDX-License-Identifier: GPL-2.0
/* Output folders and the workload binary, shared by the subcommands that write results. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "bench/outdir.h"

#define RESULTS_ROOT "results"

/* The folder ttm_prepare_out_dir created, empty when it existed before. */
static char created_dir[PATH_MAX];

int ttm_make_dirs(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

int ttm_make_writable_dirs(const char *path)
{
	int err = ttm_make_dirs(path);

	if (err)
		return err;
	return access(path, W_OK) ? -errno : 0;
}

void ttm_utc_stamp(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm);
}

int ttm_prepare_out_dir(const char *given, const char *suffix, char *out, size_t len,
			const char *cmd)
{
	char probe[PATH_MAX + 32];
	FILE *f;
	int err;

	if (given && given[0]) {
		snprintf(out, len, "%s", given);
	} else {
		char host[64] = "host", stamp[32];

		gethostname(host, sizeof(host) - 1);
		for (char *c = host; *c; c++)
			if (*c == '/' || *c == ' ')
				*c = '_';
		ttm_utc_stamp(stamp, sizeof(stamp));
		snprintf(out, len, "%s/%s-%s%s", RESULTS_ROOT, stamp, host, suffix);
	}

	if (access(out, F_OK))
		snprintf(created_dir, sizeof(created_dir), "%s", out);
	err = ttm_make_dirs(out);
	if (err) {
		fprintf(stderr, "%s: cannot create output folder '%s': %s; give a writable folder "
				"with --out\n", cmd, out, strerror(-err));
		return err;
	}
	snprintf(probe, sizeof(probe), "%s/.write-test.%d", out, (int)getpid());
	f = fopen(probe, "w");
	if (!f || fclose(f)) {
		err = -errno;
		fprintf(stderr, "%s: output folder '%s' is not writable: %s; give a writable folder "
				"with --out\n", cmd, out, strerror(errno));
		return err;
	}
	unlink(probe);
	return 0;
}

void ttm_remove_created_out_dir(void)
{
	if (created_dir[0] && !rmdir(created_dir))
		created_dir[0] = '\0';
}

int ttm_find_workload(char *path, size_t len, const char *cmd)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n < 0)
		return -errno;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	snprintf(path, len, "%.4000s/ttm-workload", self);
	if (access(path, X_OK)) {
		fprintf(stderr, "%s: workload binary %s not found or not executable: build it with "
				"`make all`\n", cmd, path);
		return -ENOENT;
	}
	return 0;
}
