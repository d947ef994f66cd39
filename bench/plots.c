// SPDX-License-Identifier: GPL-2.0
/* Run gnuplot on one of the scripts/plot-*.gp scripts, bounded in time. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "bench/plots.h"

#define GNUPLOT_TIMEOUT_MS 60000
#define MAX_VARS 16

int ttm_plot_scripts_dir(char *out, size_t len)
{
	const char *env = getenv("TTMBENCH_SCRIPTS");
	char self[PATH_MAX], probe[PATH_MAX + 64];
	ssize_t n;
	char *slash;

	if (env && env[0]) {
		snprintf(out, len, "%s", env);
		return 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -errno;
	self[n] = '\0';

	for (int up = 1; up <= 3; up++) {
		slash = strrchr(self, '/');
		if (!slash)
			break;
		*slash = '\0';
		snprintf(probe, sizeof(probe), "%s/scripts/plot-overhead.gp", self);
		if (!access(probe, R_OK)) {
			snprintf(out, len, "%s/scripts", self);
			return 0;
		}
	}
	return -ENOENT;
}

/* name='value' with quotes doubled (gnuplot's single-quoted string), or name=value. */
static char *format_var(const struct ttm_plot_var *v)
{
	size_t len = strlen(v->name) + 2 * strlen(v->value) + 8;
	char *buf = malloc(len), *p;

	if (!buf)
		return NULL;
	p = buf + sprintf(buf, "%s=", v->name);
	if (v->number) {
		strcpy(p, v->value);
		return buf;
	}
	*p++ = '\'';
	for (const char *s = v->value; *s; s++) {
		if (*s == '\'')
			*p++ = '\'';
		*p++ = *s;
	}
	*p++ = '\'';
	*p = '\0';
	return buf;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* Collect the child's stderr until EOF or the deadline; returns false on timeout. */
static bool collect_output(int fd, char *buf, size_t len, uint64_t deadline)
{
	size_t got = 0;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t now = now_ms();
		char discard[256];
		ssize_t n;

		if (now >= deadline)
			return false;
		if (poll(&pfd, 1, (int)(deadline - now)) <= 0)
			continue;
		if (got + 1 < len)
			n = read(fd, buf + got, len - got - 1);
		else
			n = read(fd, discard, sizeof(discard));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (got + 1 < len)
			got += n;
	}
	buf[got] = '\0';
	return true;
}

static bool file_nonempty(const char *path)
{
	struct stat st;

	return !stat(path, &st) && st.st_size > 0;
}

/* The last line of gnuplot's stderr that is not blank: its error message. */
static void last_line(const char *text, char *out, size_t len)
{
	const char *end = text + strlen(text), *start;

	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	start = end;
	while (start > text && start[-1] != '\n')
		start--;
	snprintf(out, len, "%.*s", (int)(end - start), start);
}

int ttm_plot_render(const char *script, const struct ttm_plot_var *vars, int nvars,
		    const char *outbase, char *err, size_t err_len)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], out[PATH_MAX + 8], output[4096], line[256];
	char *argv[2 * MAX_VARS + 4] = { "gnuplot" };
	int argc = 1, pipefd[2], status = 0, ret = 0;
	bool finished;
	pid_t pid;

	if (nvars > MAX_VARS)
		return -E2BIG;
	ret = ttm_plot_scripts_dir(dir, sizeof(dir));
	if (ret) {
		snprintf(err, err_len, "the plot scripts were not found next to the binary: set "
				       "TTMBENCH_SCRIPTS to the scripts/ folder");
		return ret;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, script);

	for (int i = 0; i < nvars; i++) {
		argv[argc++] = "-e";
		argv[argc] = format_var(&vars[i]);
		if (!argv[argc++]) {
			ret = -ENOMEM;
			goto free_args;
		}
	}
	argv[argc++] = path;
	argv[argc] = NULL;

	if (pipe2(pipefd, O_CLOEXEC)) {
		ret = -errno;
		goto free_args;
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		goto free_args;
	}
	if (pid == 0) {
		dup2(pipefd[1], STDERR_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		execvp("gnuplot", argv);
		fprintf(stderr, "cannot execute gnuplot: %s\n", strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	finished = collect_output(pipefd[0], output, sizeof(output), now_ms() + GNUPLOT_TIMEOUT_MS);
	close(pipefd[0]);
	if (!finished)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;

	if (!finished) {
		snprintf(err, err_len, "gnuplot %s timed out after %d s", script,
			 GNUPLOT_TIMEOUT_MS / 1000);
		ret = -ETIMEDOUT;
		goto free_args;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		last_line(output, line, sizeof(line));
		snprintf(err, err_len, "gnuplot %s failed (status %d): %s", script,
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1,
			 line[0] ? line : "no message; is gnuplot installed (scripts/install-deps.sh)?");
		ret = -EIO;
		goto free_args;
	}
	for (int i = 0; i < 2; i++) {
		snprintf(out, sizeof(out), "%s.%s", outbase, i ? "svg" : "png");
		if (file_nonempty(out))
			continue;
		snprintf(err, err_len, "gnuplot %s wrote no %s", script, out);
		ret = -EIO;
	}

free_args:
	/* No half-written plot may pass for a complete one. */
	for (int i = 0; ret && i < 2; i++) {
		snprintf(out, sizeof(out), "%s.%s", outbase, i ? "svg" : "png");
		unlink(out);
	}
	for (int i = 2; i < argc; i += 2)
		if (argv[i] != path)
			free(argv[i]);
	return ret;
}
