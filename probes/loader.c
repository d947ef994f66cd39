// SPDX-License-Identifier: GPL-2.0
/*
 * Loader: opens the skeleton, loads the programs whose hooks exist, writes
 * the settings and tables, attaches configurations and reads statistics.
 * Nothing is pinned, so a killed process leaves no program attached.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "probes/probe_internal.h"
#include "probes/ttm.skel.h"

#define TTM_DEFAULT_BUFFER_BYTES (8U << 20)

struct ttm_probe {
	struct ttm *skel;
	struct ttm_capabilities caps;
	struct ttm_probe_opts opts;
	struct bpf_link *links[TTM_PROG_COUNT];
	struct ttm_consumer consumer;
};

static const __u32 syscall_nr64[TTM_SC_COUNT] = {
	[TTM_SC_CONNECT] = TTM_NR64_CONNECT, [TTM_SC_CREAT] = TTM_NR64_CREAT,
	[TTM_SC_OPEN] = TTM_NR64_OPEN,	     [TTM_SC_OPENAT] = TTM_NR64_OPENAT,
	[TTM_SC_OPENAT2] = TTM_NR64_OPENAT2,
};

static const __u32 syscall_nr32[TTM_SC_COUNT] = {
	[TTM_SC_CONNECT] = TTM_NR32_CONNECT, [TTM_SC_CREAT] = TTM_NR32_CREAT,
	[TTM_SC_OPEN] = TTM_NR32_OPEN,	     [TTM_SC_OPENAT] = TTM_NR32_OPENAT,
	[TTM_SC_OPENAT2] = TTM_NR32_OPENAT2,
};

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return vfprintf(stderr, fmt, args);
}

static int silence_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return 0;
}

static struct bpf_program *prog_by_id(struct bpf_object *obj, int prog_id)
{
	if (prog_id < 0 || prog_id >= TTM_PROG_COUNT)
		return NULL;
	return bpf_object__find_program_by_name(obj, ttm_prog_name(prog_id));
}

/*
 * Whether the program's hook exists here: the tracepoint, the chosen ia32
 * kprobe, the sys_enter raw tracepoint (raw_tp or tp_btf), the chosen ia32
 * wrapper under fentry, or sys_enter_getppid for the calibration program.
 */
static bool hook_present(const struct ttm_capabilities *caps, int prog_id)
{
	int sc = prog_id / 3, kind = prog_id % 3;

	if (prog_id == TTM_PROG_RAWTP)
		return caps->raw_tracepoint.available;
	if (prog_id == TTM_PROG_TP_BTF)
		return caps->tp_btf.available;
	if (prog_id >= TTM_PROG_FENTRY(0) && prog_id < TTM_PROG_FENTRY(TTM_SC_COUNT))
		return caps->sc[prog_id - TTM_PROG_FENTRY(0)].ia32_fentry.available;
	if (prog_id == TTM_PROG_CALIBRATION)
		return caps->calibration.available;

	if (kind == TTM_KIND_TP)
		return caps->sc[sc].tracepoint.available;
	return caps->sc[sc].ia32_kind == kind && caps->sc[sc].ia32_kprobe.available;
}

/* Open the skeleton with the BTF of TTMBENCH_BTF_PATH for CO-RE, when it is set. */
static struct ttm *open_skeleton(void)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = ttm_btf_custom_path());

	return ttm__open_opts(&opts);
}

/* Point each loaded fentry program at the wrapper the kprobe rule chose for its syscall. */
static int set_fentry_targets(struct ttm_probe *p)
{
	char symbol[64];
	int err;

	for (int sc = 0; sc < TTM_SC_COUNT; sc++) {
		struct bpf_program *prog = prog_by_id(p->skel->obj, TTM_PROG_FENTRY(sc));
		int kind = p->caps.sc[sc].ia32_kind;

		if (!bpf_program__autoload(prog))
			continue;
		snprintf(symbol, sizeof(symbol), "__ia32_%ssys_%s",
			 kind == TTM_KIND_IA32_COMPAT ? "compat_" : "", ttm_syscall_name(sc));
		err = bpf_program__set_attach_target(prog, 0, symbol);
		if (err) {
			fprintf(stderr, "ttmbench: setting the fentry target of %s to %s failed: %s\n",
				ttm_prog_name(TTM_PROG_FENTRY(sc)), symbol, strerror(-err));
			return err;
		}
	}
	return 0;
}

