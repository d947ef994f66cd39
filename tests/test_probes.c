// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the BPF programs and the loader library against the running
 * kernel. They need root (CI runs as root); without it every test is skipped
 * with the reason.
 *
 * Counters are global per program, and other processes issue openat too.
 * Tests therefore assert exact numbers only where other processes cannot
 * change them: events filtered by this process's tgid, counters that must
 * stay zero, and the relation between counters read after detaching.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <bpf/bpf.h>
#include <jansson.h>

#include "probes/loader.h"

#define OPENAT_TP TTM_PROG_ID(TTM_SC_OPENAT, TTM_KIND_TP)
#define CONNECT_TP TTM_PROG_ID(TTM_SC_CONNECT, TTM_KIND_TP)
#define NSEC_PER_SEC 1000000000ULL

/* Calls per exact-count test: enough to spread over CPUs, few enough to stay fast. */
#define CALLS 500

struct fixture {
	struct ttm_capabilities caps;
	struct ttm_probe *probe;
	int stats_fd;
	char dir[64];
	char file[128];
	const char *skip_reason;

	/* Filled by the event hook for events of this process. */
	pthread_mutex_t lock;
	int capture_prog;
	__u64 captured;
	__u64 captured_read_errors;
	__u8 last_event[TTM_SCRATCH_SIZE];
	size_t last_size;
};

static struct fixture fx = { .lock = PTHREAD_MUTEX_INITIALIZER, .capture_prog = -1 };

static void capture_event(const struct ttm_event_hdr *hdr, const void *data, size_t size,
			  void *ctx)
{
	struct fixture *f = ctx;

	if (hdr->tgid != (__u32)getpid())
		return;

	pthread_mutex_lock(&f->lock);
	if (hdr->prog_id == f->capture_prog && size <= sizeof(f->last_event)) {
		f->captured++;
		if (hdr->flags & TTM_EVT_READ_ERROR)
			f->captured_read_errors++;
		memcpy(f->last_event, data, size);
		f->last_size = size;
	}
	pthread_mutex_unlock(&f->lock);
}

static void start_capture(int prog_id)
{
	pthread_mutex_lock(&fx.lock);
	fx.capture_prog = prog_id;
	fx.captured = 0;
	fx.captured_read_errors = 0;
	fx.last_size = 0;
	pthread_mutex_unlock(&fx.lock);
}

static int setup_group(void **state)
{
	struct ttm_probe_opts opts = { .consumer_cpu = -1 };
	int fd, err;

	if (geteuid() != 0) {
		fx.skip_reason = "not root: loading BPF programs needs root (CI runs as root)";
		return 0;
	}

	snprintf(fx.dir, sizeof(fx.dir), "/tmp/ttm-test-probes.XXXXXX");
	if (!mkdtemp(fx.dir))
		return -1;
	snprintf(fx.file, sizeof(fx.file), "%s/target", fx.dir);
	fd = open(fx.file, O_CREAT | O_WRONLY, 0600);
	if (fd < 0)
		return -1;
	close(fd);

	ttm_capabilities_detect(&fx.caps, false);
	err = ttm_probe_open(&fx.probe, &opts, &fx.caps);
	if (err) {
		fprintf(stderr, "ttm_probe_open failed: %s\n", strerror(-err));
		return -1;
	}
	ttm_probe_set_event_hook(fx.probe, capture_event, &fx);

	fx.stats_fd = ttm_enable_bpf_stats();
	if (fx.stats_fd < 0) {
		fprintf(stderr, "enabling BPF run-time stats failed: %s\n", strerror(-fx.stats_fd));
		return -1;
	}
	return 0;
}

static int teardown_group(void **state)
{
	char path[160];

	ttm_probe_close(fx.probe);
	fx.probe = NULL;
	if (fx.stats_fd >= 0)
		close(fx.stats_fd);
	if (fx.file[0])
		unlink(fx.file);
	snprintf(path, sizeof(path), "%s/sock", fx.dir);
	unlink(path);
	if (fx.dir[0])
		rmdir(fx.dir);
	return 0;
}

/* Put the shared probe back in its default state: detached, keep everything. */
static int reset_probe(void **state)
{
	if (fx.skip_reason)
		return 0;
	ttm_probe_detach(fx.probe);
	ttm_probe_set_sampling(fx.probe, false, 1);
	for (int sc = 0; sc < TTM_SC_COUNT; sc++)
		ttm_probe_set_syscall_flags(fx.probe, sc, 0);
	start_capture(-1);
	return 0;
}

