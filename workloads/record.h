/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Binary record a workload writes to the runner on the fd given by
 * --record-fd. The same source is built for x86_64 and i386, whose ABIs align
 * 64-bit fields differently, so the struct is packed and its size is checked.
 */
#ifndef TTM_WORKLOAD_RECORD_H
#define TTM_WORKLOAD_RECORD_H

#include <stdint.h>

#define TTM_RECORD_MAGIC 0x74746d77u /* "ttmw" */
#define TTM_RECORD_VERSION 1

/* Workload syscalls: the five probed ones (same order as enum ttm_syscall) and controls. */
enum ttm_workload_syscall {
	TTM_WL_CONNECT,
	TTM_WL_CREAT,
	TTM_WL_OPEN,
	TTM_WL_OPENAT,
	TTM_WL_OPENAT2,
	TTM_WL_GETPPID, /* control: no probe targets it */
	TTM_WL_SOCKETCALL_CONNECT, /* ia32 only: socketcall(SYS_CONNECT) */
	TTM_WL_COUNT,
};

enum ttm_entry_path {
	TTM_ENTRY_NATIVE, /* 64-bit syscall instruction */
	TTM_ENTRY_IA32, /* i386 binary through the vDSO entry */
	TTM_ENTRY_IA32_INT80, /* int $0x80 from the 64-bit binary */
	TTM_ENTRY_COUNT,
};

#define TTM_RECORD_ERRNO_SLOTS 8

struct ttm_errno_count {
	int32_t err;
	uint64_t count;
} __attribute__((packed));

struct ttm_workload_record {
	uint32_t magic;
	uint32_t version;
	uint32_t syscall; /* enum ttm_workload_syscall */
	uint32_t entry; /* enum ttm_entry_path */
	int32_t pid;
	uint32_t threads;
	uint64_t ops_requested; /* 0 when the run was bounded by duration */
	uint64_t ops_issued; /* syscalls of the probed kind issued, all threads */
	uint64_t errors; /* issued calls that returned an error */
	struct ttm_errno_count errnos[TTM_RECORD_ERRNO_SLOTS]; /* most frequent first */
	uint64_t elapsed_ns; /* CLOCK_MONOTONIC, start to the end of the last op or, if paced, of its slot */
	double target_rate; /* ops/s; 0 for max */
	double achieved_rate; /* ops/s */
	uint64_t batches;
	double batch_ns_per_op_min;
	double batch_ns_per_op_median;
	double batch_ns_per_op_p99;
	double batch_ns_per_op_max;
	double ns_per_op; /* elapsed_ns of the timed calls / ops_issued, pacing sleeps excluded */
	/*
	 * Other syscalls the generator issues per op, outside the timed calls.
	 * The open family adds close. connect adds socket and close by the
	 * issuing thread, and accept4 and close by the listener thread.
	 */
	uint32_t extra_syscalls_per_op;
	uint32_t family; /* connect: AF_INET, AF_INET6 or AF_UNIX; 0 otherwise */
} __attribute__((packed));

#define TTM_RECORD_SIZE 224

_Static_assert(sizeof(struct ttm_workload_record) == TTM_RECORD_SIZE,
	       "record layout must be identical for x86_64 and i386");

#endif /* TTM_WORKLOAD_RECORD_H */
