// SPDX-License-Identifier: GPL-2.0
/*
 * Workload accounting tests: for each syscall and entry path, a run of N ops
 * must enter the kernel exactly N times with that syscall's number through
 * that entry, and never with the other ABI's number. A BPF counter on
 * raw_syscalls/sys_enter (tests/syscount.bpf.c) counts the workload's
 * syscalls by number and ABI. Calls before the --start-fd byte are counted
 * apart as setup.
 *
 * Usage: test_workload PATH/TO/ttm-workload    (root: the counter is BPF)
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/types.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "probes/ttm_event.h"
#include "tests/syscount.h"
#include "tests/syscount.skel.h"
#include "workloads/record.h"

/* Fixed fd numbers in the workload, so the test can spot the start read in /proc/PID/syscall. */
#define CHILD_START_FD 10
#define CHILD_RECORD_FD 11
#define NR64_READ 0
#define NR32_READ 3
#define NR64_SOCKET 41
#define NR32_SOCKET 359
#define NR64_CLOSE 3
#define NR32_CLOSE 6
#define START_TIMEOUT_S 20

static const char *workload_path;
static struct syscount *counter;

struct wl_case {
	const char *syscall;
	const char *entry;
	const char *family; /* NULL: the default */
	const char *rate; /* NULL: max */
	uint64_t ops; /* 0: bounded by duration instead */
	const char *duration;
	unsigned int threads;
};

struct wl_outcome {
	uint64_t setup[SYSCOUNT_SLOTS]; /* before the start byte */
	uint64_t run[SYSCOUNT_SLOTS]; /* from the start byte to exit */
	struct ttm_workload_record record;
	ssize_t record_len;
	pid_t pid;
	int status;
};

struct expected_call {
	int nr; /* number the counter must see */
	int compat; /* 1 for ia32 entries */
	int other_nr; /* number of the same call in the other ABI */
};

static bool is_ia32(const struct wl_case *c)
{
	return strcmp(c->entry, "native") != 0;
}

static struct expected_call expected_for(const struct wl_case *c)
{
	static const struct {
		const char *name;
		int nr64, nr32;
	} table[] = {
		{ "connect", TTM_NR64_CONNECT, TTM_NR32_CONNECT },
		{ "creat", TTM_NR64_CREAT, TTM_NR32_CREAT },
		{ "open", TTM_NR64_OPEN, TTM_NR32_OPEN },
		{ "openat", TTM_NR64_OPENAT, TTM_NR32_OPENAT },
		{ "openat2", TTM_NR64_OPENAT2, TTM_NR32_OPENAT2 },
		{ "getppid", TTM_NR64_GETPPID, TTM_NR32_GETPPID },
		/* socketcall has no 64-bit twin; 64-bit connect is the call it must not become. */
		{ "socketcall-connect", TTM_NR64_CONNECT, TTM_NR32_SOCKETCALL },
	};
	struct expected_call e = { -1, 0, -1 };

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (strcmp(table[i].name, c->syscall) != 0)
			continue;
		e.compat = is_ia32(c);
		e.nr = e.compat ? table[i].nr32 : table[i].nr64;
		e.other_nr = e.compat ? table[i].nr64 : table[i].nr32;
	}
	return e;
}

static void read_counts(uint64_t *counts)
{
	int fd = bpf_map__fd(counter->maps.counts);

	for (__u32 slot = 0; slot < SYSCOUNT_SLOTS; slot++) {
		counts[slot] = 0;
		assert_int_equal(bpf_map_lookup_elem(fd, &slot, &counts[slot]), 0);
	}
}

static void reset_counts(void)
{
	int fd = bpf_map__fd(counter->maps.counts);
	__u64 zero = 0;

	for (__u32 slot = 0; slot < SYSCOUNT_SLOTS; slot++)
		assert_int_equal(bpf_map_update_elem(fd, &slot, &zero, BPF_ANY), 0);
}

/* Whether PID sits in read(CHILD_START_FD, ...) in either ABI. */
static bool blocked_on_start_fd(pid_t pid)
{
	char path[64], line[256];
	long nr, fd;
	FILE *f;
	bool blocked = false;

	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fgets(line, sizeof(line), f) && sscanf(line, "%ld %lx", &nr, &fd) == 2)
		blocked = (nr == NR64_READ || nr == NR32_READ) && fd == CHILD_START_FD;
	fclose(f);
	return blocked;
}