#define SKIP_UNLESS_ROOT()                                             \
	do {                                                           \
		if (fx.skip_reason) {                                  \
			print_message("skipped: %s\n", fx.skip_reason); \
			skip();                                        \
		}                                                      \
	} while (0)

static void openat_target(int calls)
{
	for (int i = 0; i < calls; i++) {
		long fd = syscall(SYS_openat, AT_FDCWD, fx.file, O_RDONLY);

		assert_true(fd >= 0);
		close(fd);
	}
}

static struct ttm_counters counters_delta(const struct ttm_counters *before,
					  const struct ttm_counters *after)
{
	struct ttm_counters d = {
		.fired = after->fired - before->fired,
		.drop_filter = after->drop_filter - before->drop_filter,
		.drop_sampling = after->drop_sampling - before->drop_sampling,
		.lost_ringbuf_full = after->lost_ringbuf_full - before->lost_ringbuf_full,
		.lost_no_ringbuf = after->lost_no_ringbuf - before->lost_no_ringbuf,
		.lost_scratch = after->lost_scratch - before->lost_scratch,
		.submitted = after->submitted - before->submitted,
		.read_errors = after->read_errors - before->read_errors,
	};
	return d;
}

static void test_native_openat_counted(void **state)
{
	struct ttm_prog_stats stats_before, stats_after;
	__u64 events_before;

	SKIP_UNLESS_ROOT();
	assert_int_equal(ttm_probe_attach(fx.probe, TTM_CONFIG_TP), 0);
	assert_int_equal(ttm_probe_drain(fx.probe), 0);
	assert_int_equal(ttm_probe_prog_stats(fx.probe, OPENAT_TP, &stats_before), 0);
	events_before = ttm_probe_events(fx.probe, OPENAT_TP, getpid());

	openat_target(CALLS);

	assert_int_equal(ttm_probe_drain(fx.probe), 0);
	assert_int_equal(ttm_probe_prog_stats(fx.probe, OPENAT_TP, &stats_after), 0);
	assert_true(stats_after.run_cnt - stats_before.run_cnt >= CALLS);
	assert_int_equal(ttm_probe_events(fx.probe, OPENAT_TP, getpid()) - events_before, CALLS);
	assert_int_equal(ttm_probe_bad_events(fx.probe), 0);
}

/* The i386 program that issues openat through the ia32 entry, and its arguments. */
static void ia32_openat_command(const char *count, char **argv)
{
	static char workload_ops[32];
	const char *workload = getenv("TTM_WORKLOAD32");

	if (workload && access(workload, X_OK) == 0) {
		snprintf(workload_ops, sizeof(workload_ops), "%s", count);
		argv[0] = (char *)workload;
		argv[1] = "--syscall";
		argv[2] = "openat";
		argv[3] = "--entry";
		argv[4] = "ia32";
		argv[5] = "--ops";
		argv[6] = workload_ops;
		argv[7] = "--quiet";
		argv[8] = NULL;
		return;
	}
	argv[0] = getenv("TTM_IA32_HELPER") ? getenv("TTM_IA32_HELPER") : "build/tests/ia32_openat";
	argv[1] = fx.file;
	argv[2] = (char *)count;
	argv[3] = NULL;
}