static int check_opts(const struct ttm_probe_opts *in, struct ttm_probe_opts *out)
{
	int ncpus = libbpf_num_possible_cpus();
	__u32 ratio, bytes;

	*out = *in;
	if (!out->sampling_ratio)
		out->sampling_ratio = 1;
	if (!out->cpus_per_buffer)
		out->cpus_per_buffer = 1;
	if (!out->buffer_bytes)
		out->buffer_bytes = TTM_DEFAULT_BUFFER_BYTES;

	ratio = out->sampling_ratio;
	if (ratio > TTM_SAMPLING_RATIO_MAX || (ratio & (ratio - 1))) {
		fprintf(stderr,
			"ttmbench: invalid sampling ratio %u: use a power of two from 1 to %d\n",
			ratio, TTM_SAMPLING_RATIO_MAX);
		return -EINVAL;
	}
	bytes = out->buffer_bytes;
	if (bytes < (__u32)getpagesize() || (bytes & (bytes - 1))) {
		fprintf(stderr,
			"ttmbench: invalid ring buffer size %u bytes: use a power of two of at "
			"least the page size (%d bytes)\n",
			bytes, getpagesize());
		return -EINVAL;
	}
	if (ncpus > 0 && out->consumer_cpu >= ncpus) {
		fprintf(stderr, "ttmbench: invalid consumer CPU %d: use -1 or 0 to %d\n",
			out->consumer_cpu, ncpus - 1);
		return -EINVAL;
	}
	return 0;
}

static int write_settings(struct ttm_probe *p, bool dropping_mode, __u32 ratio)
{
	struct ttm_settings settings = { .dropping_mode = dropping_mode, .sampling_ratio = ratio };
	__u32 zero = 0;

	if (bpf_map__update_elem(p->skel->maps.ttm_settings, &zero, sizeof(zero), &settings,
				 sizeof(settings), BPF_ANY))
		return -errno;
	return 0;
}

static int write_syscall_flags(struct ttm_probe *p, enum ttm_syscall sc, __u8 flags)
{
	__u32 nr = syscall_nr64[sc];

	if (!flags)
		flags = TTM_SC_FLAG_INTERESTING;
	if (bpf_map__update_elem(p->skel->maps.ttm_sc_flags, &nr, sizeof(nr), &flags,
				 sizeof(flags), BPF_ANY))
		return -errno;
	return 0;
}

static int write_tables(struct ttm_probe *p)
{
	__u32 none = (__u32)-1;
	int err;

	for (__u32 nr = 0; nr < TTM_SYSCALL_TABLE_SIZE; nr++)
		if (bpf_map__update_elem(p->skel->maps.ttm_ia32_to_64, &nr, sizeof(nr), &none,
					 sizeof(none), BPF_ANY))
			return -errno;

	for (int sc = 0; sc < TTM_SC_COUNT; sc++) {
		__u32 nr32 = syscall_nr32[sc], nr64 = syscall_nr64[sc];

		if (bpf_map__update_elem(p->skel->maps.ttm_ia32_to_64, &nr32, sizeof(nr32), &nr64,
					 sizeof(nr64), BPF_ANY))
			return -errno;
		err = write_syscall_flags(p, sc, p->opts.syscall_flags[sc]);
		if (err)
			return err;
	}
	return write_settings(p, p->opts.dropping_mode, p->opts.sampling_ratio);
}

static ttm_probe_open_hook open_hook;
static void *open_hook_ctx;

