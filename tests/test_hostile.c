// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile syscall arguments through the workload and the tracepoint
 * programs: `ttm-workload --hostile KIND` issues calls whose user-memory
 * arguments the kernel rejects. Every call must fail with the expected errno,
 * and the workload must exit 0. Every such call must still reach the consumer
 * as an event flagged TTM_EVT_READ_ERROR. After detaching, each program's
 * fired counter must equal the sum of its outcome counters.
 *
 * Needs root (CI runs as root); without it every test is skipped with the
 * reason. The path of ttm-workload is argv[1].
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "probes/loader.h"
#include "workloads/record.h"

/* Hostile calls per case: few enough to fit any ring buffer, enough to cross CPUs' batches. */
#define OPS 300

struct hostile_case {
	const char *syscall;
	enum ttm_syscall sc;
	const char *kind;
	int expected_errno;
	int param; /* index of the parameter the probe cannot read */
	int param_len; /* its length in the event: 0 (not read) or TTM_PATH_MAX (cut short) */
};

static const struct hostile_case cases[] = {
	{ "creat", TTM_SC_CREAT, "unmapped-path", EFAULT, 0, 0 },
	{ "open", TTM_SC_OPEN, "unmapped-path", EFAULT, 0, 0 },
	{ "openat", TTM_SC_OPENAT, "unmapped-path", EFAULT, 1, 0 },
	{ "openat2", TTM_SC_OPENAT2, "unmapped-path", EFAULT, 1, 0 },
	{ "creat", TTM_SC_CREAT, "long-path", ENAMETOOLONG, 0, TTM_PATH_MAX },
	{ "open", TTM_SC_OPEN, "long-path", ENAMETOOLONG, 0, TTM_PATH_MAX },
	{ "openat", TTM_SC_OPENAT, "long-path", ENAMETOOLONG, 1, TTM_PATH_MAX },
	{ "openat2", TTM_SC_OPENAT2, "long-path", ENAMETOOLONG, 1, TTM_PATH_MAX },
	{ "creat", TTM_SC_CREAT, "unterminated-path", EFAULT, 0, 0 },
	{ "open", TTM_SC_OPEN, "unterminated-path", EFAULT, 0, 0 },
	{ "openat", TTM_SC_OPENAT, "unterminated-path", EFAULT, 1, 0 },
	{ "openat2", TTM_SC_OPENAT2, "unterminated-path", EFAULT, 1, 0 },
	{ "connect", TTM_SC_CONNECT, "sockaddr-len-0", EINVAL, 1, 0 },
	{ "connect", TTM_SC_CONNECT, "sockaddr-len-large", EINVAL, 1, 0 },
	{ "openat2", TTM_SC_OPENAT2, "how-size-small", EINVAL, 2, 0 },
	{ "openat2", TTM_SC_OPENAT2, "how-size-large", E2BIG, 2, 0 },
};

struct fixture {
	const char *workload;
	struct ttm_capabilities caps;
	struct ttm_probe *probe;
	const char *skip_reason;

	/* Filled by the event hook for events of the workload's tgid; under lock. */
	pthread_mutex_t lock;
	pid_t tgid;
	int prog_id;
	int param;
	__u64 events;
	__u64 read_error_events;
	__u64 bad_param_len; /* flagged events whose unreadable parameter has another length */
	int expected_len;
};

static struct fixture fx = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void count_event(const struct ttm_event_hdr *hdr, const void *data, size_t size, void *ctx)
{
	struct fixture *f = ctx;
	const void *param;
	int len;

	pthread_mutex_lock(&f->lock);
	if (hdr->tgid == (__u32)f->tgid && hdr->prog_id == f->prog_id) {
		f->events++;
		if (hdr->flags & TTM_EVT_READ_ERROR) {
			f->read_error_events++;
			len = ttm_event_param(data, size, f->param, &param);
			if (len != f->expected_len)
				f->bad_param_len++;
		}
	}
	pthread_mutex_unlock(&f->lock);
}

static int setup_group(void **state)
{
	struct ttm_probe_opts opts = { .consumer_cpu = -1 };
	int err;

	if (geteuid() != 0) {
		fx.skip_reason = "not root: loading BPF programs needs root (CI runs as root)";
		return 0;
	}
	ttm_capabilities_detect(&fx.caps, false);
	if (!fx.caps.config[TTM_CONFIG_TP].available) {
		fx.skip_reason = fx.caps.config[TTM_CONFIG_TP].reason;
		return 0;
	}
	err = ttm_probe_open(&fx.probe, &opts, &fx.caps);
	if (err) {
		fprintf(stderr, "ttm_probe_open failed: %s\n", strerror(-err));
		return -1;
	}
	ttm_probe_set_event_hook(fx.probe, count_event, &fx);
	return ttm_probe_attach(fx.probe, TTM_CONFIG_TP) ? -1 : 0;
}