static void test_ia32_openat_not_seen_by_tp(void **state)
{
	char count[16], *argv[9];
	int status;
	pid_t child;

	SKIP_UNLESS_ROOT();
	snprintf(count, sizeof(count), "%d", CALLS);
	ia32_openat_command(count, argv);
	print_message("ia32 openat from %s\n", argv[0]);
	assert_int_equal(access(argv[0], X_OK), 0);

	assert_int_equal(ttm_probe_attach(fx.probe, TTM_CONFIG_TP), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		/* No 64-bit openat may run in the child before execv: it would count. */
		execv(argv[0], argv);
		_exit(127);
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	assert_int_equal(ttm_probe_drain(fx.probe), 0);
	for (int id = 0; id < TTM_PROG_EXTRA; id++)
		assert_int_equal(ttm_probe_events(fx.probe, id, child), 0);
}

/*
 * Dropping mode with ratio 4 keeps a call when bpf_ktime_get_boot_ns() falls
 * in the first quarter of its second. CLOCK_BOOTTIME is the same clock. A
 * call whose boot time, read before and after it, lies inside one kept
 * quarter must be kept, and one inside the dropped part must be dropped.
 * Only calls that straddle a boundary may go either way, so the kept count
 * must lie in [sure_kept, sure_kept + straddling].
 *
 * Kept calls cost more than dropped ones, so a free-running loop issues
 * fewer calls per millisecond in the kept quarter. The stream is therefore
 * paced: one call per SAMPLING_SLOT_NS of boot time, a slot that is late is
 * skipped. Over SAMPLING_RUN_S whole seconds each quarter contains the same
 * number of slots give or take one, so the kept share of issued calls is
 * 1/4 up to slots lost to preemption. The consumer is paused during the
 * stream so that it does not preempt this thread in the kept quarters only.
 * Other load falls on kept and dropped parts of a second alike but in
 * chunks of milliseconds. An estimate: with a quarter of the slots lost in
 * 4 ms chunks the share varies by about 0.01, so the tolerance is 0.03.
 * When more than a quarter of the slots are lost (other heavy load on the
 * machine) that premise fails, and only the exact bounds are checked.
 */
#define SAMPLING_SLOT_NS 100000ULL
#define SAMPLING_RUN_S 4

static __u64 boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static bool in_kept_quarter(__u64 ns)
{
	return ns % NSEC_PER_SEC < NSEC_PER_SEC / 4;
}

static void test_sampling_keeps_first_quarter(void **state)
{
	__u64 slots = SAMPLING_RUN_S * (NSEC_PER_SEC / SAMPLING_SLOT_NS);
	__u64 sure_kept = 0, straddling = 0, calls = 0, in_quarter = 0, kept, events_before, start,
	      end, slot;
	double share, quarter_share;

	SKIP_UNLESS_ROOT();
	assert_int_equal(ttm_probe_set_sampling(fx.probe, true, 4), 0);
	assert_int_equal(ttm_probe_attach(fx.probe, TTM_CONFIG_TP), 0);
	assert_int_equal(ttm_probe_drain(fx.probe), 0);
	events_before = ttm_probe_events(fx.probe, OPENAT_TP, getpid());

	/* Start on a whole second so the run covers whole seconds. */
	assert_int_equal(ttm_probe_pause_consumer(fx.probe, true), 0);
	start = (boot_ns() / NSEC_PER_SEC + 1) * NSEC_PER_SEC;
	end = start + SAMPLING_RUN_S * NSEC_PER_SEC;
	for (slot = start; slot < end; slot += SAMPLING_SLOT_NS) {
		__u64 t0, t1;
		long fd;

		while ((t0 = boot_ns()) < slot)
			;
		if (t0 >= slot + SAMPLING_SLOT_NS)
			continue; /* late: this slot is lost */

		fd = syscall(SYS_openat, AT_FDCWD, fx.file, O_RDONLY);
		t1 = boot_ns();
		assert_true(fd >= 0);
		close(fd);

		calls++;
		in_quarter += in_kept_quarter(t0);
		if (t0 / NSEC_PER_SEC == t1 / NSEC_PER_SEC &&
		    in_kept_quarter(t0) == in_kept_quarter(t1))
			sure_kept += in_kept_quarter(t0);
		else
			straddling++;
	}

	assert_int_equal(ttm_probe_pause_consumer(fx.probe, false), 0);
	assert_int_equal(ttm_probe_drain(fx.probe), 0);
	kept = ttm_probe_events(fx.probe, OPENAT_TP, getpid()) - events_before;
	share = (double)kept / calls;
	print_message("sampling 1/4: %llu of %llu calls kept (%.3f), %llu sure, %llu straddling\n",
		      (unsigned long long)kept, (unsigned long long)calls, share,
		      (unsigned long long)sure_kept, (unsigned long long)straddling);

	assert_true(calls > 0);
	assert_true(kept >= sure_kept);
	assert_true(kept <= sure_kept + straddling);

	/*
	 * The share of kept calls equals 1/4 only when the calls that were made
	 * are spread evenly over each second. Other load can cost whole slots
	 * in one part of the second, so the share is checked only when the
	 * calls made inside the kept quarter are themselves about a quarter.
	 */
	quarter_share = (double)in_quarter / calls;
	if (quarter_share < 0.24 || quarter_share > 0.26) {
		print_message("kept share not checked: %.3f of the calls fell in the kept quarter "
			      "(%llu of %llu slots lost to other load)\n",
			      quarter_share, (unsigned long long)(slots - calls),
			      (unsigned long long)slots);
		return;
	}
	assert_true(share > 0.22);
	assert_true(share < 0.28);
}

/* Run CALLS openat calls with the tracepoint attached, then detach and return counter deltas. */
static struct ttm_counters openat_with_flags(__u8 flags, bool dropping_mode, __u32 ratio,
					     __u64 *my_events)
{
	struct ttm_counters before, after;
	__u64 events_before;

	assert_int_equal(ttm_probe_set_syscall_flags(fx.probe, TTM_SC_OPENAT, flags), 0);
	assert_int_equal(ttm_probe_set_sampling(fx.probe, dropping_mode, ratio), 0);
	assert_int_equal(ttm_probe_attach(fx.probe, TTM_CONFIG_TP), 0);
	assert_int_equal(ttm_probe_drain(fx.probe), 0);
	assert_int_equal(ttm_probe_counters(fx.probe, OPENAT_TP, &before), 0);
	events_before = ttm_probe_events(fx.probe, OPENAT_TP, getpid());

	openat_target(CALLS);

	assert_int_equal(ttm_probe_detach(fx.probe), 0);
	assert_int_equal(ttm_probe_drain(fx.probe), 0);
	assert_int_equal(ttm_probe_counters(fx.probe, OPENAT_TP, &after), 0);
	*my_events = ttm_probe_events(fx.probe, OPENAT_TP, getpid()) - events_before;
	return counters_delta(&before, &after);
}

static void test_flag_never_drop(void **state)
{
	struct ttm_counters d;
	__u64 events;

	SKIP_UNLESS_ROOT();
	/* Ratio 128 drops over 99% of calls unless NEVER_DROP bypasses sampling. */
	d = openat_with_flags(TTM_SC_FLAG_INTERESTING | TTM_SC_FLAG_NEVER_DROP, true, 128, &events);
	assert_int_equal(events, CALLS);
	assert_true(d.fired >= CALLS);
	assert_int_equal(d.drop_sampling, 0);
	assert_int_equal(d.drop_filter, 0);
}

static void test_flag_always_drop(void **state)
{
	struct ttm_counters d;
	__u64 events;

	SKIP_UNLESS_ROOT();
	d = openat_with_flags(TTM_SC_FLAG_INTERESTING | TTM_SC_FLAG_ALWAYS_DROP, true, 1, &events);
	assert_int_equal(events, 0);
	assert_true(d.fired >= CALLS);
	assert_int_equal(d.drop_sampling, d.fired);
	assert_int_equal(d.submitted, 0);
	assert_int_equal(d.drop_filter, 0);
}

static void test_flag_always_drop_needs_dropping_mode(void **state)
{
	struct ttm_counters d;
	__u64 events;

	SKIP_UNLESS_ROOT();
	d = openat_with_flags(TTM_SC_FLAG_INTERESTING | TTM_SC_FLAG_ALWAYS_DROP, false, 1, &events);
	assert_int_equal(events, CALLS);
	assert_int_equal(d.drop_sampling, 0);
}

static void test_flag_not_interesting(void **state)
{
	struct ttm_counters d;
	__u64 events;

	SKIP_UNLESS_ROOT();
	d = openat_with_flags(TTM_SC_FLAGS_NOT_INTERESTING, true, 1, &events);
	assert_int_equal(events, 0);
	assert_true(d.fired >= CALLS);
	assert_int_equal(d.drop_filter, d.fired);
	assert_int_equal(d.drop_sampling, 0);
	assert_int_equal(d.submitted, 0);
}

static void test_counters_add_up(void **state)
{
	SKIP_UNLESS_ROOT();
	assert_int_equal(ttm_probe_attach(fx.probe, TTM_CONFIG_TP), 0);
	openat_target(CALLS);
	assert_int_equal(ttm_probe_detach(fx.probe), 0);

	for (int id = 0; id < TTM_PROG_EXTRA; id++) {
		struct ttm_counters c;
		__u64 sum;

		assert_int_equal(ttm_probe_counters(fx.probe, id, &c), 0);
		sum = c.drop_filter + c.drop_sampling + c.lost_ringbuf_full + c.lost_no_ringbuf +
		      c.lost_scratch + c.submitted;
		if (c.fired != sum)
			print_message("%s: fired %llu, outcomes %llu\n", ttm_prog_name(id),
				      (unsigned long long)c.fired, (unsigned long long)sum);
		assert_int_equal(c.fired, sum);
		assert_true(c.read_errors <= c.submitted);
	}
}

/*
 * Connect sock to addr with the tracepoints attached. Returns the length of
 * the captured sockaddr parameter and points *sockaddr at it.
 */
static int connect_captured(int sock, const struct sockaddr *addr, socklen_t len, __s64 *fd_param,
			    const void **sockaddr)
{
	static __u8 event[TTM_SCRATCH_SIZE];
	const void *param;
	size_t size;
	int param_len;

	assert_int_equal(ttm_probe_attach(fx.probe, TTM_CONFIG_TP), 0);
	assert_int_equal(ttm_probe_drain(fx.probe), 0);
	start_capture(CONNECT_TP);
	assert_int_equal(connect(sock, addr, len), 0);
	assert_int_equal(ttm_probe_drain(fx.probe), 0);
	assert_int_equal(ttm_probe_detach(fx.probe), 0);

	pthread_mutex_lock(&fx.lock);
	assert_int_equal(fx.captured, 1);
	size = fx.last_size;
	memcpy(event, fx.last_event, size);
	pthread_mutex_unlock(&fx.lock);

	assert_int_equal(((struct ttm_event_hdr *)event)->syscall_nr, TTM_NR64_CONNECT);
	assert_int_equal(ttm_event_param(event, size, 0, &param), sizeof(__s64));
	memcpy(fd_param, param, sizeof(*fd_param));
	param_len = ttm_event_param(event, size, 1, sockaddr);
	return param_len;
}

static void test_connect_inet(void **state)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in seen;
	socklen_t len = sizeof(addr);
	const void *param;
	__s64 fd_param;
	int listener, sock;

	SKIP_UNLESS_ROOT();
	listener = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(listener >= 0);
	assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(listen(listener, 1), 0);
	assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &len), 0);
	sock = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(sock >= 0);

	assert_int_equal(connect_captured(sock, (struct sockaddr *)&addr, sizeof(addr), &fd_param,
					  &param),
			 sizeof(struct sockaddr_in));
	memcpy(&seen, param, sizeof(seen));
	assert_int_equal(fd_param, sock);
	assert_int_equal(seen.sin_family, AF_INET);
	assert_int_equal(seen.sin_port, addr.sin_port);
	assert_int_equal(seen.sin_addr.s_addr, htonl(INADDR_LOOPBACK));

	close(sock);
	close(listener);
}

