/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Layout shared by the BPF programs and userspace: program ids, event header,
 * per-program counters and settings. Both sides must agree byte for byte, so
 * this header uses only fixed-width kernel types (vmlinux.h on the BPF side,
 * <linux/types.h> in userspace) and has no padding the compilers could place
 * differently.
 */
#ifndef TTM_EVENT_H
#define TTM_EVENT_H

/* The syscalls whose enter events the TOCTOU-mitigation programs emit. */
enum ttm_syscall {
	TTM_SC_CONNECT,
	TTM_SC_CREAT,
	TTM_SC_OPEN,
	TTM_SC_OPENAT,
	TTM_SC_OPENAT2,
	TTM_SC_COUNT,
};

/* x86_64 and ia32 syscall numbers (arch/x86/entry/syscalls/syscall_{64,32}.tbl). */
#define TTM_NR64_CONNECT 42
#define TTM_NR64_CREAT 85
#define TTM_NR64_OPEN 2
#define TTM_NR64_OPENAT 257
#define TTM_NR64_OPENAT2 437
#define TTM_NR64_GETPPID 110

#define TTM_NR32_CONNECT 362
#define TTM_NR32_CREAT 8
#define TTM_NR32_OPEN 5
#define TTM_NR32_OPENAT 295
#define TTM_NR32_OPENAT2 437
#define TTM_NR32_SOCKETCALL 102
#define TTM_NR32_GETPPID 64

/* Size of the syscall-number-indexed tables (flags, ia32 to 64-bit mapping). */
#define TTM_SYSCALL_TABLE_SIZE 512

/*
 * Every BPF program of ours has an id; events carry it and the counters map is
 * indexed by it. Per syscall there are three TOCTOU programs, in this order:
 * the tracepoint, the compat kprobe and the plain ia32 kprobe.
 */
#define TTM_PROG_ID(sc, kind) ((sc) * 3 + (kind))
enum ttm_prog_kind {
	TTM_KIND_TP,
	TTM_KIND_IA32_COMPAT,
	TTM_KIND_IA32,
};

/*
 * Programs beyond the 15 TOCTOU ones (alternative hook designs, calibration)
 * take ids from TTM_PROG_EXTRA upwards.
 */
#define TTM_PROG_EXTRA (TTM_SC_COUNT * 3)
#define TTM_PROG_MAX 32

/*
 * Alternative hook designs for ia32 calls. rawtp and tp_btf are one program
 * each on the sys_enter raw tracepoint, serving all five syscalls. fentry has
 * one program per syscall, on the wrapper the ia32 kprobe would use.
 */
#define TTM_PROG_RAWTP (TTM_PROG_EXTRA + 0)
#define TTM_PROG_TP_BTF (TTM_PROG_EXTRA + 1)
#define TTM_PROG_FENTRY(sc) (TTM_PROG_EXTRA + 2 + (sc))
/* The positive control of `ttmbench validate`: a loop of known size on sys_enter_getppid. */
#define TTM_PROG_CALIBRATION (TTM_PROG_EXTRA + 2 + TTM_SC_COUNT)
/* Ids in use: the TOCTOU programs, the designs and the calibration program. */
#define TTM_PROG_COUNT (TTM_PROG_CALIBRATION + 1)

/* The counters map has TTM_PROG_MAX entries, so every id must fit below it. */
_Static_assert(TTM_PROG_COUNT <= TTM_PROG_MAX, "raise TTM_PROG_MAX for the new program ids");

/* Upper bound of the calibration loop count (bpf_loop accepts up to 1 << 23). */
#define TTM_CALIBRATION_LOOPS_MAX (1U << 20)

/* Per-syscall flags in the drop-flags table (indexed by 64-bit syscall number). */
#define TTM_SC_FLAG_INTERESTING (1U << 0)
#define TTM_SC_FLAG_NEVER_DROP (1U << 1)
#define TTM_SC_FLAG_ALWAYS_DROP (1U << 2)

/* Sampling ratios are powers of two from 1 (keep all) to 128. */
#define TTM_SAMPLING_RATIO_MAX 128

struct ttm_settings {
	__u32 dropping_mode; /* 0: keep everything; 1: sample by ratio */
	__u32 sampling_ratio; /* keep the first 1/ratio of every second */
};

/*
 * Exact per-program accounting, summed over CPUs by userspace:
 *   fired = drop_filter + drop_sampling + lost_ringbuf_full
 *         + lost_no_ringbuf + lost_scratch + submitted
 * read_errors counts submitted events in which a user-memory read failed;
 * such an event is still submitted, with the failed parameter empty.
 */
struct ttm_counters {
	__u64 fired;
	__u64 drop_filter;
	__u64 drop_sampling;
	__u64 lost_ringbuf_full;
	__u64 lost_no_ringbuf;
	__u64 lost_scratch;
	__u64 submitted;
	__u64 read_errors;
};

/* Event flags. */
#define TTM_EVT_IA32 (1U << 0)
#define TTM_EVT_READ_ERROR (1U << 1)

/*
 * Event header. It is followed by nparams __u16 parameter lengths, then the
 * parameters back to back. len covers header, lengths and parameters.
 */
struct ttm_event_hdr {
	__u64 ts_ns; /* bpf_ktime_get_boot_ns() */
	__u32 tid;
	__u32 tgid;
	__u32 len;
	__u16 syscall_nr; /* 64-bit number, also for ia32 calls */
	__u8 prog_id;
	__u8 flags;
	__u16 nparams;
	__u16 reserved;
	__u32 reserved2;
};

/* Largest event the programs build: header, lengths, two PATH_MAX strings. */
#define TTM_PATH_MAX 4096
#define TTM_SCRATCH_SIZE (2 * TTM_PATH_MAX + 512)

#endif /* TTM_EVENT_H */
