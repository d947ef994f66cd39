// SPDX-License-Identifier: GPL-2.0
/*
 * Ring-buffer consumer: one thread polls every ring buffer and counts events
 * per program, per syscall and direction, and per (program, tgid).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "probes/probe_internal.h"

/* How long ttm_consumer_drain waits for a consume pass before it gives up. */
#define TTM_DRAIN_TIMEOUT_S 10

/*
 * The programs submit with BPF_RB_NO_WAKEUP, so ring-buffer data never wakes
 * the consumer: it consumes every TTM_POLL_INTERVAL_MS, and at once on a
 * drain request or stop. 1 ms of events fits in the default 8 MiB buffers
 * up to several million events per second per buffer.
 */
#define TTM_POLL_INTERVAL_MS 1

int ttm_event_param(const void *data, size_t size, unsigned int index, const void **param)
{
	const struct ttm_event_hdr *hdr = data;
	const __u8 *bytes = data;
	const __u16 *lens;
	size_t off;

	if (size < sizeof(*hdr) || index >= hdr->nparams)
		return -EINVAL;
	off = sizeof(*hdr) + hdr->nparams * sizeof(__u16);
	if (off > size)
		return -EINVAL;

	lens = (const __u16 *)(bytes + sizeof(*hdr));
	for (unsigned int i = 0; i < index; i++)
		off += lens[i];
	if (off + lens[index] > size)
		return -EINVAL;

	*param = bytes + off;
	return lens[index];
}

/* An event is well formed when its header, lengths and parameters add up to its size. */
static bool event_well_formed(const struct ttm_event_hdr *hdr, const __u8 *data, size_t size)
{
	const __u16 *lens;
	size_t total;

	if (size < sizeof(*hdr) || hdr->len != size || hdr->prog_id >= TTM_PROG_COUNT)
		return false;
	total = sizeof(*hdr) + hdr->nparams * sizeof(__u16);
	if (total > size)
		return false;

	lens = (const __u16 *)(data + sizeof(*hdr));
	for (unsigned int i = 0; i < hdr->nparams; i++)
		total += lens[i];
	return total == size;
}

static void count_tgid(struct ttm_consumer *c, __u32 prog_id, __u32 tgid)
{
	__u32 slot = (tgid * 2654435761U) ^ prog_id;

	for (int probe = 0; probe < TTM_TGID_SLOTS; probe++, slot++) {
		struct ttm_tgid_count *entry = &c->tgid_counts[slot & (TTM_TGID_SLOTS - 1)];

		if (entry->tgid == 0) {
			entry->tgid = tgid;
			entry->prog_id = prog_id;
		}
		if (entry->tgid == tgid && entry->prog_id == prog_id) {
			entry->events++;
			return;
		}
	}
	/* NOTE: past TTM_TGID_SLOTS (program, tgid) pairs, per-tgid counts miss events. */
	c->tgid_overflow++;
}

/*
 * The syscall of an event, from its 64-bit number: the rawtp and tp_btf
 * programs serve all five, so the program id alone does not tell.
 */
static int event_syscall(const struct ttm_event_hdr *hdr)
{
	switch (hdr->syscall_nr) {
	case TTM_NR64_CONNECT:
		return TTM_SC_CONNECT;
	case TTM_NR64_CREAT:
		return TTM_SC_CREAT;
	case TTM_NR64_OPEN:
		return TTM_SC_OPEN;
	case TTM_NR64_OPENAT:
		return TTM_SC_OPENAT;
	case TTM_NR64_OPENAT2:
		return TTM_SC_OPENAT2;
	}
	return -1;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct ttm_consumer *c = ctx;
	const struct ttm_event_hdr *hdr = data;
	ttm_event_fn hook;
	void *hook_ctx;
	int sc;

	pthread_mutex_lock(&c->lock);
	if (!event_well_formed(hdr, data, size)) {
		c->bad_events++;
		pthread_mutex_unlock(&c->lock);
		return 0;
	}
	sc = event_syscall(hdr);
	c->prog_events[hdr->prog_id]++;
	if (sc >= 0)
		c->syscall_events[sc][(hdr->flags & TTM_EVT_IA32) != 0]++;
	count_tgid(c, hdr->prog_id, hdr->tgid);
	hook = c->hook;
	hook_ctx = c->hook_ctx;
	pthread_mutex_unlock(&c->lock);

	if (hook)
		hook(hdr, data, size, hook_ctx);
	return 0;
}