static void test_connect_inet6(void **state)
{
	struct sockaddr_in6 addr = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in6 seen;
	socklen_t len = sizeof(addr);
	const void *param;
	__s64 fd_param;
	int listener, sock;

	SKIP_UNLESS_ROOT();
	listener = socket(AF_INET6, SOCK_STREAM, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof(addr))) {
		print_message("skipped: no IPv6 loopback here (%s)\n", strerror(errno));
		if (listener >= 0)
			close(listener);
		skip();
	}
	assert_int_equal(listen(listener, 1), 0);
	assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &len), 0);
	sock = socket(AF_INET6, SOCK_STREAM, 0);
	assert_true(sock >= 0);

	assert_int_equal(connect_captured(sock, (struct sockaddr *)&addr, sizeof(addr), &fd_param,
					  &param),
			 sizeof(struct sockaddr_in6));
	memcpy(&seen, param, sizeof(seen));
	assert_int_equal(fd_param, sock);
	assert_int_equal(seen.sin6_family, AF_INET6);
	assert_int_equal(seen.sin6_port, addr.sin6_port);
	assert_memory_equal(&seen.sin6_addr, &in6addr_loopback, sizeof(struct in6_addr));

	close(sock);
	close(listener);
}

static void test_connect_unix(void **state)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct sockaddr_un seen = {};
	socklen_t len;
	const void *param;
	__s64 fd_param;
	int listener, sock, param_len;

	SKIP_UNLESS_ROOT();
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/sock", fx.dir);
	len = offsetof(struct sockaddr_un, sun_path) + strlen(addr.sun_path) + 1;
	listener = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(listener >= 0);
	assert_int_equal(bind(listener, (struct sockaddr *)&addr, len), 0);
	assert_int_equal(listen(listener, 1), 0);
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(sock >= 0);

	param_len = connect_captured(sock, (struct sockaddr *)&addr, len, &fd_param, &param);
	assert_int_equal(param_len, len);
	memcpy(&seen, param, param_len);
	assert_int_equal(fd_param, sock);
	assert_int_equal(seen.sun_family, AF_UNIX);
	assert_string_equal(seen.sun_path, addr.sun_path);

	close(sock);
	close(listener);
}

