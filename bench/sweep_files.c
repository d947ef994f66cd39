// SPDX-License-Identifier: GPL-2.0
/*
 * Output folder, workload binary, atomic text files and rate labels for
 * `ttmbench sweep`, `ttmbench ringbuf` and `ttmbench advise`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "bench/sweep.h"

#define RESULTS_ROOT "results"

/* mkdir -p, one level at a time. */
static int make_dirs(const char *path)
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

int ttm_sweep_prepare_dir(const char *given, const char *suffix, char *out, size_t len,
			  const char *cmd)
{
	char probe[PATH_MAX + 32];
	FILE *f;
	int err;

	if (given && given[0]) {
		snprintf(out, len, "%s", given);
	} else {
		char host[64] = "host", stamp[32];
		time_t now = time(NULL);
		struct tm tm;

		gethostname(host, sizeof(host) - 1);
		for (char *c = host; *c; c++)
			if (*c == '/' || *c == ' ')
				*c = '_';
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		snprintf(out, len, "%s/%s-%s%s", RESULTS_ROOT, stamp, host, suffix);
	}

	err = make_dirs(out);
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

int ttm_sweep_find_workload(char *path, size_t len, const char *cmd)
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

int ttm_sweep_write_text(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	size_t len = strlen(text);
	bool written;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.%d", dir, name, (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	written = fwrite(text, 1, len, f) == len;
	if (fclose(f) || !written) {
		int err = errno ? errno : EIO;

		unlink(tmp);
		return -err;
	}
	if (rename(tmp, path)) {
		int err = errno;

		unlink(tmp);
		return -err;
	}
	return 0;
}

void ttm_sweep_rate_label(double rate, char *buf, size_t len)
{
	if (rate > 0)
		snprintf(buf, len, "%.0f", rate);
	else
		snprintf(buf, len, "max");
}