static void build_argv(const struct wl_case *c, char **argv, char bufs[][32])
{
	int n = 0;

	argv[n++] = (char *)workload_path;
	argv[n++] = "--syscall";
	argv[n++] = (char *)c->syscall;
	argv[n++] = "--entry";
	argv[n++] = (char *)c->entry;
	if (c->family) {
		argv[n++] = "--family";
		argv[n++] = (char *)c->family;
	}
	argv[n++] = "--rate";
	argv[n++] = (char *)(c->rate ? c->rate : "max");
	if (c->ops) {
		snprintf(bufs[0], 32, "%llu", (unsigned long long)c->ops);
		argv[n++] = "--ops";
		argv[n++] = bufs[0];
	} else {
		argv[n++] = "--duration";
		argv[n++] = (char *)c->duration;
	}
	snprintf(bufs[1], 32, "%u", c->threads ? c->threads : 1);
	argv[n++] = "--threads";
	argv[n++] = bufs[1];
	snprintf(bufs[2], 32, "%d", CHILD_START_FD);
	argv[n++] = "--start-fd";
	argv[n++] = bufs[2];
	snprintf(bufs[3], 32, "%d", CHILD_RECORD_FD);
	argv[n++] = "--record-fd";
	argv[n++] = bufs[3];
	argv[n++] = "--quiet";
	argv[n] = NULL;
}

/*
 * Run the workload of case C under the counter. The child waits on a go pipe
 * before exec, so the counter counts every call of the process from exec on.
 */
static void run_case(const struct wl_case *c, struct wl_outcome *out)
{
	int start[2], record[2], go[2];
	char bufs[4][32], *argv[32];
	struct timespec pause = { 0, 1000000 };
	pid_t pid;
	int waited_ms = 0;
	ssize_t n;

	memset(out, 0, sizeof(*out));
	build_argv(c, argv, bufs);
	assert_int_equal(pipe2(start, O_CLOEXEC), 0);
	assert_int_equal(pipe2(record, O_CLOEXEC), 0);
	assert_int_equal(pipe2(go, O_CLOEXEC), 0);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char byte;

		if (dup2(start[0], CHILD_START_FD) < 0 || dup2(record[1], CHILD_RECORD_FD) < 0)
			_exit(120);
		if (read(go[0], &byte, 1) != 1)
			_exit(121);
		execv(workload_path, argv);
		_exit(122);
	}
	close(start[0]);
	close(record[1]);
	close(go[0]);

	out->pid = pid;
	counter->bss->target_tgid = (__u32)pid;
	reset_counts();
	assert_int_equal(write(go[1], "g", 1), 1);
	close(go[1]);

	while (!blocked_on_start_fd(pid)) {
		int status;

		if (waitpid(pid, &status, WNOHANG) == pid)
			fail_msg("%s %s: workload exited (status 0x%x) before reading --start-fd", c->syscall,
				 c->entry, status);
		if (waited_ms++ > START_TIMEOUT_S * 1000) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			fail_msg("%s %s: workload never blocked on --start-fd", c->syscall, c->entry);
		}
		nanosleep(&pause, NULL);
	}

	read_counts(out->setup);
	assert_int_equal(write(start[1], "s", 1), 1);
	close(start[1]);

	out->record_len = 0;
	while ((n = read(record[0], (char *)&out->record + out->record_len,
			 sizeof(out->record) - (size_t)out->record_len)) > 0)
		out->record_len += n;
	close(record[0]);
	assert_int_equal(waitpid(pid, &out->status, 0), pid);

	read_counts(out->run);
	for (int slot = 0; slot < SYSCOUNT_SLOTS; slot++)
		out->run[slot] -= out->setup[slot];
	counter->bss->target_tgid = 0;
}