/* Issue one openat on path with the tracepoints attached; return the captured path length. */
static int openat_captured_path_len(const char *path, __u64 *read_errors_delta, bool *flagged)
{
	struct ttm_counters before, after;
	const void *param;
	int len;

	assert_int_equal(ttm_probe_counters(fx.probe, OPENAT_TP, &before), 0);
	assert_int_equal(ttm_probe_attach(fx.probe, TTM_CONFIG_TP), 0);
	/* libbpf opens tracefs files while it attaches: let those events pass first. */
	assert_int_equal(ttm_probe_drain(fx.probe), 0);
	start_capture(OPENAT_TP);
	syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);
	assert_int_equal(ttm_probe_detach(fx.probe), 0);
	assert_int_equal(ttm_probe_drain(fx.probe), 0);
	assert_int_equal(ttm_probe_counters(fx.probe, OPENAT_TP, &after), 0);
	*read_errors_delta = after.read_errors - before.read_errors;

	pthread_mutex_lock(&fx.lock);
	assert_int_equal(fx.captured, 1);
	*flagged = fx.captured_read_errors == 1;
	len = ttm_event_param(fx.last_event, fx.last_size, 1, &param);
	pthread_mutex_unlock(&fx.lock);
	return len;
}

static void test_long_path_read_error(void **state)
{
	char *path = malloc(TTM_PATH_MAX + 100);
	__u64 read_errors;
	bool flagged;

	SKIP_UNLESS_ROOT();
	assert_non_null(path);

	/* TTM_PATH_MAX - 1 characters and the NUL fit exactly: no error. */
	memset(path, 'a', TTM_PATH_MAX - 1);
	path[TTM_PATH_MAX - 1] = '\0';
	assert_int_equal(openat_captured_path_len(path, &read_errors, &flagged), TTM_PATH_MAX);
	assert_false(flagged);

	/* A longer path is truncated: the prefix is kept and the event flagged. */
	memset(path, 'a', TTM_PATH_MAX + 50);
	path[TTM_PATH_MAX + 50] = '\0';
	assert_int_equal(openat_captured_path_len(path, &read_errors, &flagged), TTM_PATH_MAX);
	assert_true(flagged);
	assert_true(read_errors >= 1);
	free(path);
}

