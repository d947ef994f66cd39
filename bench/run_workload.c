// SPDX-License-Identifier: GPL-2.0
/*
 * One repetition of one cell. The workload blocks on its start pipe after its
 * setup (dynamic loader, temp dir, listener), so everything read before the
 * start byte and again after the exit covers only its timed calls and its
 * teardown: program stats, counters, events from its tgid, perf counters.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "bench/run_workload.h"

/* How long the workload may take to reach its start pipe (exec of the i386 sibling included). */
#define READY_TIMEOUT_MS 10000
/* Beyond the run's own bound: start-up, teardown, a slow machine. */
#define FINISH_SLACK_MS 30000
/* An --ops run at max rate has no time bound of its own: allow 1 ms per op on top of the slack. */
#define OPS_MS_PER_OP 1

#define I386_NR_READ 3
#define X86_64_NR_READ 0

volatile sig_atomic_t ttm_stop_signal;

struct snapshot {
	struct ttm_prog_stats stats[TTM_PROG_MAX];
	bool stats_ok[TTM_PROG_MAX];
	struct ttm_counters counters[TTM_PROG_MAX];
	bool counters_ok[TTM_PROG_MAX];
	__u64 events_pid[TTM_PROG_MAX];
	__u64 events_all[TTM_PROG_MAX];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void take_snapshot(const struct ttm_run_context *ctx, pid_t pid, struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
	if (!ctx->probe)
		return;
	ttm_probe_drain(ctx->probe);
	for (int i = 0; i < ctx->config->nprogs; i++) {
		int id = ctx->config->progs[i];

		s->stats_ok[i] = ctx->bpf_stats &&
				 !ttm_probe_prog_stats(ctx->probe, id, &s->stats[i]);
		s->counters_ok[i] = !ttm_probe_counters(ctx->probe, id, &s->counters[i]);
		s->events_pid[i] = ttm_probe_events(ctx->probe, id, pid);
		s->events_all[i] = ttm_probe_events(ctx->probe, id, 0);
	}
}

static void counters_delta(const struct ttm_counters *a, const struct ttm_counters *b,
			   struct ttm_counters *d)
{
	d->fired = b->fired - a->fired;
	d->drop_filter = b->drop_filter - a->drop_filter;
	d->drop_sampling = b->drop_sampling - a->drop_sampling;
	d->lost_ringbuf_full = b->lost_ringbuf_full - a->lost_ringbuf_full;
	d->lost_no_ringbuf = b->lost_no_ringbuf - a->lost_no_ringbuf;
	d->lost_scratch = b->lost_scratch - a->lost_scratch;
	d->submitted = b->submitted - a->submitted;
	d->read_errors = b->read_errors - a->read_errors;
}

static void store_deltas(const struct ttm_run_context *ctx, const struct snapshot *a,
			 const struct snapshot *b, struct ttm_rep_result *out)
{
	out->nprogs = ctx->probe ? ctx->config->nprogs : 0;
	for (int i = 0; i < out->nprogs; i++) {
		struct ttm_prog_sample *ps = &out->progs[i];

		ps->prog_id = ctx->config->progs[i];
		ps->stats_valid = a->stats_ok[i] && b->stats_ok[i];
		ps->stats.run_cnt = b->stats[i].run_cnt - a->stats[i].run_cnt;
		ps->stats.run_time_ns = b->stats[i].run_time_ns - a->stats[i].run_time_ns;
		ps->stats.recursion_misses =
			b->stats[i].recursion_misses - a->stats[i].recursion_misses;
		ps->counters_valid = a->counters_ok[i] && b->counters_ok[i];
		counters_delta(&a->counters[i], &b->counters[i], &ps->counters);
		ps->events_workload = b->events_pid[i] - a->events_pid[i];
		ps->events_all = b->events_all[i] - a->events_all[i];
	}
}

/*
 * The workload's --syscall value. Besides the five probed syscalls, which
 * share their numbers with enum ttm_syscall, `ttmbench validate` and
 * `ttmbench coverage` run the getppid control and socketcall-connect.
 */
const char *ttm_workload_syscall_name(int syscall)
{
	if (syscall == TTM_WL_GETPPID)
		return "getppid";
	if (syscall == TTM_WL_SOCKETCALL_CONNECT)
		return "socketcall-connect";
	return ttm_syscall_name(syscall);
}

static void exec_workload(const struct ttm_run_context *ctx, int syscall, int mode,
			  double duration_s, int record_fd, int start_fd, int gate_fd)
{
	const struct ttm_run_params *p = ctx->params;
	char bound[32], rate[32], rfd[16], sfd[16], cpu[16];
	char *argv[20];
	cpu_set_t cpus;
	int n = 0;
	char go;

	/* The runner is pinned to the consumer CPU: hand the child its own CPU first. */
	CPU_ZERO(&cpus);
	CPU_SET(p->workload_cpu, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);

	/* Keep the terminal's Ctrl-C away from the workload: the runner lets it finish. */
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fcntl(record_fd, F_SETFD, 0);
	fcntl(start_fd, F_SETFD, 0);

	snprintf(rfd, sizeof(rfd), "%d", record_fd);
	snprintf(sfd, sizeof(sfd), "%d", start_fd);
	snprintf(cpu, sizeof(cpu), "%d", p->workload_cpu);
	if (p->rate > 0)
		snprintf(rate, sizeof(rate), "%.9g", p->rate);
	else
		snprintf(rate, sizeof(rate), "max");

	argv[n++] = (char *)p->workload;
	argv[n++] = "--syscall";
	argv[n++] = (char *)ttm_workload_syscall_name(syscall);
	argv[n++] = "--entry";
	argv[n++] = (char *)ttm_mode_name(mode);
	if (duration_s > 0 || !p->ops) {
		snprintf(bound, sizeof(bound), "%.3f", duration_s > 0 ? duration_s : p->duration_s);
		argv[n++] = "--duration";
	} else {
		snprintf(bound, sizeof(bound), "%llu", (unsigned long long)p->ops);
		argv[n++] = "--ops";
	}
	argv[n++] = bound;
	argv[n++] = "--rate";
	argv[n++] = rate;
	argv[n++] = "--record-fd";
	argv[n++] = rfd;
	argv[n++] = "--start-fd";
	argv[n++] = sfd;
	argv[n++] = "--cpu";
	argv[n++] = cpu;
	argv[n++] = "--quiet";
	argv[n] = NULL;

	/*
	 * Wait until the parent has opened the perf counters: with inherit they
	 * count only threads created after they were opened.
	 */
	if (read(gate_fd, &go, 1) != 1)
		_exit(127);

	if (ctx->verbose) {
		for (int i = 0; i < n; i++)
			fprintf(stderr, "%s%s", i ? " " : "workload: ", argv[i]);
		fprintf(stderr, "\n");
	}
	execv(argv[0], argv);
	fprintf(stderr, "ttmbench run: cannot execute %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/*
 * Wait until pid is blocked in read(start_fd), seen in /proc/PID/syscall as
 * the syscall number (64-bit or i386 read) and the first argument.
 * Returns 0, -ESRCH if the child exited (reaped, its wait status in *status),
 * or -ETIMEDOUT.
 */
static int wait_until_blocked(pid_t pid, int start_fd, int *status)
{
	char path[64], buf[256];
	uint64_t deadline = now_ns() + READY_TIMEOUT_MS * 1000000ULL;

	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	while (now_ns() < deadline) {
		long nr;
		unsigned long arg0;
		FILE *f;

		if (waitpid(pid, status, WNOHANG | __WALL) == pid)
			return -ESRCH;
		f = fopen(path, "r");
		if (f) {
			bool blocked = fgets(buf, sizeof(buf), f) &&
				       sscanf(buf, "%ld %lx", &nr, &arg0) == 2 &&
				       (nr == X86_64_NR_READ || nr == I386_NR_READ) &&
				       arg0 == (unsigned long)start_fd;

			fclose(f);
			if (blocked)
				return 0;
		}
		usleep(200);
	}
	return -ETIMEDOUT;
}

/* Read the record until EOF or the deadline; returns bytes read or -errno. */
static ssize_t read_record(int fd, struct ttm_workload_record *rec, uint64_t deadline)
{
	size_t got = 0;
	char *buf = (char *)rec;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t now = now_ns();
		char discard[64];
		ssize_t n;
		int ret;

		if (now >= deadline)
			return -ETIMEDOUT;
		ret = poll(&pfd, 1, (int)((deadline - now) / 1000000 + 1));
		if (ret < 0 && errno == EINTR)
			continue; /* a stop signal: finish the current workload first */
		if (ret < 0)
			return -errno;
		if (ret == 0)
			continue;

		if (got < sizeof(*rec))
			n = read(fd, buf + got, sizeof(*rec) - got);
		else
			n = read(fd, discard, sizeof(discard));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return got;
		if (got < sizeof(*rec))
			got += n;
	}
}

static void describe_status(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
			 sigabbrev_np(WTERMSIG(status)) ?: "unknown");
	else
		snprintf(buf, len, "ended with wait status 0x%x", status);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (remove(path))
		fprintf(stderr, "ttmbench run: removing %s failed: %s\n", path, strerror(errno));
	return 0;
}

/* Whether pid runs: it exists and is not a zombie waiting to be reaped. */
static bool process_alive(pid_t pid)
{
	char path[64], stat[512];
	const char *state;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno != ENOENT;
	len = read(fd, stat, sizeof(stat) - 1);
	close(fd);
	if (len <= 0)
		return true;
	stat[len] = '\0';

	/* The state follows the command name, which is in parentheses and may contain any byte. */
	state = strrchr(stat, ')');
	return !state || state[1] != ' ' || (state[2] != 'Z' && state[2] != 'X');
}

/*
 * Remove the temporary folders of workloads that were killed by a signal and
 * so could not remove them: those of pid, or with pid 0 those of every
 * workload that no longer runs. The workload names them
 * $TMPDIR/ttm-workload.<pid>.XXXXXX (workloads/target.c). A folder whose pid
 * is alive, even if reused by another process, is left alone.
 */
static void remove_workload_dirs(pid_t pid)
{
	const char *tmp = getenv("TMPDIR");
	char pattern[PATH_MAX];
	glob_t found;

	if (pid)
		snprintf(pattern, sizeof(pattern), "%s/ttm-workload.%d.*",
			 tmp && *tmp ? tmp : "/tmp", (int)pid);
	else
		snprintf(pattern, sizeof(pattern), "%s/ttm-workload.*.*", tmp && *tmp ? tmp : "/tmp");
	if (glob(pattern, GLOB_NOSORT, NULL, &found))
		return;

	for (size_t i = 0; i < found.gl_pathc; i++) {
		const char *name = strrchr(found.gl_pathv[i], '/') + 1;
		int owner = atoi(name + strlen("ttm-workload."));

		if (owner <= 0 || (!pid && process_alive(owner)))
			continue;
		nftw(found.gl_pathv[i], remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	}
	globfree(&found);
}

static pid_t reap(pid_t pid, int *status)
{
	pid_t ret;

	do
		ret = waitpid(pid, status, __WALL);
	while (ret < 0 && errno == EINTR);
	return ret;
}

static void fail(struct ttm_rep_result *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(struct ttm_rep_result *out, const char *fmt, ...)
{
	va_list ap;

	out->ok = false;
	va_start(ap, fmt);
	vsnprintf(out->error, sizeof(out->error), fmt, ap);
	va_end(ap);
}

/* Check that the child exited cleanly and left a complete, matching record. */
static void check_outcome(struct ttm_rep_result *out, ssize_t got, int status, int syscall,
			  int mode)
{
	const struct ttm_workload_record *rec = &out->record;
	char how[96];

	describe_status(status, how, sizeof(how));
	out->have_record = got == (ssize_t)sizeof(*rec) && rec->magic == TTM_RECORD_MAGIC &&
			   rec->version == TTM_RECORD_VERSION;

	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail(out, "workload %s", how);
	else if (got < 0)
		fail(out, "reading the workload record failed: %s (workload %s)", strerror(-got),
		     how);
	else if (got == 0)
		fail(out, "workload wrote no record (it %s)", how);
	else if (got != (ssize_t)sizeof(*rec))
		fail(out, "workload record has %zd bytes, expected %zu: rebuild with `make all`",
		     got, sizeof(*rec));
	else if (!out->have_record)
		fail(out, "workload record has magic 0x%x version %u, expected 0x%x version %u",
		     rec->magic, rec->version, TTM_RECORD_MAGIC, TTM_RECORD_VERSION);
	else if ((int)rec->syscall != syscall || (int)rec->entry != mode)
		fail(out, "workload record is for syscall %u entry %u, expected %d entry %d",
		     rec->syscall, rec->entry, syscall, mode);
	else if (!rec->ops_issued)
		fail(out, "workload issued no ops");
	else
		out->ok = true;
}

int ttm_run_workload(const struct ttm_run_context *ctx, int syscall, int mode, double duration_s,
		     struct ttm_rep_result *out)
{
	const struct ttm_run_params *p = ctx->params;
	int record_pipe[2] = { -1, -1 }, start_pipe[2] = { -1, -1 }, gate_pipe[2] = { -1, -1 };
	uint64_t start = now_ns(), bound_ms;
	struct snapshot before, after;
	struct ttm_perf_set perf;
	int child_start_fd, status = 0, err;
	ssize_t got;
	pid_t pid;
	static bool stale_dirs_removed;

	/* Folders of workloads that died with an earlier, SIGKILLed runner. */
	if (!stale_dirs_removed) {
		remove_workload_dirs(0);
		stale_dirs_removed = true;
	}

	memset(out, 0, sizeof(*out));
	if (pipe2(record_pipe, O_CLOEXEC) || pipe2(start_pipe, O_CLOEXEC) ||
	    pipe2(gate_pipe, O_CLOEXEC)) {
		fail(out, "pipe failed: %s", strerror(errno));
		goto close_pipes;
	}

	pid = fork();
	if (pid < 0) {
		fail(out, "fork failed: %s", strerror(errno));
		goto close_pipes;
	}
	if (pid == 0)
		exec_workload(ctx, syscall, mode, duration_s, record_pipe[1], start_pipe[0],
			      gate_pipe[0]);

	out->pid = pid;
	child_start_fd = start_pipe[0];
	close(record_pipe[1]);
	close(start_pipe[0]);
	record_pipe[1] = start_pipe[0] = -1;
	ttm_perf_open(&perf, pid);
	if (write(gate_pipe[1], "x", 1) != 1)
		fprintf(stderr, "ttmbench run: starting workload pid %d failed: %s\n", pid,
			strerror(errno));

	err = wait_until_blocked(pid, child_start_fd, &status);
	if (err == -ESRCH) {
		char how[96];

		describe_status(status, how, sizeof(how));
		fail(out, "workload %s before its first op; rerun with --verbose to see its "
			  "command line and messages", how);
		out->wall_ns = now_ns() - start;
		ttm_perf_close(&perf);
		goto close_pipes;
	}
	if (err == -ETIMEDOUT)
		fprintf(stderr, "ttmbench run: workload pid %d not seen blocked on its start pipe "
				"after %d ms; counting from now, its setup may be included\n",
			pid, READY_TIMEOUT_MS);

	take_snapshot(ctx, pid, &before);
	ttm_perf_mark_start(&perf);
	if (write(start_pipe[1], "g", 1) != 1)
		fprintf(stderr, "ttmbench run: releasing workload pid %d failed: %s\n", pid,
			strerror(errno));
	close(start_pipe[1]);
	start_pipe[1] = -1;

	if (duration_s > 0)
		bound_ms = duration_s * 1000;
	else if (!p->ops)
		bound_ms = p->duration_s * 1000;
	else if (p->rate > 0)
		bound_ms = 2 * p->ops * 1000 / p->rate; /* paced: twice the planned time */
	else
		bound_ms = p->ops * OPS_MS_PER_OP;
	got = read_record(record_pipe[0], &out->record,
			  now_ns() + (bound_ms + FINISH_SLACK_MS) * 1000000ULL);
	if (got == -ETIMEDOUT) {
		fprintf(stderr, "ttmbench run: workload pid %d still running %llu ms after its "
				"bound; killing it\n",
			pid, (unsigned long long)(bound_ms + FINISH_SLACK_MS));
		kill(pid, SIGKILL);
	}
	reap(pid, &status);
	out->wall_ns = now_ns() - start;
	if (WIFSIGNALED(status))
		remove_workload_dirs(pid);

	ttm_perf_read_delta(&perf, &out->perf);
	ttm_perf_close(&perf);
	take_snapshot(ctx, pid, &after);
	store_deltas(ctx, &before, &after, out);
	check_outcome(out, got, status, syscall, mode);

close_pipes:
	for (int i = 0; i < 2; i++) {
		if (record_pipe[i] >= 0)
			close(record_pipe[i]);
		if (start_pipe[i] >= 0)
			close(start_pipe[i]);
		if (gate_pipe[i] >= 0)
			close(gate_pipe[i]);
	}
	return out->ok ? 0 : -1;
}