void ttm_probe_set_open_hook(ttm_probe_open_hook fn, void *ctx)
{
	open_hook = fn;
	open_hook_ctx = ctx;
}

int ttm_probe_open(struct ttm_probe **out, const struct ttm_probe_opts *opts,
		   const struct ttm_capabilities *caps)
{
	struct ttm_probe *p;
	int ncpus = libbpf_num_possible_cpus();
	int err;

	*out = NULL;
	if (open_hook) {
		err = open_hook(open_hook_ctx);
		if (err)
			return err;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->consumer.wake_fd = p->consumer.epoll_fd = -1;
	pthread_mutex_init(&p->consumer.lock, NULL);
	pthread_cond_init(&p->consumer.drained, NULL);
	pthread_cond_init(&p->consumer.resumed, NULL);

	err = check_opts(opts, &p->opts);
	if (err)
		goto fail;
	libbpf_set_print(p->opts.verbose ? print_libbpf : silence_libbpf);

	if (caps)
		p->caps = *caps;
	else
		ttm_capabilities_detect(&p->caps, p->opts.verbose);
	if (!p->caps.root.available) {
		fprintf(stderr, "ttmbench: cannot load BPF programs: %s\n", p->caps.root.reason);
		err = -EPERM;
		goto fail;
	}

	if (!p->caps.btf.available) {
		fprintf(stderr, "ttmbench: cannot load BPF programs: %s\n", p->caps.btf.reason);
		err = -EOPNOTSUPP;
		goto fail;
	}

	p->skel = open_skeleton();
	if (!p->skel) {
		err = -errno;
		fprintf(stderr, "ttmbench: opening the BPF skeleton failed: %s\n", strerror(errno));
		goto fail;
	}

	for (int id = 0; id < TTM_PROG_COUNT; id++) {
		bool present = hook_present(&p->caps, id);

		bpf_program__set_autoload(prog_by_id(p->skel->obj, id), present);
		if (present || !p->opts.verbose)
			continue;
		if (id < TTM_PROG_EXTRA && id % 3 != TTM_KIND_TP &&
		    p->caps.sc[id / 3].ia32_kind != id % 3)
			fprintf(stderr, "ttmbench: not loading %s: another ia32 kprobe is chosen for %s\n",
				ttm_prog_name(id), ttm_syscall_name(id / 3));
		else
			fprintf(stderr, "ttmbench: not loading %s: %s is not available\n",
				ttm_prog_name(id), ttm_prog_hook(id));
	}
	bpf_map__set_max_entries(p->skel->maps.ttm_ringbufs, ncpus);
	err = set_fentry_targets(p);
	if (err)
		goto fail;

	err = ttm__load(p->skel);
	if (err) {
		fprintf(stderr,
			"ttmbench: loading the BPF programs failed: %s (--verbose shows the verifier log)\n",
			strerror(-err));
		goto fail;
	}

	err = write_tables(p);
	if (err) {
		fprintf(stderr, "ttmbench: writing the settings maps failed: %s\n", strerror(-err));
		goto fail;
	}

	err = ttm_consumer_create_ringbufs(&p->consumer, bpf_map__fd(p->skel->maps.ttm_ringbufs),
					   p->opts.cpus_per_buffer, p->opts.buffer_bytes);
	if (err)
		goto fail;
	err = ttm_consumer_start(&p->consumer, p->opts.consumer_cpu);
	if (err)
		goto fail;

	*out = p;
	return 0;

fail:
	ttm_probe_close(p);
	return err;
}

int ttm_probe_detach(struct ttm_probe *p)
{
	for (int id = 0; id < TTM_PROG_COUNT; id++) {
		bpf_link__destroy(p->links[id]);
		p->links[id] = NULL;
	}
	return 0;
}

int ttm_probe_attach(struct ttm_probe *p, enum ttm_config config)
{
	int err;

	if ((unsigned int)config >= TTM_CONFIG_COUNT)
		return -EINVAL;
	ttm_probe_detach(p);

	for (int id = 0; id < TTM_PROG_COUNT; id++) {
		struct bpf_program *prog;

		if (!ttm_config_has_prog(config, id, &p->caps))
			continue;

		prog = prog_by_id(p->skel->obj, id);
		if (!bpf_program__autoload(prog)) {
			fprintf(stderr,
				"ttmbench: configuration %s needs %s on %s, which is not available: %s\n",
				ttm_config_name(config), ttm_prog_name(id), ttm_prog_hook(id),
				p->caps.config[config].reason);
			err = -EOPNOTSUPP;
			goto fail;
		}

		p->links[id] = bpf_program__attach(prog);
		if (!p->links[id]) {
			err = -errno;
			fprintf(stderr, "ttmbench: attaching %s to %s failed: %s\n", ttm_prog_name(id),
				ttm_prog_hook(id), strerror(errno));
			goto fail;
		}
	}
	return 0;

fail:
	ttm_probe_detach(p);
	return err;
}

int ttm_probe_set_sampling(struct ttm_probe *p, bool dropping_mode, __u32 ratio)
{
	if (ratio < 1 || ratio > TTM_SAMPLING_RATIO_MAX || (ratio & (ratio - 1)))
		return -EINVAL;
	p->opts.dropping_mode = dropping_mode;
	p->opts.sampling_ratio = ratio;
	return write_settings(p, dropping_mode, ratio);
}

int ttm_probe_set_syscall_flags(struct ttm_probe *p, enum ttm_syscall sc, __u8 flags)
{
	if ((unsigned int)sc >= TTM_SC_COUNT)
		return -EINVAL;
	p->opts.syscall_flags[sc] = flags;
	return write_syscall_flags(p, sc, flags);
}

int ttm_probe_drain(struct ttm_probe *p)
{
	return ttm_consumer_drain(&p->consumer);
}

void ttm_probe_close(struct ttm_probe *p)
{
	if (!p)
		return;

	if (p->skel)
		ttm_probe_detach(p);
	ttm_consumer_destroy(&p->consumer);
	ttm__destroy(p->skel);
	pthread_cond_destroy(&p->consumer.drained);
	pthread_cond_destroy(&p->consumer.resumed);
	pthread_mutex_destroy(&p->consumer.lock);
	free(p);
}

int ttm_probe_prog_stats(struct ttm_probe *p, int prog_id, struct ttm_prog_stats *out)
{
	struct bpf_program *prog = prog_by_id(p->skel->obj, prog_id);
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	memset(out, 0, sizeof(*out));
	if (!prog || !bpf_program__autoload(prog))
		return -ENOENT;
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return -errno;

	out->run_cnt = info.run_cnt;
	out->run_time_ns = info.run_time_ns;
	out->recursion_misses = info.recursion_misses;
	return 0;
}

int ttm_probe_counters(struct ttm_probe *p, int prog_id, struct ttm_counters *out)
{
	int ncpus = libbpf_num_possible_cpus();
	struct ttm_counters *percpu;
	__u32 key = prog_id;

	memset(out, 0, sizeof(*out));
	if (prog_id < 0 || prog_id >= TTM_PROG_MAX)
		return -EINVAL;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;

	if (bpf_map__lookup_elem(p->skel->maps.ttm_counters, &key, sizeof(key), percpu,
				 ncpus * sizeof(*percpu), 0)) {
		int err = -errno;

		free(percpu);
		return err;
	}

	for (int cpu = 0; cpu < ncpus; cpu++) {
		out->fired += percpu[cpu].fired;
		out->drop_filter += percpu[cpu].drop_filter;
		out->drop_sampling += percpu[cpu].drop_sampling;
		out->lost_ringbuf_full += percpu[cpu].lost_ringbuf_full;
		out->lost_no_ringbuf += percpu[cpu].lost_no_ringbuf;
		out->lost_scratch += percpu[cpu].lost_scratch;
		out->submitted += percpu[cpu].submitted;
		out->read_errors += percpu[cpu].read_errors;
	}
	free(percpu);
	return 0;
}

__u64 ttm_probe_events(struct ttm_probe *p, int prog_id, pid_t tgid)
{
	return ttm_consumer_events(&p->consumer, prog_id, tgid);
}

__u64 ttm_probe_syscall_events(struct ttm_probe *p, enum ttm_syscall sc, bool ia32)
{
	__u64 events;

	if ((unsigned int)sc >= TTM_SC_COUNT)
		return 0;
	pthread_mutex_lock(&p->consumer.lock);
	events = p->consumer.syscall_events[sc][ia32];
	pthread_mutex_unlock(&p->consumer.lock);
	return events;
}

__u64 ttm_probe_bad_events(struct ttm_probe *p)
{
	__u64 events;

	pthread_mutex_lock(&p->consumer.lock);
	events = p->consumer.bad_events;
	pthread_mutex_unlock(&p->consumer.lock);
	return events;
}

int ttm_probe_pause_consumer(struct ttm_probe *p, bool paused)
{
	return ttm_consumer_pause(&p->consumer, paused);
}

int ttm_probe_consumer_cpu_ns(struct ttm_probe *p, __u64 *ns)
{
	return ttm_consumer_cpu_ns(&p->consumer, ns);
}

void ttm_probe_set_event_hook(struct ttm_probe *p, ttm_event_fn fn, void *ctx)
{
	pthread_mutex_lock(&p->consumer.lock);
	p->consumer.hook = fn;
	p->consumer.hook_ctx = ctx;
	pthread_mutex_unlock(&p->consumer.lock);
}

int ttm_enable_bpf_stats(void)
{
	int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);

	return fd < 0 ? -errno : fd;
}