static void test_unmapped_path_read_error(void **state)
{
	long page = sysconf(_SC_PAGESIZE);
	char *unmapped = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	__u64 read_errors;
	bool flagged;

	SKIP_UNLESS_ROOT();
	assert_true(unmapped != MAP_FAILED);
	assert_int_equal(munmap(unmapped, page), 0);

	assert_int_equal(openat_captured_path_len(unmapped, &read_errors, &flagged), 0);
	assert_true(flagged);
	assert_true(read_errors >= 1);
}

static void test_none_attaches_nothing(void **state)
{
	struct ttm_prog_stats before[TTM_PROG_EXTRA], after;
	__u64 events_before = 0;

	SKIP_UNLESS_ROOT();
	assert_int_equal(ttm_probe_attach(fx.probe, TTM_CONFIG_NONE), 0);
	for (int id = 0; id < TTM_PROG_EXTRA; id++) {
		ttm_probe_prog_stats(fx.probe, id, &before[id]);
		events_before += ttm_probe_events(fx.probe, id, getpid());
	}

	openat_target(CALLS);
	assert_int_equal(ttm_probe_drain(fx.probe), 0);

	for (int id = 0; id < TTM_PROG_EXTRA; id++) {
		if (ttm_probe_prog_stats(fx.probe, id, &after))
			continue; /* not loaded here */
		assert_int_equal(after.run_cnt, before[id].run_cnt);
		events_before -= ttm_probe_events(fx.probe, id, getpid());
	}
	assert_int_equal(events_before, 0);
}

static void test_failed_attach_leaves_nothing(void **state)
{
	__u64 events_before;
	int err;

	SKIP_UNLESS_ROOT();
	if (fx.caps.config[TTM_CONFIG_FULL].available) {
		print_message("skipped: every configuration can attach on this kernel\n");
		skip();
	}

	/* full attaches the tracepoints before it reaches the first missing kprobe. */
	err = ttm_probe_attach(fx.probe, TTM_CONFIG_FULL);
	assert_int_equal(err, -EOPNOTSUPP);
	events_before = ttm_probe_events(fx.probe, OPENAT_TP, getpid());
	openat_target(CALLS);
	assert_int_equal(ttm_probe_drain(fx.probe), 0);
	assert_int_equal(ttm_probe_events(fx.probe, OPENAT_TP, getpid()), events_before);
}

static void test_kprobe_programs_verify(void **state)
{
	SKIP_UNLESS_ROOT();
	assert_int_equal(ttm_probe_verify_kprobe_programs(false), 0);
}

#define BPF_NAME_KEPT 15 /* BPF_OBJ_NAME_LEN - 1 */
#define MAX_TRACKED_PROGS 64

