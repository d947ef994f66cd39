/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loader library for the TOCTOU-mitigation probes: capability detection,
 * attach configurations, BPF run-time stats, counters and the ring-buffer
 * consumer. The runner (bench/) and the tests use only this interface.
 */
#ifndef TTM_LOADER_H
#define TTM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/types.h>

#include "ttm_event.h"

/* Attach configurations. */
enum ttm_config {
	TTM_CONFIG_NONE, /* nothing attached: the baseline */
	TTM_CONFIG_TP, /* the five sys_enter tracepoint programs */
	TTM_CONFIG_KPROBE, /* the five ia32 kprobe programs */
	TTM_CONFIG_FULL, /* Falco's set: tracepoints and ia32 kprobes */
	/*
	 * Alternative hook designs for ia32 calls, each alone and as a
	 * Falco-like set with the tracepoints ("tp+<design>").
	 */
	TTM_CONFIG_RAWTP, /* raw_tp/sys_enter program */
	TTM_CONFIG_TP_RAWTP,
	TTM_CONFIG_TP_BTF, /* tp_btf/sys_enter program */
	TTM_CONFIG_TP_TP_BTF,
	TTM_CONFIG_FENTRY, /* fentry programs on the ia32 wrappers */
	TTM_CONFIG_TP_FENTRY,
	TTM_CONFIG_COUNT,
};

/* none, tp, kprobe and full: what "all" selects in a configuration list. */
#define TTM_CONFIG_FALCO_COUNT (TTM_CONFIG_FULL + 1)

#define TTM_REASON_LEN 256

/* Whether something is usable, and if not, what a human can do about it. */
struct ttm_status {
	bool available;
	char reason[TTM_REASON_LEN];
};

struct ttm_syscall_caps {
	struct ttm_status tracepoint; /* syscalls/sys_enter_<sc> */
	bool compat_symbol; /* __ia32_compat_sys_<sc> in kallsyms */
	bool plain_symbol; /* __ia32_sys_<sc> in kallsyms */
	/* The ia32 kprobe program that would be attached: its kind, or -1 if none. */
	int ia32_kind;
	struct ttm_status ia32_kprobe; /* the chosen kprobe can attach */
	struct ttm_status ia32_fentry; /* fentry works and the chosen wrapper is in vmlinux BTF */
};

struct ttm_capabilities {
	char kernel_release[128];
	struct ttm_status root; /* CAP_BPF and CAP_PERFMON, or root */
	struct ttm_status btf; /* /sys/kernel/btf/vmlinux */
	struct ttm_status tracefs; /* mounted (mounted by us if root and absent) */
	char tracefs_path[128];
	struct ttm_status kprobe; /* kprobe PMU or kprobe_events */
	struct ttm_status fentry; /* a load test of an fentry program */
	struct ttm_status raw_tracepoint; /* a load and attach test */
	struct ttm_status ia32_emulation;
	char lockdown[32]; /* "none", "integrity", "confidentiality" or "unknown" */
	struct ttm_syscall_caps sc[TTM_SC_COUNT];
	struct ttm_status config[TTM_CONFIG_COUNT];
	struct ttm_status tp_btf; /* a load and attach test on tp_btf/sys_enter */
	struct ttm_status calibration; /* syscalls/sys_enter_getppid, for `ttmbench validate` */
};

/* Fill caps. Never fails on a missing feature: that is recorded with its reason. */
int ttm_capabilities_detect(struct ttm_capabilities *caps, bool verbose);

struct json_t;
/* Return a new jansson object describing caps (the capabilities schema). */
struct json_t *ttm_capabilities_to_json(const struct ttm_capabilities *caps);

struct ttm_probe_opts {
	bool verbose; /* libbpf output */
	bool dropping_mode;
	__u32 sampling_ratio; /* 1, 2, 4 ... 128 */
	/*
	 * Per syscall: TTM_SC_FLAG_* bits; 0 means interesting and sampled. Any
	 * other value is written as given, so it must include
	 * TTM_SC_FLAG_INTERESTING unless the filter is to drop the syscall.
	 */
	__u8 syscall_flags[TTM_SC_COUNT];
	__u32 cpus_per_buffer; /* 0 means 1 */
	__u32 buffer_bytes; /* per ring buffer, power of two; 0 means 8 MiB */
	int consumer_cpu; /* -1: not pinned */
};

struct ttm_probe;

/* Load every program whose hook exists (autoload off for the others) and start the consumer. */
int ttm_probe_open(struct ttm_probe **out, const struct ttm_probe_opts *opts,
		   const struct ttm_capabilities *caps);

/* Detach whatever is attached, then attach the configuration's programs. */
int ttm_probe_attach(struct ttm_probe *p, enum ttm_config config);
int ttm_probe_detach(struct ttm_probe *p);

/* Change sampling at run time. */
int ttm_probe_set_sampling(struct ttm_probe *p, bool dropping_mode, __u32 ratio);

/* Return once the consumer has read every event committed before this call. */
int ttm_probe_drain(struct ttm_probe *p);

/* Detach, stop the consumer and free everything. Safe with NULL. */
void ttm_probe_close(struct ttm_probe *p);

/* BPF run-time stats of one program (needs BPF_ENABLE_STATS to be non-zero). */
struct ttm_prog_stats {
	__u64 run_cnt;
	__u64 run_time_ns;
	__u64 recursion_misses;
};
int ttm_probe_prog_stats(struct ttm_probe *p, int prog_id, struct ttm_prog_stats *out);

