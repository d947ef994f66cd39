/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Steps shared by every TOCTOU-mitigation program, in the order each program
 * runs them: ttm_ev_begin (count, filter, sample, take the scratch buffer),
 * the ttm_ev_put_* stores that gather the arguments into the event, and
 * ttm_ev_submit. Every exit after "fired" bumps exactly one other counter, so
 *   fired = drop_filter + drop_sampling + lost_ringbuf_full
 *         + lost_no_ringbuf + lost_scratch + submitted
 * holds for every program.
 */
#ifndef TTM_EVENT_BPF_H
#define TTM_EVENT_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "probes/ttm_event.h"
#include "probes/maps.bpf.h"

#define TTM_NSEC_PER_SEC 1000000000ULL
#define TTM_NO_SYSCALL ((__u32)-1)

/* The user-space address families the connect programs decode (linux/socket.h). */
#define TTM_AF_UNIX 1
#define TTM_AF_INET 2
#define TTM_AF_INET6 10
#define TTM_SOCKADDR_STORAGE_SIZE 128 /* sizeof(struct sockaddr_storage) */
#define TTM_SOCKADDR_IN_SIZE 16
#define TTM_SOCKADDR_IN6_SIZE 28
#define TTM_SOCKADDR_UN_SIZE 110

/* Parameter lengths live right after the header; no program stores more than 8. */
#define TTM_MAX_PARAMS 8

/*
 * Masks that give the verifier an upper bound on every store offset. A store
 * of up to TTM_PATH_MAX bytes starts below TTM_PATH_MAX (paths come first or
 * after a few small parameters), and a fixed-size store of up to 8 bytes
 * starts below 8192, so both end inside TTM_SCRATCH_SIZE.
 */
#define TTM_PATH_OFF_MASK (TTM_PATH_MAX - 1)
#define TTM_FIXED_OFF_MASK 8191

_Static_assert(TTM_PATH_OFF_MASK + TTM_PATH_MAX <= TTM_SCRATCH_SIZE, "path store bound");
_Static_assert(TTM_FIXED_OFF_MASK + 8 <= TTM_SCRATCH_SIZE, "fixed store bound");

char LICENSE[] SEC("license") = "GPL";

/* An event being built in the per-CPU scratch buffer. */
struct ttm_ev {
	__u8 *buf;
	struct ttm_counters *counters;
	__u32 off; /* where the next parameter goes */
	__u16 nparams;
	__u16 param; /* parameters stored so far */
	__u16 syscall_nr;
	__u8 prog_id;
	__u8 flags;
};

/*
 * Filtering and sampling, with the same precedence as Falco's modern probe:
 * a syscall without TTM_SC_FLAG_INTERESTING is dropped by the filter
 * whatever the mode. With dropping mode off every interesting call is kept.
 * With dropping mode on, TTM_SC_FLAG_NEVER_DROP keeps the call, else
 * TTM_SC_FLAG_ALWAYS_DROP drops it, else the call is kept only in the first
 * 1/ratio of each second of boot time.
 */
static __always_inline bool ttm_filtered_out(__u32 nr64)
{
	__u8 *flags = bpf_map_lookup_elem(&ttm_sc_flags, &nr64);

	return !flags || !(*flags & TTM_SC_FLAG_INTERESTING);
}

static __always_inline bool ttm_sampled_out(__u32 nr64)
{
	__u32 zero = 0;
	struct ttm_settings *settings = bpf_map_lookup_elem(&ttm_settings, &zero);
	__u8 *flags = bpf_map_lookup_elem(&ttm_sc_flags, &nr64);
	__u32 ratio;

	if (!settings || !flags || !settings->dropping_mode)
		return false;
	if (*flags & TTM_SC_FLAG_NEVER_DROP)
		return false;
	if (*flags & TTM_SC_FLAG_ALWAYS_DROP)
		return true;

	ratio = settings->sampling_ratio;
	if (ratio <= 1)
		return false;
	return bpf_ktime_get_boot_ns() % TTM_NSEC_PER_SEC >= TTM_NSEC_PER_SEC / ratio;
}