static int teardown_group(void **state)
{
	ttm_probe_close(fx.probe);
	fx.probe = NULL;
	return 0;
}

#define SKIP_UNLESS_READY()                                            \
	do {                                                           \
		if (fx.skip_reason) {                                  \
			print_message("skipped: %s\n", fx.skip_reason); \
			skip();                                        \
		}                                                      \
	} while (0)

static ssize_t read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : (ssize_t)got;
		got += n;
	}
	return got;
}

/*
 * Run the workload for one case, released through its start pipe once the
 * hook watches its tgid. Returns its wait status; the record goes to rec.
 */
static int run_workload(const struct hostile_case *c, struct ttm_workload_record *rec,
			ssize_t *rec_len)
{
	int record_pipe[2], start_pipe[2], status = -1;
	char ops[16];
	pid_t pid;

	assert_int_equal(pipe(record_pipe), 0);
	assert_int_equal(pipe(start_pipe), 0);
	snprintf(ops, sizeof(ops), "%d", OPS);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* The workload reads its start byte from fd 4 and writes its record to fd 3. */
		dup2(record_pipe[1], 3);
		dup2(start_pipe[0], 4);
		execl(fx.workload, fx.workload, "--syscall", c->syscall, "--hostile", c->kind,
		      "--ops", ops, "--record-fd", "3", "--start-fd", "4", "--quiet", (char *)NULL);
		_exit(127);
	}
	close(record_pipe[1]);
	close(start_pipe[0]);

	pthread_mutex_lock(&fx.lock);
	fx.tgid = pid;
	fx.prog_id = TTM_PROG_ID(c->sc, TTM_KIND_TP);
	fx.param = c->param;
	fx.expected_len = c->param_len;
	fx.events = fx.read_error_events = fx.bad_param_len = 0;
	pthread_mutex_unlock(&fx.lock);

	assert_int_equal(write(start_pipe[1], "g", 1), 1);
	close(start_pipe[1]);
	*rec_len = read_full(record_pipe[0], rec, sizeof(*rec));
	close(record_pipe[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void run_case(const struct hostile_case *c)
{
	struct ttm_workload_record rec = {};
	ssize_t rec_len;
	int status;

	print_message("%s --hostile %s\n", c->syscall, c->kind);
	status = run_workload(c, &rec, &rec_len);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(rec_len, sizeof(rec));
	assert_int_equal(rec.magic, TTM_RECORD_MAGIC);

	/* The kernel rejected every call, each with the expected errno. */
	assert_int_equal(rec.ops_issued, OPS);
	assert_int_equal(rec.errors, OPS);
	assert_int_equal(rec.errnos[0].err, c->expected_errno);
	assert_int_equal(rec.errnos[0].count, OPS);

	/* Every call is still an event, flagged, with the unreadable parameter empty or cut short. */
	assert_int_equal(ttm_probe_drain(fx.probe), 0);
	pthread_mutex_lock(&fx.lock);
	assert_int_equal(fx.read_error_events, OPS);
	assert_true(fx.events >= OPS); /* the dynamic loader's openat calls have valid paths */
	assert_int_equal(fx.bad_param_len, 0);
	fx.tgid = 0;
	pthread_mutex_unlock(&fx.lock);
}

static void test_hostile_arguments(void **state)
{
	SKIP_UNLESS_READY();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

/* Runs last: detached, so no program is mid-run while its counters are read. */
static void test_counters_add_up_after_hostile(void **state)
{
	SKIP_UNLESS_READY();
	assert_int_equal(ttm_probe_detach(fx.probe), 0);
	for (int sc = 0; sc < TTM_SC_COUNT; sc++) {
		int id = TTM_PROG_ID(sc, TTM_KIND_TP);
		struct ttm_counters c;
		__u64 outcomes;

		assert_int_equal(ttm_probe_counters(fx.probe, id, &c), 0);
		outcomes = c.drop_filter + c.drop_sampling + c.lost_ringbuf_full +
			   c.lost_no_ringbuf + c.lost_scratch + c.submitted;
		print_message("%s: fired %llu, submitted %llu, read_errors %llu\n",
			      ttm_prog_name(id), (unsigned long long)c.fired,
			      (unsigned long long)c.submitted, (unsigned long long)c.read_errors);
		assert_int_equal(c.fired, outcomes);
		assert_true(c.read_errors <= c.submitted);
		assert_true(c.read_errors >= OPS); /* every syscall had hostile cases */
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_arguments),
		cmocka_unit_test(test_counters_add_up_after_hostile),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH-TO-ttm-workload\n", argv[0]);
		return 2;
	}
	fx.workload = argv[1];
	return cmocka_run_group_tests(tests, setup_group, teardown_group);
}
