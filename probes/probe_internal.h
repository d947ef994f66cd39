/* SPDX-License-Identifier: GPL-2.0 */
/* State shared by the loader (loader.c) and the ring-buffer consumer (consumer.c). */
#ifndef TTM_PROBE_INTERNAL_H
#define TTM_PROBE_INTERNAL_H

#include <pthread.h>

#include <bpf/libbpf.h>

#include "probes/loader.h"

/* Slots of the (program, tgid) event count table; a power of two. */
#define TTM_TGID_SLOTS 16384

struct ttm_tgid_count {
	__u32 tgid; /* 0: free slot */
	__u32 prog_id;
	__u64 events;
};

struct ttm_consumer {
	struct ring_buffer *ringbuf;
	int *ringbuf_fds;
	int nr_ringbufs;
	int wake_fd; /* eventfd: drain requests and stop */
	int epoll_fd; /* wake_fd and the ring_buffer's own epoll fd */
	int cpu;
	pthread_t thread;
	bool started;
	bool stop;

	/* Everything below is protected by lock. */
	pthread_mutex_t lock;
	pthread_cond_t drained;
	__u64 drain_requested;
	__u64 drain_done;
	int error; /* first epoll_wait or consume error, negative errno */
	__u64 prog_events[TTM_PROG_MAX];
	__u64 syscall_events[TTM_SC_COUNT][2]; /* [sc][ia32] */
	__u64 bad_events;
	__u64 tgid_overflow; /* events whose (program, tgid) found no free slot */
	struct ttm_tgid_count tgid_counts[TTM_TGID_SLOTS];
	ttm_event_fn hook;
	void *hook_ctx;
	bool paused; /* ttm_probe_pause_consumer: no consume pass until resumed */
	pthread_cond_t resumed;
};

/* Create the ring buffers and store them per CPU in the array of maps (after load). */
int ttm_consumer_create_ringbufs(struct ttm_consumer *c, int outer_map_fd, __u32 cpus_per_buffer,
				 __u32 buffer_bytes);
int ttm_consumer_start(struct ttm_consumer *c, int cpu);
int ttm_consumer_drain(struct ttm_consumer *c);
void ttm_consumer_destroy(struct ttm_consumer *c);
__u64 ttm_consumer_events(struct ttm_consumer *c, int prog_id, pid_t tgid);
int ttm_consumer_pause(struct ttm_consumer *c, bool paused);
int ttm_consumer_cpu_ns(struct ttm_consumer *c, __u64 *ns);

/* The file named by TTMBENCH_BTF_PATH (btf_path.c), or NULL when unset or empty. */
const char *ttm_btf_custom_path(void);

#endif /* TTM_PROBE_INTERNAL_H */