static void check_record(const struct wl_case *c, const struct wl_outcome *out)
{
	static const char *const entries[] = { "native", "ia32", "ia32-int80" };
	const struct ttm_workload_record *rec = &out->record;

	assert_int_equal(out->record_len, sizeof(*rec));
	assert_int_equal(rec->magic, TTM_RECORD_MAGIC);
	assert_int_equal(rec->version, TTM_RECORD_VERSION);
	assert_int_equal(rec->errors, 0);
	assert_int_equal(rec->threads, c->threads ? c->threads : 1);
	if (c->ops) {
		assert_int_equal(rec->ops_requested, c->ops);
		assert_int_equal(rec->ops_issued, c->ops);
	} else {
		assert_int_equal(rec->ops_requested, 0);
		assert_true(rec->ops_issued > 0);
	}
	assert_true(rec->batches > 0);
	assert_int_equal(rec->pid, out->pid);
	assert_true(rec->entry < 3);
	assert_string_equal(entries[rec->entry], c->entry);
}

static void test_case(void **state)
{
	const struct wl_case *c = *state;
	struct expected_call e = expected_for(c);
	struct wl_outcome out;
	bool sockets = strstr(c->syscall, "connect") != NULL;
	bool fds = strncmp(c->syscall, "open", 4) == 0 || strcmp(c->syscall, "creat") == 0;
	int extra_compat = strcmp(c->entry, "ia32") == 0; /* int80 issues its extra calls natively */
	uint64_t n;

	if (!counter)
		skip();
	assert_true(e.nr >= 0);

	run_case(c, &out);
	assert_true(WIFEXITED(out.status));
	assert_int_equal(WEXITSTATUS(out.status), 0);
	check_record(c, &out);
	n = out.record.ops_issued;

	/* The probed call: exactly N through the requested entry, none through the other ABI. */
	assert_int_equal(out.run[SYSCOUNT_SLOT(e.compat, e.nr)], n);
	assert_int_equal(out.run[SYSCOUNT_SLOT(!e.compat, e.other_nr)], 0);
	assert_int_equal(out.run[SYSCOUNT_SLOT(!e.compat, e.nr)], 0);

	/* ia32 sockets are created with the socket syscall, never through socketcall. */
	if (is_ia32(c) && strcmp(c->syscall, "socketcall-connect") != 0)
		assert_int_equal(out.run[SYSCOUNT_SLOT(1, TTM_NR32_SOCKETCALL)], 0);
	if (strcmp(c->syscall, "socketcall-connect") == 0)
		assert_int_equal(out.run[SYSCOUNT_SLOT(1, TTM_NR32_CONNECT)], 0);

	/* The extra calls of one op, as --help and the record state them. */
	if (sockets) {
		assert_int_equal(out.record.extra_syscalls_per_op, 4);
		assert_int_equal(out.run[SYSCOUNT_SLOT(extra_compat, extra_compat ? NR32_SOCKET : NR64_SOCKET)], n);
		assert_true(out.run[SYSCOUNT_SLOT(extra_compat, extra_compat ? NR32_CLOSE : NR64_CLOSE)] >= n);
	} else if (fds) {
		assert_int_equal(out.record.extra_syscalls_per_op, 1);
		assert_true(out.run[SYSCOUNT_SLOT(extra_compat, extra_compat ? NR32_CLOSE : NR64_CLOSE)] >= n);
	} else {
		assert_int_equal(out.record.extra_syscalls_per_op, 0);
	}

	/*
	 * Setup (exec, loader, temporary directory, listener) issues none of the
	 * probed calls, except the dynamic loader's openat of shared libraries.
	 */
	if (strcmp(c->syscall, "openat") != 0)
		assert_int_equal(out.setup[SYSCOUNT_SLOT(e.compat, e.nr)], 0);
	print_message("%s %s: %llu ops, run %llu calls, setup %llu calls of nr %d (%s)\n", c->syscall, c->entry,
		      (unsigned long long)n, (unsigned long long)out.run[SYSCOUNT_SLOT(e.compat, e.nr)],
		      (unsigned long long)out.setup[SYSCOUNT_SLOT(e.compat, e.nr)], e.nr,
		      e.compat ? "compat" : "64-bit");
}

static int silent_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_WARN && getenv("TTM_TEST_VERBOSE"))
		return vfprintf(stderr, fmt, args);
	return 0;
}

static int load_counter(void **state)
{
	int err;

	if (geteuid() != 0) {
		print_message("skipping: the BPF syscall counter needs root (CAP_BPF and CAP_PERFMON)\n");
		return 0;
	}
	libbpf_set_print(silent_print);
	counter = syscount__open_and_load();
	if (!counter) {
		print_error("failed to load tests/syscount.bpf.o: %s\n", strerror(errno));
		return -1;
	}
	err = syscount__attach(counter);
	if (err) {
		print_error("failed to attach to raw_syscalls/sys_enter: %s\n", strerror(-err));
		syscount__destroy(counter);
		counter = NULL;
		return -1;
	}
	return 0;
}