int ttm_probe_verify_kprobe_programs(bool verbose)
{
	struct ttm *skel;
	int err;

	libbpf_set_print(verbose ? print_libbpf : silence_libbpf);
	skel = open_skeleton();
	if (!skel)
		return -errno;

	for (int id = 0; id < TTM_PROG_COUNT; id++)
		bpf_program__set_autoload(prog_by_id(skel->obj, id),
					  id < TTM_PROG_EXTRA && id % 3 != TTM_KIND_TP);
	bpf_map__set_max_entries(skel->maps.ttm_ringbufs, libbpf_num_possible_cpus());

	err = ttm__load(skel);
	if (err)
		fprintf(stderr, "ttmbench: loading the ia32 kprobe programs failed: %s\n",
			strerror(-err));
	ttm__destroy(skel);
	return err;
}

int ttm_probe_set_calibration_loops(struct ttm_probe *p, __u32 loops)
{
	__u32 zero = 0;

	if (loops > TTM_CALIBRATION_LOOPS_MAX)
		return -EINVAL;
	if (bpf_map__update_elem(p->skel->maps.ttm_calibration_loops, &zero, sizeof(zero), &loops,
				 sizeof(loops), BPF_ANY))
		return -errno;
	return 0;
}

int ttm_probe_attach_calibration(struct ttm_probe *p)
{
	struct bpf_program *prog = prog_by_id(p->skel->obj, TTM_PROG_CALIBRATION);
	int id = TTM_PROG_CALIBRATION;

	if (!bpf_program__autoload(prog)) {
		fprintf(stderr, "ttmbench: the calibration program needs %s, which is not available: %s\n",
			ttm_prog_hook(id), p->caps.calibration.reason);
		return -EOPNOTSUPP;
	}
	if (p->links[id])
		return 0;

	p->links[id] = bpf_program__attach(prog);
	if (!p->links[id]) {
		int err = -errno;

		fprintf(stderr, "ttmbench: attaching %s to %s failed: %s\n", ttm_prog_name(id),
			ttm_prog_hook(id), strerror(errno));
		return err;
	}
	return 0;
}
