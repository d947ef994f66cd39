/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Maps shared by every TOCTOU-mitigation program. Each .bpf.c file includes
 * this header, so every map is declared __weak: `bpftool gen object` then
 * merges the copies into one map per name when it links the objects.
 */
#ifndef TTM_MAPS_BPF_H
#define TTM_MAPS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "probes/ttm_event.h"

/* Dropping mode and sampling ratio, written by userspace (one entry). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ttm_settings);
} ttm_settings __weak SEC(".maps");

/* TTM_SC_FLAG_* per 64-bit syscall number. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TTM_SYSCALL_TABLE_SIZE);
	__type(key, __u32);
	__type(value, __u8);
} ttm_sc_flags __weak SEC(".maps");

/* 64-bit syscall number per ia32 syscall number; (__u32)-1 when there is none. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TTM_SYSCALL_TABLE_SIZE);
	__type(key, __u32);
	__type(value, __u32);
} ttm_ia32_to_64 __weak SEC(".maps");

/* Counters per program id; userspace sums the per-CPU copies. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TTM_PROG_MAX);
	__type(key, __u32);
	__type(value, struct ttm_counters);
} ttm_counters __weak SEC(".maps");

/* Per-CPU buffer in which an event is built before bpf_ringbuf_output copies it. */
struct ttm_scratch_buf {
	__u8 data[TTM_SCRATCH_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ttm_scratch_buf);
} ttm_scratch __weak SEC(".maps");

/*
 * One ring buffer per group of CPUs, looked up by CPU number. Userspace sets
 * max_entries to the number of possible CPUs, creates the ring buffers with
 * the size it was given and stores them here after load. The max_entries of
 * the inner definition is only the template's size: ring buffers of other
 * sizes are accepted as values.
 */
struct ttm_ringbuf_map {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct ttm_ringbuf_map);
} ttm_ringbufs __weak SEC(".maps");

#endif /* TTM_MAPS_BPF_H */