/* The program's counters, summed over CPUs. */
int ttm_probe_counters(struct ttm_probe *p, int prog_id, struct ttm_counters *out);

/* Events the consumer received from program prog_id and process tgid (0: any process). */
__u64 ttm_probe_events(struct ttm_probe *p, int prog_id, pid_t tgid);

/* Names: "openat", "openat_e", "ia32_compat_openat_e", "tp", "full" ... */
const char *ttm_syscall_name(enum ttm_syscall sc);
int ttm_syscall_from_name(const char *name); /* -1 if unknown */
const char *ttm_prog_name(int prog_id);
const char *ttm_prog_hook(int prog_id); /* "tracepoint/syscalls/sys_enter_openat" ... */
const char *ttm_config_name(enum ttm_config config);
int ttm_config_from_name(const char *name); /* -1 if unknown */
bool ttm_config_has_prog(enum ttm_config config, int prog_id, const struct ttm_capabilities *caps);

/* Turn on BPF run-time stats; returns an fd to close when done, or -errno. */
int ttm_enable_bpf_stats(void);

/*
 * Additions beyond the first version of this interface.
 */

/*
 * A syscall_flags value without TTM_SC_FLAG_INTERESTING, so the filter drops
 * the syscall (0 cannot express that because it means interesting and sampled).
 */
#define TTM_SC_FLAGS_NOT_INTERESTING (1U << 7)

/* Set one syscall's TTM_SC_FLAG_* bits at run time; 0 means interesting and sampled. */
int ttm_probe_set_syscall_flags(struct ttm_probe *p, enum ttm_syscall sc, __u8 flags);

/* Events the consumer received for one syscall, from 64-bit (ia32 false) or ia32 callers. */
__u64 ttm_probe_syscall_events(struct ttm_probe *p, enum ttm_syscall sc, bool ia32);

/* Events the consumer dropped as malformed (length fields that do not add up). */
__u64 ttm_probe_bad_events(struct ttm_probe *p);

/*
 * Called by the consumer thread for every well-formed event, after it was
 * counted. data/size cover the whole event, header included.
 */
typedef void (*ttm_event_fn)(const struct ttm_event_hdr *hdr, const void *data, size_t size,
			     void *ctx);
void ttm_probe_set_event_hook(struct ttm_probe *p, ttm_event_fn fn, void *ctx);

/* Point *param at parameter index of an event; returns its length or -EINVAL. */
int ttm_event_param(const void *data, size_t size, unsigned int index, const void **param);

/*
 * Load every ia32 kprobe program (compat and plain) without attaching it, to
 * check that the verifier accepts them on a kernel where kprobes cannot attach.
 * Returns 0 or the first load error; the programs are unloaded on return.
 */
int ttm_probe_verify_kprobe_programs(bool verbose);

/*
 * Command-line values. Each parser returns 0, or -EINVAL with a message in err
 * that names the rejected value and lists the accepted ones.
 */
/* "openat,connect" or "all" -> selected[TTM_SC_COUNT]. */
int ttm_parse_syscall_list(const char *arg, bool selected[TTM_SC_COUNT], char *err,
			   size_t err_len);
/*
 * "none,tp,full", "all" (none, tp, kprobe, full) or "designs" (rawtp ... tp+fentry)
 * -> configs in the given order, no duplicates.
 */
int ttm_parse_config_list(const char *arg, enum ttm_config configs[TTM_CONFIG_COUNT],
			  int *count, char *err, size_t err_len);
/* A power of two from 1 to TTM_SAMPLING_RATIO_MAX. */
int ttm_parse_sampling_ratio(const char *arg, __u32 *ratio, char *err, size_t err_len);

/*
 * Pause or resume the ring-buffer consumer. While it is paused it reads
 * nothing, so the ring buffers fill up and the programs count
 * lost_ringbuf_full; ttm_probe_drain returns -EAGAIN instead of waiting.
 * A pass already running when the pause is requested finishes first.
 */
int ttm_probe_pause_consumer(struct ttm_probe *p, bool paused);

/* CPU time used so far by the consumer thread, in ns (its CLOCK_THREAD_CPUTIME_ID clock). */
int ttm_probe_consumer_cpu_ns(struct ttm_probe *p, __u64 *ns);

/*
 * Calibration program (positive control): a bpf_loop of `loops` iterations on
 * syscalls/sys_enter_getppid. The size can change while it is attached. It
 * is attached apart from the configurations, and ttm_probe_attach and
 * ttm_probe_detach detach it too. Both return 0 or a negative errno;
 * -EOPNOTSUPP when the tracepoint is missing.
 */
int ttm_probe_set_calibration_loops(struct ttm_probe *p, __u32 loops);
int ttm_probe_attach_calibration(struct ttm_probe *p);

/* The kind of hook a program id uses: "tracepoint", "kprobe", "raw_tp", "tp_btf", "fentry". */
const char *ttm_prog_hook_kind(int prog_id);
/* Whether the program serves ia32 calls (kprobes and the designs), as opposed to the tracepoints. */
bool ttm_prog_is_ia32(int prog_id);

/*
 * Called by ttm_probe_open before it loads anything; a non-zero return is
 * returned by ttm_probe_open. `ttmbench` takes its run lock here, so that
 * bad input is rejected before a busy lock is.
 */
typedef int (*ttm_probe_open_hook)(void *ctx);
void ttm_probe_set_open_hook(ttm_probe_open_hook fn, void *ctx);

#endif /* TTM_LOADER_H */