static bool is_our_prog_name(const char *name)
{
	for (int id = 0; name && id < TTM_PROG_EXTRA; id++) {
		const char *ours = ttm_prog_name(id);

		/* The kernel keeps 15 characters; bpftool may restore the rest from BTF. */
		if (!strcmp(name, ours) ||
		    (strlen(name) == BPF_NAME_KEPT && !strncmp(name, ours, BPF_NAME_KEPT)))
			return true;
	}
	return false;
}

static json_t *bpftool_prog_show(void)
{
	char buf[1 << 16];
	json_error_t error;
	json_t *progs;
	size_t len, text_len = 0;
	char *text = NULL;
	FILE *out = popen("timeout 20 bpftool -j prog show", "r");

	assert_non_null(out);
	while ((len = fread(buf, 1, sizeof(buf), out)) > 0) {
		text = realloc(text, text_len + len + 1);
		assert_non_null(text);
		memcpy(text + text_len, buf, len);
		text_len += len;
	}
	assert_int_equal(pclose(out), 0);
	assert_non_null(text);
	text[text_len] = '\0';

	progs = json_loads(text, 0, &error);
	free(text);
	assert_non_null(progs);
	return progs;
}

/*
 * Collect the ids of programs with our names for which this process has an
 * open fd. Other processes (a benchmark run next to the tests) may load programs
 * of the same names, so names alone cannot tell ours apart.
 */
static int our_prog_ids(__u32 *ids, int max)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *entry;
	int count = 0;

	assert_non_null(dir);
	while ((entry = readdir(dir))) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = atoi(entry->d_name);

		if (entry->d_name[0] == '.' || fd == dirfd(dir))
			continue;
		if (bpf_obj_get_info_by_fd(fd, &info, &len) || !is_our_prog_name(info.name))
			continue;
		assert_true(count < max);
		ids[count++] = info.id;
	}
	closedir(dir);
	return count;
}

/* Count how many of ids `bpftool prog show` still lists. */
static int count_listed(const __u32 *ids, int count)
{
	json_t *progs = bpftool_prog_show(), *prog;
	size_t i;
	int listed = 0;

	json_array_foreach(progs, i, prog) {
		__u32 id = json_integer_value(json_object_get(prog, "id"));

		for (int j = 0; j < count; j++)
			listed += id == ids[j];
	}
	json_decref(progs);
	return listed;
}

static void test_close_unloads_programs(void **state)
{
	struct ttm_probe_opts opts = { .consumer_cpu = -1 };
	struct ttm_probe *probe;
	__u32 ids[MAX_TRACKED_PROGS];
	int loaded = 0, count;

	SKIP_UNLESS_ROOT();
	ttm_probe_close(fx.probe);
	fx.probe = NULL;
	assert_int_equal(our_prog_ids(ids, MAX_TRACKED_PROGS), 0);

	/* Loaded programs: every tracepoint one and the chosen ia32 kprobe where kprobes work. */
	for (int sc = 0; sc < TTM_SC_COUNT; sc++)
		loaded += fx.caps.sc[sc].tracepoint.available + fx.caps.sc[sc].ia32_kprobe.available;
	assert_int_equal(ttm_probe_open(&probe, &opts, &fx.caps), 0);
	assert_int_equal(ttm_probe_attach(probe, TTM_CONFIG_TP), 0);
	count = our_prog_ids(ids, MAX_TRACKED_PROGS);
	assert_int_equal(count, loaded);

	ttm_probe_close(probe);
	assert_int_equal(our_prog_ids(ids + count, MAX_TRACKED_PROGS - count), 0);
	assert_int_equal(count_listed(ids, count), 0);
}

static void test_parse_syscall_list(void **state)
{
	bool selected[TTM_SC_COUNT];
	char err[256];

	assert_int_equal(ttm_parse_syscall_list("openat,connect", selected, err, sizeof(err)), 0);
	assert_true(selected[TTM_SC_OPENAT]);
	assert_true(selected[TTM_SC_CONNECT]);
	assert_false(selected[TTM_SC_OPEN]);

	assert_int_equal(ttm_parse_syscall_list("all", selected, err, sizeof(err)), 0);
	for (int sc = 0; sc < TTM_SC_COUNT; sc++)
		assert_true(selected[sc]);

	assert_int_equal(ttm_parse_syscall_list("openat,bogus", selected, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "'bogus'"));
	assert_non_null(strstr(err, "openat2"));
	assert_int_equal(ttm_parse_syscall_list("openat,", selected, err, sizeof(err)), -EINVAL);
	assert_int_equal(ttm_parse_syscall_list("", selected, err, sizeof(err)), -EINVAL);
}