/*
 * Each poll interval and each wakeup (a drain request or stop) runs one full
 * consume pass over every ring buffer. A drain request is marked done only
 * by a pass that started after the request, so it covers every event
 * committed before it.
 */
static void *consumer_main(void *arg)
{
	struct ttm_consumer *c = arg;
	struct epoll_event events[2];
	__u64 requested, wakeups;
	bool stop;
	int n, err;

	if (c->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(c->cpu, &set);
		err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
		if (err)
			fprintf(stderr, "ttmbench: pinning the ring-buffer consumer to CPU %d failed: %s\n",
				c->cpu, strerror(err));
	}

	for (;;) {
		n = epoll_wait(c->epoll_fd, events, 2, TTM_POLL_INTERVAL_MS);
		if (n < 0 && errno != EINTR) {
			err = -errno;
			fprintf(stderr, "ttmbench: ring-buffer consumer: epoll_wait failed: %s\n",
				strerror(errno));
			pthread_mutex_lock(&c->lock);
			c->error = err;
			pthread_cond_broadcast(&c->drained);
			pthread_mutex_unlock(&c->lock);
			return NULL;
		}
		if (read(c->wake_fd, &wakeups, sizeof(wakeups)) < 0 && errno != EAGAIN)
			fprintf(stderr, "ttmbench: ring-buffer consumer: reading its eventfd failed: %s\n",
				strerror(errno));

		pthread_mutex_lock(&c->lock);
		while (c->paused && !c->stop)
			pthread_cond_wait(&c->resumed, &c->lock);
		requested = c->drain_requested;
		stop = c->stop;
		pthread_mutex_unlock(&c->lock);

		err = ring_buffer__consume(c->ringbuf);

		pthread_mutex_lock(&c->lock);
		if (err < 0 && !c->error) {
			c->error = err;
			fprintf(stderr, "ttmbench: ring-buffer consumer: consume failed: %s\n",
				strerror(-err));
		}
		c->drain_done = requested;
		pthread_cond_broadcast(&c->drained);
		pthread_mutex_unlock(&c->lock);

		if (stop)
			return NULL;
	}
}

int ttm_consumer_create_ringbufs(struct ttm_consumer *c, int outer_map_fd, __u32 cpus_per_buffer,
				 __u32 buffer_bytes)
{
	int ncpus = libbpf_num_possible_cpus();
	int err;

	if (ncpus < 0)
		return ncpus;

	c->nr_ringbufs = (ncpus + cpus_per_buffer - 1) / cpus_per_buffer;
	c->ringbuf_fds = calloc(c->nr_ringbufs, sizeof(int));
	if (!c->ringbuf_fds)
		return -ENOMEM;
	for (int i = 0; i < c->nr_ringbufs; i++)
		c->ringbuf_fds[i] = -1;

	for (int i = 0; i < c->nr_ringbufs; i++) {
		c->ringbuf_fds[i] =
			bpf_map_create(BPF_MAP_TYPE_RINGBUF, "ttm_ringbuf", 0, 0, buffer_bytes, NULL);
		if (c->ringbuf_fds[i] < 0) {
			err = -errno;
			fprintf(stderr, "ttmbench: creating ring buffer %d of %u bytes failed: %s\n", i,
				buffer_bytes, strerror(errno));
			return err;
		}
	}

	for (int cpu = 0; cpu < ncpus; cpu++) {
		__u32 key = cpu;
		int fd = c->ringbuf_fds[cpu / cpus_per_buffer];

		if (bpf_map_update_elem(outer_map_fd, &key, &fd, BPF_ANY)) {
			err = -errno;
			fprintf(stderr, "ttmbench: storing the ring buffer of CPU %d failed: %s\n", cpu,
				strerror(errno));
			return err;
		}
	}

	c->ringbuf = ring_buffer__new(c->ringbuf_fds[0], handle_event, c, NULL);
	if (!c->ringbuf) {
		err = -errno;
		fprintf(stderr, "ttmbench: setting up the ring-buffer reader failed: %s\n",
			strerror(errno));
		return err;
	}
	for (int i = 1; i < c->nr_ringbufs; i++) {
		err = ring_buffer__add(c->ringbuf, c->ringbuf_fds[i], handle_event, c);
		if (err) {
			fprintf(stderr, "ttmbench: adding ring buffer %d to the reader failed: %s\n", i,
				strerror(-err));
			return err;
		}
	}
	return 0;
}

