// SPDX-License-Identifier: GPL-2.0
/*
 * Worker threads and open-loop pacing. Each thread issues its ops in batches
 * and reads the clock once before and once after the calls of a batch. Op i
 * of a thread is due at start + i / rate. A thread ahead of schedule sleeps to
 * the absolute due time of its next batch (clock_nanosleep, TIMER_ABSTIME), so
 * sleep overshoot does not accumulate. A thread behind schedule issues its
 * next batch at once.
 */
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include "workloads/workload.h"

#define BATCH_START 64
#define BATCH_LIMIT 1024
#define SAMPLES_CAP (1u << 18) /* per thread: 2 MiB of batch samples */
#define SLEEP_SLICE_NS 100000000ull /* wake at least every 100 ms to notice Ctrl-C */
#define CLOCK_SHARE_INVERSE 100 /* clock reads cost < 1 / this of a batch */

volatile sig_atomic_t wl_stop_requested;

struct worker {
	const struct wl_config *cfg;
	struct wl_result *result;
	unsigned int index;
	pthread_t thread;
	wl_issue_fn issue;
	struct wl_op_args *args;
	long *rets;
	int *sockets;
	uint64_t ops_target; /* UINT64_MAX: until the duration ends */
	double rate; /* this thread's ops/s; 0 for max */
	unsigned int batch_max;
	bool failed;
};

/* Start gate: workers report ready, then wait for go. */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static unsigned int ready_count;
static bool go;
static uint64_t start_ns;
static uint64_t end_ns; /* 0: no time bound */
static uint64_t min_batch_ns; /* batches shorter than this grow */

uint64_t wl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t deadline)
{
	while (!wl_stop_requested) {
		uint64_t now = wl_now_ns();
		uint64_t wake = deadline;
		struct timespec ts;

		if (now >= deadline)
			return;
		if (deadline - now > SLEEP_SLICE_NS)
			wake = now + SLEEP_SLICE_NS;
		ts.tv_sec = (time_t)(wake / 1000000000ull);
		ts.tv_nsec = (long)(wake % 1000000000ull);
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
}

/* Cost of one clock read in ns: the best of five rounds of 200 reads. */
static uint64_t measure_clock_read_ns(void)
{
	uint64_t best = UINT64_MAX;

	for (int round = 0; round < 5; round++) {
		uint64_t t0 = wl_now_ns();

		for (int i = 0; i < 200; i++)
			wl_now_ns();
		uint64_t cost = (wl_now_ns() - t0) / 201;
		if (cost < best)
			best = cost;
	}
	return best ? best : 1;
}

static void add_sample(struct wl_result *result, double ns_per_op)
{
	if (result->batches == 0 || ns_per_op < result->batch_min)
		result->batch_min = ns_per_op;
	if (ns_per_op > result->batch_max)
		result->batch_max = ns_per_op;
	result->batches++;

	if ((result->batches - 1) % result->sample_stride != 0)
		return;
	/* Full: halve the kept samples and keep every other batch from now on. */
	if (result->nsamples == result->samples_cap) {
		for (size_t i = 0; i < result->nsamples / 2; i++)
			result->samples[i] = result->samples[2 * i];
		result->nsamples /= 2;
		result->sample_stride *= 2;
	}
	result->samples[result->nsamples++] = ns_per_op;
}

/* Create the sockets of a batch before its timed window. */
static int open_sockets(struct worker *w, unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		w->sockets[i] = wl_socket(w->cfg->family);
		if (w->sockets[i] < 0) {
			fprintf(stderr, "%s: thread %u: failed to create a %s socket: %s\n",
				program_invocation_short_name, w->index, wl_family_name(w->cfg->family),
				strerror(-w->sockets[i]));
			while (i-- > 0)
				close(w->sockets[i]);
			return -1;
		}
	}
	return 0;
}

/* Count errors and close what the batch opened, after its timed window. */
static void finish_batch(struct worker *w, unsigned int count)
{
	struct wl_result *result = w->result;
	bool sockets = wl_needs_socket(w->cfg->syscall);
	bool fds = wl_returns_fd(w->cfg->syscall);

	for (unsigned int i = 0; i < count; i++) {
		long ret = w->rets[i];

		if (ret < 0) {
			result->errors++;
			if (-ret < WL_ERRNO_MAX)
				result->errno_counts[-ret]++;
		} else if (fds) {
			close((int)ret);
		}
		if (sockets)
			close(w->sockets[i]);
	}
	result->ops_issued += count;
}