static int unload_counter(void **state)
{
	syscount__destroy(counter);
	counter = NULL;
	return 0;
}

#define N_OPS 1000

static struct wl_case cases[] = {
	{ "connect", "native", NULL, NULL, N_OPS, NULL, 1 },
	{ "connect", "ia32", NULL, NULL, N_OPS, NULL, 1 },
	{ "connect", "ia32-int80", NULL, NULL, N_OPS, NULL, 1 },
	{ "connect", "native", "inet6", NULL, N_OPS, NULL, 1 },
	{ "connect", "ia32", "inet6", NULL, N_OPS, NULL, 1 },
	{ "connect", "native", "unix", NULL, N_OPS, NULL, 1 },
	{ "connect", "ia32", "unix", NULL, N_OPS, NULL, 1 },
	{ "connect", "ia32-int80", "unix", NULL, N_OPS, NULL, 1 },
	{ "creat", "native", NULL, NULL, N_OPS, NULL, 1 },
	{ "creat", "ia32", NULL, NULL, N_OPS, NULL, 1 },
	{ "creat", "ia32-int80", NULL, NULL, N_OPS, NULL, 1 },
	{ "open", "native", NULL, NULL, N_OPS, NULL, 1 },
	{ "open", "ia32", NULL, NULL, N_OPS, NULL, 1 },
	{ "open", "ia32-int80", NULL, NULL, N_OPS, NULL, 1 },
	{ "openat", "native", NULL, NULL, N_OPS, NULL, 1 },
	{ "openat", "ia32", NULL, NULL, N_OPS, NULL, 1 },
	{ "openat", "ia32-int80", NULL, NULL, N_OPS, NULL, 1 },
	{ "openat2", "native", NULL, NULL, N_OPS, NULL, 1 },
	{ "openat2", "ia32", NULL, NULL, N_OPS, NULL, 1 },
	{ "openat2", "ia32-int80", NULL, NULL, N_OPS, NULL, 1 },
	{ "getppid", "native", NULL, NULL, N_OPS, NULL, 1 },
	{ "getppid", "ia32", NULL, NULL, N_OPS, NULL, 1 },
	{ "getppid", "ia32-int80", NULL, NULL, N_OPS, NULL, 1 },
	{ "socketcall-connect", "ia32", NULL, NULL, N_OPS, NULL, 1 },
	{ "socketcall-connect", "ia32-int80", NULL, NULL, N_OPS, NULL, 1 },
	/* Several threads, pacing and a duration bound must not change the accounting. */
	{ "openat", "native", NULL, NULL, 1001, NULL, 2 },
	{ "openat", "ia32", NULL, NULL, 1001, NULL, 2 },
	{ "getppid", "ia32", NULL, "50000", 2000, NULL, 1 },
	{ "connect", "native", NULL, "20000", 500, NULL, 2 },
	{ "getppid", "native", NULL, "20000", 0, "0.2", 1 },
	{ "creat", "ia32-int80", NULL, "5000", 0, "0.2", 1 },
};

int main(int argc, char **argv)
{
	enum { NCASES = sizeof(cases) / sizeof(cases[0]) };
	struct CMUnitTest tests[NCASES];
	char names[NCASES][96];

	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH/TO/ttm-workload\n", argv[0]);
		return 2;
	}
	workload_path = argv[1];

	for (int i = 0; i < NCASES; i++) {
		const struct wl_case *c = &cases[i];

		snprintf(names[i], sizeof(names[i]), "%s %s%s%s%s%s, %u thread%s", c->syscall, c->entry,
			 c->family ? " " : "", c->family ? c->family : "", c->rate ? " rate " : "",
			 c->rate ? c->rate : "", c->threads, c->threads == 1 ? "" : "s");
		tests[i] = (struct CMUnitTest){
			.name = names[i],
			.test_func = test_case,
			.initial_state = &cases[i],
		};
	}
	return _cmocka_run_group_tests("workload syscall accounting", tests, NCASES, load_counter,
				       unload_counter);
}