int ttm_consumer_start(struct ttm_consumer *c, int cpu)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int err;

	c->cpu = cpu;
	c->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	c->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (c->wake_fd < 0 || c->epoll_fd < 0)
		return -errno;

	if (epoll_ctl(c->epoll_fd, EPOLL_CTL_ADD, c->wake_fd, &ev))
		return -errno;
	if (epoll_ctl(c->epoll_fd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(c->ringbuf), &ev))
		return -errno;

	err = pthread_create(&c->thread, NULL, consumer_main, c);
	if (err) {
		fprintf(stderr, "ttmbench: starting the ring-buffer consumer failed: %s\n",
			strerror(err));
		return -err;
	}
	c->started = true;
	return 0;
}

static void wake_consumer(struct ttm_consumer *c)
{
	__u64 one = 1;

	if (write(c->wake_fd, &one, sizeof(one)) < 0)
		fprintf(stderr, "ttmbench: waking the ring-buffer consumer failed: %s\n",
			strerror(errno));
}

int ttm_consumer_drain(struct ttm_consumer *c)
{
	struct timespec deadline;
	__u64 ticket;
	int err = 0;

	if (!c->started)
		return -EINVAL;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += TTM_DRAIN_TIMEOUT_S;

	pthread_mutex_lock(&c->lock);
	if (c->paused) {
		pthread_mutex_unlock(&c->lock);
		return -EAGAIN;
	}
	ticket = ++c->drain_requested;
	pthread_mutex_unlock(&c->lock);
	wake_consumer(c);

	pthread_mutex_lock(&c->lock);
	while (c->drain_done < ticket && !c->error && !err)
		err = pthread_cond_timedwait(&c->drained, &c->lock, &deadline);
	if (c->error)
		err = c->error;
	else if (err)
		err = -err;
	pthread_mutex_unlock(&c->lock);

	if (err == -ETIMEDOUT)
		fprintf(stderr, "ttmbench: the ring-buffer consumer did not finish a pass in %d s\n",
			TTM_DRAIN_TIMEOUT_S);
	return err;
}

void ttm_consumer_destroy(struct ttm_consumer *c)
{
	if (c->started) {
		pthread_mutex_lock(&c->lock);
		c->stop = true;
		pthread_cond_broadcast(&c->resumed);
		pthread_mutex_unlock(&c->lock);
		wake_consumer(c);
		pthread_join(c->thread, NULL);
		c->started = false;
	}

	ring_buffer__free(c->ringbuf);
	c->ringbuf = NULL;
	for (int i = 0; c->ringbuf_fds && i < c->nr_ringbufs; i++)
		if (c->ringbuf_fds[i] >= 0)
			close(c->ringbuf_fds[i]);
	free(c->ringbuf_fds);
	c->ringbuf_fds = NULL;
	if (c->epoll_fd >= 0)
		close(c->epoll_fd);
	if (c->wake_fd >= 0)
		close(c->wake_fd);
	c->epoll_fd = c->wake_fd = -1;
}

__u64 ttm_consumer_events(struct ttm_consumer *c, int prog_id, pid_t tgid)
{
	__u64 events = 0;

	if (prog_id < 0 || prog_id >= TTM_PROG_MAX)
		return 0;

	pthread_mutex_lock(&c->lock);
	if (tgid == 0) {
		events = c->prog_events[prog_id];
	} else {
		for (int i = 0; i < TTM_TGID_SLOTS; i++) {
			struct ttm_tgid_count *entry = &c->tgid_counts[i];

			if (entry->tgid == (__u32)tgid && entry->prog_id == (__u32)prog_id) {
				events = entry->events;
				break;
			}
		}
	}
	pthread_mutex_unlock(&c->lock);
	return events;
}

int ttm_consumer_pause(struct ttm_consumer *c, bool paused)
{
	if (!c->started)
		return -EINVAL;

	pthread_mutex_lock(&c->lock);
	c->paused = paused;
	pthread_cond_broadcast(&c->resumed);
	pthread_mutex_unlock(&c->lock);

	/* The ring buffer notifies only when the reader has caught up, so wake it for the backlog. */
	if (!paused)
		wake_consumer(c);
	return 0;
}

int ttm_consumer_cpu_ns(struct ttm_consumer *c, __u64 *ns)
{
	struct timespec ts;
	clockid_t clock;
	int err;

	if (!c->started)
		return -EINVAL;
	err = pthread_getcpuclockid(c->thread, &clock);
	if (err)
		return -err;
	if (clock_gettime(clock, &ts))
		return -errno;
	*ns = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	return 0;
}
