// SPDX-License-Identifier: GPL-2.0
/*
 * Positive control of `ttmbench validate`: a program on sys_enter_getppid
 * that runs a loop of a size userspace sets, so native getppid callers pay a
 * known extra cost. With a size of 0 it still looks the size up and calls
 * bpf_loop, so two sizes differ only in the loop iterations.
 */
#include "probes/event.bpf.h"

/* Loop iterations per run, written by userspace at any time (one entry). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} ttm_calibration_loops SEC(".maps");

/* One step of a 64-bit linear congruential generator: work the compiler cannot drop. */
static long calibration_step(__u32 index, void *ctx)
{
	__u64 *state = ctx;

	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return 0;
}

SEC("tp/syscalls/sys_enter_getppid")
int calibration_e(void *ctx)
{
	__u32 zero = 0;
	__u32 *loops = bpf_map_lookup_elem(&ttm_calibration_loops, &zero);
	__u64 state = 0;

	if (!loops)
		return 0;
	state = *loops;
	bpf_loop(*loops, calibration_step, &state, 0);
	return 0;
}