/* Map an ia32 syscall number to the 64-bit one, or TTM_NO_SYSCALL. */
static __always_inline __u32 ttm_ia32_to_64_nr(__u32 nr32)
{
	__u32 *nr64 = bpf_map_lookup_elem(&ttm_ia32_to_64, &nr32);

	return nr64 ? *nr64 : TTM_NO_SYSCALL;
}

/*
 * Count the call, apply filtering and sampling and take the scratch buffer.
 * Returns false when the event is not to be built; the reason is counted.
 */
static __always_inline bool ttm_ev_begin(struct ttm_ev *ev, __u32 prog_id, __u32 nr64,
					 bool ia32, __u16 nparams)
{
	__u32 zero = 0;
	struct ttm_counters *counters = bpf_map_lookup_elem(&ttm_counters, &prog_id);
	struct ttm_scratch_buf *scratch;

	/* Fails only for an id beyond TTM_PROG_MAX, which a static assert in ttm_event.h rejects. */
	if (!counters)
		return false;
	__sync_fetch_and_add(&counters->fired, 1);

	if (nr64 == TTM_NO_SYSCALL || ttm_filtered_out(nr64)) {
		__sync_fetch_and_add(&counters->drop_filter, 1);
		return false;
	}
	if (ttm_sampled_out(nr64)) {
		__sync_fetch_and_add(&counters->drop_sampling, 1);
		return false;
	}

	scratch = bpf_map_lookup_elem(&ttm_scratch, &zero);
	if (!scratch) {
		__sync_fetch_and_add(&counters->lost_scratch, 1);
		return false;
	}

	/*
	 * NOTE: syscall tracepoints may run with preemption enabled on recent
	 * kernels, so two tasks on one CPU can interleave in the same scratch
	 * buffer and one event may carry the other's parameters. Counters are
	 * atomic and stay exact.
	 */
	ev->buf = scratch->data;
	ev->counters = counters;
	ev->nparams = nparams;
	ev->param = 0;
	ev->off = sizeof(struct ttm_event_hdr) + nparams * sizeof(__u16);
	ev->syscall_nr = nr64;
	ev->prog_id = prog_id;
	ev->flags = ia32 ? TTM_EVT_IA32 : 0;
	return true;
}

static __always_inline void ttm_ev_param_done(struct ttm_ev *ev, __u16 len)
{
	__u16 *lens = (__u16 *)(ev->buf + sizeof(struct ttm_event_hdr));

	lens[ev->param & (TTM_MAX_PARAMS - 1)] = len;
	ev->param++;
	ev->off += len;
}

static __always_inline void ttm_ev_put_u32(struct ttm_ev *ev, __u32 value)
{
	*(__u32 *)&ev->buf[ev->off & TTM_FIXED_OFF_MASK] = value;
	ttm_ev_param_done(ev, sizeof(value));
}

static __always_inline void ttm_ev_put_u64(struct ttm_ev *ev, __u64 value)
{
	*(__u64 *)&ev->buf[ev->off & TTM_FIXED_OFF_MASK] = value;
	ttm_ev_param_done(ev, sizeof(value));
}

static __always_inline void ttm_ev_put_empty(struct ttm_ev *ev)
{
	ev->flags |= TTM_EVT_READ_ERROR;
	ttm_ev_param_done(ev, 0);
}

/*
 * Copy a NUL-terminated path from user memory. A faulting pointer leaves the
 * parameter empty. A path that does not fit in TTM_PATH_MAX bytes keeps its
 * first TTM_PATH_MAX - 1 bytes; both set TTM_EVT_READ_ERROR.
 */
static __always_inline void ttm_ev_put_user_path(struct ttm_ev *ev, const char *upath)
{
	__u8 *dst = &ev->buf[ev->off & TTM_PATH_OFF_MASK];
	long len = bpf_probe_read_user_str(dst, TTM_PATH_MAX, upath);
	char last = 0;

	if (len <= 0 || len > TTM_PATH_MAX) {
		ttm_ev_put_empty(ev);
		return;
	}

	/* A full buffer is a truncation unless the user byte it ends on is the NUL. */
	if (len == TTM_PATH_MAX &&
	    (bpf_probe_read_user(&last, 1, upath + TTM_PATH_MAX - 1) || last))
		ev->flags |= TTM_EVT_READ_ERROR;

	ttm_ev_param_done(ev, len);
}