static void test_parse_config_list(void **state)
{
	enum ttm_config configs[TTM_CONFIG_COUNT];
	char err[256];
	int count;

	assert_int_equal(ttm_parse_config_list("tp,none", configs, &count, err, sizeof(err)), 0);
	assert_int_equal(count, 2);
	assert_int_equal(configs[0], TTM_CONFIG_TP);
	assert_int_equal(configs[1], TTM_CONFIG_NONE);

	assert_int_equal(ttm_parse_config_list("all", configs, &count, err, sizeof(err)), 0);
	assert_int_equal(count, TTM_CONFIG_FALCO_COUNT);

	assert_int_equal(ttm_parse_config_list("tp,kprobes", configs, &count, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "'kprobes'"));
	assert_int_equal(ttm_parse_config_list("tp,tp", configs, &count, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "twice"));
}

static void test_parse_sampling_ratio(void **state)
{
	const char *valid[] = { "1", "2", "4", "8", "16", "32", "64", "128" };
	const char *invalid[] = { "0", "3", "256", "-4", "4x", "", "1e2" };
	char err[256];
	__u32 ratio;

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		assert_int_equal(ttm_parse_sampling_ratio(valid[i], &ratio, err, sizeof(err)), 0);
		assert_int_equal(ratio, strtoul(valid[i], NULL, 10));
	}
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		char quoted[16];

		assert_int_equal(ttm_parse_sampling_ratio(invalid[i], &ratio, err, sizeof(err)),
				 -EINVAL);
		snprintf(quoted, sizeof(quoted), "'%s'", invalid[i]);
		assert_non_null(strstr(err, quoted));
	}
}

static void test_names(void **state)
{
	assert_string_equal(ttm_prog_name(OPENAT_TP), "openat_e");
	assert_string_equal(ttm_prog_name(TTM_PROG_ID(TTM_SC_OPENAT, TTM_KIND_IA32_COMPAT)),
			    "ia32_compat_openat_e");
	assert_string_equal(ttm_prog_hook(TTM_PROG_ID(TTM_SC_CREAT, TTM_KIND_IA32)),
			    "kprobe/__ia32_sys_creat");
	assert_string_equal(ttm_prog_hook(OPENAT_TP), "tracepoint/syscalls/sys_enter_openat");
	assert_int_equal(ttm_syscall_from_name("openat2"), TTM_SC_OPENAT2);
	assert_int_equal(ttm_config_from_name("full"), TTM_CONFIG_FULL);
	assert_int_equal(ttm_config_from_name("fentry"), TTM_CONFIG_FENTRY);
	assert_int_equal(ttm_config_from_name("kprobes"), -1);
	assert_true(ttm_config_has_prog(TTM_CONFIG_FULL, OPENAT_TP, NULL));
	assert_false(ttm_config_has_prog(TTM_CONFIG_KPROBE, OPENAT_TP, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_native_openat_counted, reset_probe),
		cmocka_unit_test_setup(test_ia32_openat_not_seen_by_tp, reset_probe),
		cmocka_unit_test_setup(test_sampling_keeps_first_quarter, reset_probe),
		cmocka_unit_test_setup(test_flag_never_drop, reset_probe),
		cmocka_unit_test_setup(test_flag_always_drop, reset_probe),
		cmocka_unit_test_setup(test_flag_always_drop_needs_dropping_mode, reset_probe),
		cmocka_unit_test_setup(test_flag_not_interesting, reset_probe),
		cmocka_unit_test_setup(test_counters_add_up, reset_probe),
		cmocka_unit_test_setup(test_connect_inet, reset_probe),
		cmocka_unit_test_setup(test_connect_inet6, reset_probe),
		cmocka_unit_test_setup(test_connect_unix, reset_probe),
		cmocka_unit_test_setup(test_long_path_read_error, reset_probe),
		cmocka_unit_test_setup(test_unmapped_path_read_error, reset_probe),
		cmocka_unit_test_setup(test_none_attaches_nothing, reset_probe),
		cmocka_unit_test_setup(test_failed_attach_leaves_nothing, reset_probe),
		cmocka_unit_test_setup(test_kprobe_programs_verify, reset_probe),
		cmocka_unit_test(test_parse_syscall_list),
		cmocka_unit_test(test_parse_config_list),
		cmocka_unit_test(test_parse_sampling_ratio),
		cmocka_unit_test(test_names),
		/* Last: it closes the shared probe. */
		cmocka_unit_test_setup(test_close_unloads_programs, reset_probe),
	};

	return cmocka_run_group_tests_name("probes", tests, setup_group, teardown_group);
}
