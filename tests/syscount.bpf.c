// SPDX-License-Identifier: GPL-2.0
/*
 * Syscall counter for the workload tests: counts every syscall entry of one
 * process by syscall number and ABI. raw_syscalls/sys_enter fires for 64-bit
 * and ia32 calls alike, with the number of the caller's ABI. TS_COMPAT in the
 * task's thread_info.status marks an ia32 call.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "tests/syscount.h"

#define TS_COMPAT 0x0002 /* arch/x86/include/asm/thread_info.h */

/* Set by userspace after load, so one loaded counter serves many runs. */
volatile __u32 target_tgid;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SYSCOUNT_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("tracepoint/raw_syscalls/sys_enter")
int count_sys_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *task;
	__u32 slot, compat;
	__u64 *count;
	long id;

	if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;

	task = bpf_get_current_task_btf();
	compat = (task->thread_info.status & TS_COMPAT) ? 1 : 0;
	id = ctx->id;
	if (id < 0 || id >= SYSCOUNT_NR_MAX)
		id = SYSCOUNT_NR_MAX - 1; /* out-of-range numbers land in the last slot */
	slot = SYSCOUNT_SLOT(compat, (__u32)id);

	count = bpf_map_lookup_elem(&counts, &slot);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