/*
 * Copy a socket address from user memory. The user length must cover the
 * family's structure (AF_INET, AF_INET6) and fit in sockaddr_storage; AF_UNIX
 * addresses are copied up to sizeof(struct sockaddr_un), other families as
 * given. A length that fails those checks or a faulting read leaves the
 * parameter empty.
 */
static __always_inline void ttm_ev_put_user_sockaddr(struct ttm_ev *ev, const void *uaddr,
						     __u32 ulen)
{
	__u8 *dst = &ev->buf[ev->off & TTM_PATH_OFF_MASK];
	__u16 family = 0;
	__u32 len = ulen;

	if (ulen < sizeof(family) || ulen > TTM_SOCKADDR_STORAGE_SIZE ||
	    bpf_probe_read_user(&family, sizeof(family), uaddr)) {
		ttm_ev_put_empty(ev);
		return;
	}

	switch (family) {
	case TTM_AF_INET:
		len = TTM_SOCKADDR_IN_SIZE;
		break;
	case TTM_AF_INET6:
		len = TTM_SOCKADDR_IN6_SIZE;
		break;
	case TTM_AF_UNIX:
		if (len > TTM_SOCKADDR_UN_SIZE)
			len = TTM_SOCKADDR_UN_SIZE;
		break;
	}
	if (ulen < len) {
		ttm_ev_put_empty(ev);
		return;
	}

	/* clang drops a bound it can prove; the barrier keeps one the verifier can see. */
	barrier_var(len);
	len &= TTM_SOCKADDR_STORAGE_SIZE * 2 - 1;
	if (len > TTM_SOCKADDR_STORAGE_SIZE || bpf_probe_read_user(dst, len, uaddr)) {
		ttm_ev_put_empty(ev);
		return;
	}
	ttm_ev_param_done(ev, len);
}

/* Fill the header and copy the event into this CPU's ring buffer. */
static __always_inline void ttm_ev_submit(struct ttm_ev *ev)
{
	struct ttm_event_hdr *hdr = (struct ttm_event_hdr *)ev->buf;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 cpu = bpf_get_smp_processor_id();
	__u32 len = ev->off;
	void *ringbuf;

	hdr->ts_ns = bpf_ktime_get_boot_ns();
	hdr->tid = (__u32)pid_tgid;
	hdr->tgid = pid_tgid >> 32;
	hdr->len = len;
	hdr->syscall_nr = ev->syscall_nr;
	hdr->prog_id = ev->prog_id;
	hdr->flags = ev->flags;
	hdr->nparams = ev->nparams;
	hdr->reserved = 0;
	hdr->reserved2 = 0;

	ringbuf = bpf_map_lookup_elem(&ttm_ringbufs, &cpu);
	if (!ringbuf) {
		__sync_fetch_and_add(&ev->counters->lost_no_ringbuf, 1);
		return;
	}

	if (len > TTM_SCRATCH_SIZE)
		len = TTM_SCRATCH_SIZE;
	/*
	 * No wakeup per event, as Falco's modern probe does: the consumer polls
	 * on a timer instead. A wakeup is an irq_work (an IPI in a VM) charged
	 * to the traced syscall, which would inflate the measured penalty.
	 */
	if (bpf_ringbuf_output(ringbuf, ev->buf, len, BPF_RB_NO_WAKEUP)) {
		__sync_fetch_and_add(&ev->counters->lost_ringbuf_full, 1);
		return;
	}

	__sync_fetch_and_add(&ev->counters->submitted, 1);
	if (ev->flags & TTM_EVT_READ_ERROR)
		__sync_fetch_and_add(&ev->counters->read_errors, 1);
}

/* The user register set an ia32 syscall wrapper receives as its only argument. */
#define TTM_IA32_ARG(regs, reg) ((__u32)BPF_CORE_READ((regs), reg))

/* The ia32 syscall number of the call that entered the wrapper. */
static __always_inline __u32 ttm_ia32_nr(struct pt_regs *regs)
{
	return (__u32)BPF_CORE_READ(regs, orig_ax);
}

#endif /* TTM_EVENT_BPF_H */