static void run_batches(struct worker *w)
{
	struct wl_result *result = w->result;
	bool sockets = wl_needs_socket(w->cfg->syscall);
	unsigned int batch = BATCH_START < w->batch_max ? BATCH_START : w->batch_max;
	uint64_t done = 0;

	while (done < w->ops_target && !wl_stop_requested) {
		unsigned int count = batch;
		uint64_t t1, t2;

		if (w->ops_target - done < count)
			count = (unsigned int)(w->ops_target - done);
		if (w->rate > 0)
			sleep_until(start_ns + (uint64_t)((double)done * 1e9 / w->rate));
		if (sockets && open_sockets(w, count) < 0) {
			w->failed = true;
			wl_stop_requested = 1;
			break;
		}

		t1 = wl_now_ns();
		for (unsigned int i = 0; i < count; i++)
			w->rets[i] = w->issue(w->args, sockets ? w->sockets[i] : -1);
		t2 = wl_now_ns();

		finish_batch(w, count);
		result->timed_ns += t2 - t1;
		add_sample(result, (double)(t2 - t1) / count);
		done += count;

		if (end_ns && t2 >= end_ns)
			break;
		if (t2 - t1 < min_batch_ns && batch < w->batch_max)
			batch = batch * 2 < w->batch_max ? batch * 2 : w->batch_max;
	}

	/* A paced run lasts until the slot of its last op has passed. */
	if (w->rate > 0 && !wl_stop_requested)
		sleep_until(start_ns + (uint64_t)((double)done * 1e9 / w->rate));
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	if (w->cfg->ncpus > 0) {
		cpu_set_t set;
		int cpu = w->cfg->cpus[w->index % w->cfg->ncpus];

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0) {
			fprintf(stderr, "%s: thread %u: failed to pin to CPU %d: %s\n", program_invocation_short_name,
				w->index, cpu, strerror(errno));
			w->failed = true;
		}
	}

	pthread_mutex_lock(&gate_lock);
	ready_count++;
	pthread_cond_broadcast(&gate_cond);
	while (!go)
		pthread_cond_wait(&gate_cond, &gate_lock);
	pthread_mutex_unlock(&gate_lock);

	w->result->start_ns = start_ns;
	if (!wl_stop_requested)
		run_batches(w);
	w->result->end_ns = wl_now_ns();
	return NULL;
}

/* Largest batch: the open fds of all threads must stay under RLIMIT_NOFILE, the connects under the backlog. */
static unsigned int batch_limit(const struct wl_config *cfg)
{
	struct rlimit nofile;
	unsigned int limit = BATCH_LIMIT;

	if (!wl_needs_socket(cfg->syscall) && !wl_returns_fd(cfg->syscall))
		return limit;

	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
		nofile.rlim_cur = nofile.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nofile);
		getrlimit(RLIMIT_NOFILE, &nofile);
		if (nofile.rlim_cur != RLIM_INFINITY) {
			rlim_t per_thread = nofile.rlim_cur > 64 ? (nofile.rlim_cur - 64) / cfg->threads : 1;

			if (per_thread < limit)
				limit = per_thread ? (unsigned int)per_thread : 1;
		}
	}

	if (wl_needs_socket(cfg->syscall)) {
		FILE *f = fopen("/proc/sys/net/core/somaxconn", "r");
		unsigned int somaxconn = 128;
		unsigned int per_thread;

		if (f) {
			if (fscanf(f, "%u", &somaxconn) != 1)
				somaxconn = 128;
			fclose(f);
		}
		/* Half the backlog, so a slow listener thread never makes connect wait for a SYN retry. */
		per_thread = somaxconn / 2 / cfg->threads;
		if (per_thread < limit)
			limit = per_thread ? per_thread : 1;
	}
	return limit;
}

static int wait_for_start_byte(int fd)
{
	char byte;
	ssize_t n;

	do {
		n = read(fd, &byte, 1);
	} while (n < 0 && errno == EINTR && !wl_stop_requested);

	if (n == 1)
		return 0;
	if (wl_stop_requested)
		return -1;
	if (n == 0)
		fprintf(stderr, "%s: --start-fd %d reached end of file before the start byte; not starting\n",
			program_invocation_short_name, fd);
	else
		fprintf(stderr, "%s: failed to read --start-fd %d: %s\n", program_invocation_short_name, fd,
			strerror(errno));
	return -1;
}

static void split_work(const struct wl_config *cfg, struct worker *w)
{
	double rate = cfg->rate / cfg->threads;

	w->rate = rate;
	if (cfg->ops) {
		w->ops_target = cfg->ops / cfg->threads + (w->index < cfg->ops % cfg->threads);
	} else if (rate > 0) {
		w->ops_target = (uint64_t)llround(rate * cfg->duration_s);
	} else {
		w->ops_target = UINT64_MAX;
	}
}

static void free_workers(struct worker *workers, unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		wl_op_args_free(workers[i].args);
		free(workers[i].rets);
		free(workers[i].sockets);
	}
	free(workers);
}

/*
 * Run the ops on cfg->threads threads. Returns 0 when every thread finished,
 * -1 on a failure or interruption (reported on stderr).
 */
int wl_run(const struct wl_config *cfg, const struct wl_target *target, struct wl_result *results)
{
	struct worker *workers = calloc(cfg->threads, sizeof(*workers));
	unsigned int batch_max = batch_limit(cfg);
	unsigned int started = 0;
	int ret = 0;

	if (!workers)
		return -1;

	min_batch_ns = 2 * measure_clock_read_ns() * CLOCK_SHARE_INVERSE;

	for (unsigned int i = 0; i < cfg->threads; i++) {
		struct worker *w = &workers[i];

		w->cfg = cfg;
		w->index = i;
		w->result = &results[i];
		w->issue = wl_issuer(cfg);
		w->batch_max = batch_max;
		w->args = wl_op_args_new(target);
		w->rets = calloc(batch_max, sizeof(*w->rets));
		w->sockets = calloc(batch_max, sizeof(*w->sockets));
		w->result->errno_counts = calloc(WL_ERRNO_MAX, sizeof(uint64_t));
		w->result->samples = calloc(SAMPLES_CAP, sizeof(double));
		w->result->samples_cap = SAMPLES_CAP;
		w->result->sample_stride = 1;
		split_work(cfg, w);
		if (!w->args || !w->rets || !w->sockets || !w->result->errno_counts || !w->result->samples) {
			fprintf(stderr, "%s: out of memory for thread %u\n", program_invocation_short_name, i);
			ret = -1;
			break;
		}
	}

	for (unsigned int i = 0; ret == 0 && i < cfg->threads; i++) {
		int err = pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]);

		if (err) {
			fprintf(stderr, "%s: failed to start thread %u: %s\n", program_invocation_short_name, i,
				strerror(err));
			ret = -1;
			break;
		}
		started++;
	}

	pthread_mutex_lock(&gate_lock);
	while (ready_count < started)
		pthread_cond_wait(&gate_cond, &gate_lock);
	pthread_mutex_unlock(&gate_lock);

	for (unsigned int i = 0; i < started; i++) {
		if (workers[i].failed)
			ret = -1;
	}
	/* An interrupted wait is reported below, with the other interruptions. */
	if (ret == 0 && cfg->start_fd >= 0 && wait_for_start_byte(cfg->start_fd) < 0 && !wl_stop_requested)
		ret = -1;
	if (ret < 0)
		wl_stop_requested = 1;

	start_ns = wl_now_ns();
	end_ns = cfg->duration_s > 0 ? start_ns + (uint64_t)(cfg->duration_s * 1e9) : 0;
	pthread_mutex_lock(&gate_lock);
	go = true;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);

	for (unsigned int i = 0; i < started; i++) {
		pthread_join(workers[i].thread, NULL);
		if (workers[i].failed)
			ret = -1;
	}
	if (wl_stop_requested && ret == 0) {
		fprintf(stderr, "%s: interrupted; no record written\n", program_invocation_short_name);
		ret = -1;
	}

	free_workers(workers, cfg->threads);
	return ret;
}
