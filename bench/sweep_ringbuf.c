// SPDX-License-Identifier: GPL-2.0
/*
 * ttmbench ringbuf: for each ring size and number of CPUs per ring, load the
 * programs with that layout and flood them from the workload at max rate,
 * twice. The first flood runs with the consumer paused, so the rings fill and
 * the rest is lost. Then the producers are detached and the consumer resumed,
 * and the time it takes to read the backlog gives the drain rate. The second
 * flood runs with the consumer running, which shows whether it keeps up.
 */
#include <argp.h>
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/cli_parse.h"
#include "bench/commands.h"
#include "bench/hostinfo.h"
#include "bench/outdir.h"
#include "bench/process.h"
#include "bench/run_workload.h"
#include "bench/sweep_ringbuf.h"
#include "bench/run_lock.h"

#define DEFAULT_SIZES "256K,1M,4M,16M,64M"
#define DEFAULT_SHARING "1,2"
#define MAX_BUFFER_BYTES (1U << 30)

struct ringbuf_options {
	struct ttm_ringbuf_params params;
	char out_dir[PATH_MAX];
	bool quiet;
	bool verbose;
};

enum {
	OPT_SIZES = 0x100,
	OPT_SHARING,
	OPT_SYSCALL,
	OPT_DURATION,
	OPT_CPU,
	OPT_OUT,
	OPT_QUIET = 'q',
	OPT_VERBOSE = 'v',
};

static const struct argp_option options[] = {
	{ "sizes", OPT_SIZES, "LIST", 0,
	  "Ring buffer sizes, powers of two with an optional K, M or G suffix (default: "
	  DEFAULT_SIZES ")", 0 },
	{ "cpus-per-buffer", OPT_SHARING, "LIST", 0,
	  "CPUs sharing one ring buffer (default: " DEFAULT_SHARING ")", 0 },
	{ "syscall", OPT_SYSCALL, "NAME", 0,
	  "Syscall the workload floods with: connect, creat, open, openat, openat2 (default: "
	  "openat)", 0 },
	{ "duration", OPT_DURATION, "S", 0, "Seconds of each flood (default: 1)", 0 },
	{ "cpu", OPT_CPU, "N", 0,
	  "CPU for the workload; the consumer uses the next one (default: 0)", 0 },
	{ "out", OPT_OUT, "DIR", 0,
	  "Write ringbuf.json, report.md and plots/ to DIR (default: "
	  "results/<UTC time>-<host>-ringbuf)", 0 },
	{ "quiet", OPT_QUIET, NULL, 0, "No progress lines on stderr", 0 },
	{ "verbose", OPT_VERBOSE, NULL, 0, "libbpf output and workload command lines", 0 },
	{},
};

static const char doc[] =
	"Size the ring buffers: under a flood of probed calls, count what is kept and lost for "
	"each ring size and number of CPUs per ring with the consumer paused, time how fast the "
	"consumer drains the backlog, and check that a running consumer keeps up. The counters "
	"must add up exactly: fired = sum of the outcomes, submitted = delivered.\v"
	"Examples:\n"
	"  ttmbench ringbuf\n"
	"  ttmbench ringbuf --sizes 1M,64M --cpus-per-buffer 1 --duration 2\n\n"
	"Exit status: 0 done, 1 a run error or inexact accounting, 2 bad input.";

struct parse_state {
	struct ringbuf_options *opts;
	const char *sizes, *sharing;
};

static bool is_power_of_two(unsigned long long v)
{
	return v && !(v & (v - 1));
}

int ttm_ringbuf_parse_sizes(const char *arg, uint32_t *sizes, int *count, char *err,
			    size_t err_len)
{
	char copy[256], *save = NULL;
	long page = sysconf(_SC_PAGESIZE);

	*count = 0;
	if (snprintf(copy, sizeof(copy), "%s", arg) >= (int)sizeof(copy) || !copy[0] ||
	    copy[0] == ',' || copy[strlen(copy) - 1] == ',' || strstr(copy, ",,")) {
		snprintf(err, err_len, "invalid --sizes '%s': give a comma-separated list of sizes "
				       "such as 256K,1M,64M", arg);
		return -EINVAL;
	}
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end = NULL;
		unsigned long long v;

		errno = 0;
		v = strtoull(tok, &end, 10);
		if (!errno && end != tok && tok[0] != '-') {
			if (*end == 'K' || *end == 'k')
				v <<= 10, end++;
			else if (*end == 'M' || *end == 'm')
				v <<= 20, end++;
			else if (*end == 'G' || *end == 'g')
				v <<= 30, end++;
		}
		if (errno || end == tok || *end || tok[0] == '-' || !is_power_of_two(v) ||
		    v < (unsigned long long)page || v > MAX_BUFFER_BYTES) {
			snprintf(err, err_len,
				 "invalid ring buffer size '%s' in --sizes '%s': use a power of two "
				 "from %ldK to 1G, e.g. 256K or 64M", tok, arg, page / 1024);
			return -EINVAL;
		}
		for (int i = 0; i < *count; i++) {
			if (sizes[i] != v)
				continue;
			snprintf(err, err_len, "ring buffer size '%s' is listed twice in --sizes '%s': "
					       "name each size once", tok, arg);
			return -EINVAL;
		}
		if (*count == TTM_RINGBUF_MAX_SIZES) {
			snprintf(err, err_len, "invalid --sizes '%s': give at most %d sizes", arg,
				 TTM_RINGBUF_MAX_SIZES);
			return -EINVAL;
		}
		sizes[(*count)++] = v;
	}
	/* Insertion sort: a handful of values. */
	for (int i = 1; i < *count; i++)
		for (int j = i; j > 0 && sizes[j - 1] > sizes[j]; j--) {
			uint32_t t = sizes[j];

			sizes[j] = sizes[j - 1];
			sizes[j - 1] = t;
		}
	return 0;
}

static void parse_sharing(struct argp_state *state, const char *arg, struct ttm_ringbuf_params *p)
{
	long ncpus = sysconf(_SC_NPROCESSORS_CONF);
	char copy[128], *save = NULL;

	p->nsharing = 0;
	if (snprintf(copy, sizeof(copy), "%s", arg) >= (int)sizeof(copy) || !copy[0] ||
	    copy[0] == ',' || copy[strlen(copy) - 1] == ',' || strstr(copy, ",,"))
		argp_error(state, "invalid --cpus-per-buffer '%s': give a comma-separated list "
				  "such as 1,2", arg);
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end = NULL;
		unsigned long v;

		errno = 0;
		v = strtoul(tok, &end, 10);
		if (errno || end == tok || *end || tok[0] == '-' || v < 1 || v > (unsigned long)ncpus)
			argp_error(state, "invalid CPUs per buffer '%s' in --cpus-per-buffer '%s': "
					  "use 1 to %ld (the CPUs of this machine)", tok, arg, ncpus);
		for (int i = 0; i < p->nsharing; i++)
			if (p->sharing[i] == v)
				argp_error(state, "CPUs per buffer %lu is listed twice in "
						  "--cpus-per-buffer '%s': name each value once", v, arg);
		if (p->nsharing == TTM_RINGBUF_MAX_SHARING)
			argp_error(state, "invalid --cpus-per-buffer '%s': give at most %d values",
				   arg, TTM_RINGBUF_MAX_SHARING);
		p->sharing[p->nsharing++] = v;
	}
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct parse_state *ps = state->input;
	struct ringbuf_options *o = ps->opts;
	struct ttm_ringbuf_params *p = &o->params;
	char err[TTM_MSG_LEN];

	switch (key) {
	case OPT_SIZES:
		ps->sizes = arg;
		break;
	case OPT_SHARING:
		ps->sharing = arg;
		break;
	case OPT_SYSCALL:
		p->syscall = ttm_syscall_from_name(arg);
		if (p->syscall < 0)
			argp_error(state, "unknown --syscall '%s': use connect, creat, open, openat or "
					  "openat2", arg);
		break;
	case OPT_DURATION:
		p->duration_s = ttm_parse_seconds(state, "--duration", arg, false, 600);
		break;
	case OPT_CPU:
		p->workload_cpu = ttm_parse_cpu(state, arg);
		break;
	case OPT_OUT:
		ttm_parse_out_dir(state, arg, o->out_dir, sizeof(o->out_dir));
		break;
	case OPT_QUIET:
		o->quiet = true;
		break;
	case OPT_VERBOSE:
		o->verbose = true;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s': ringbuf takes only options", arg);
		break;
	case ARGP_KEY_END:
		if (ttm_ringbuf_parse_sizes(ps->sizes, p->sizes, &p->nsizes, err, sizeof(err)))
			argp_error(state, "%s", err);
		parse_sharing(state, ps->sharing, p);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void parse_options(int argc, char **argv, struct ringbuf_options *o)
{
	static const struct argp argp = { options, parse_opt, NULL, doc,
					  ttm_run_lock_argp_children, NULL, NULL };
	struct parse_state ps = { .opts = o, .sizes = DEFAULT_SIZES, .sharing = DEFAULT_SHARING };
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);

	memset(o, 0, sizeof(*o));
	o->params.syscall = TTM_SC_OPENAT;
	o->params.duration_s = 1.0;
	argp_err_exit_status = TTM_EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, &ps))
		exit(TTM_EXIT_USAGE);
	o->params.consumer_cpu = ncpus >= 2 ? (o->params.workload_cpu + 1) % (int)ncpus : -1;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Everything one row needs: the probe with its ring layout, the run engine's context. */
struct row_ctx {
	const struct ringbuf_options *opts;
	struct ttm_capabilities *caps;
	/* Only tp is filled; ttm_sweep_read_accounting takes the whole table. */
	struct ttm_config_info configs[TTM_CONFIG_COUNT];
	struct ttm_run_params run_params;
	struct ttm_probe *probe;
};

static uint64_t all_events(const struct row_ctx *rc)
{
	const struct ttm_config_info *tp = &rc->configs[TTM_CONFIG_TP];
	uint64_t n = 0;

	for (int i = 0; i < tp->nprogs; i++)
		n += ttm_probe_events(rc->probe, tp->progs[i], 0);
	return n;
}

static void syscall_counters(const struct ttm_rep_result *run, int syscall,
			     struct ttm_counters *out, uint64_t *delivered)
{
	memset(out, 0, sizeof(*out));
	if (delivered)
		*delivered = 0;
	for (int i = 0; i < run->nprogs; i++) {
		const struct ttm_prog_sample *ps = &run->progs[i];

		if (ps->prog_id / 3 != syscall || !ps->counters_valid)
			continue;
		*out = ps->counters;
		if (delivered)
			*delivered = ps->events_all;
	}
}

static int flood(struct row_ctx *rc, struct ttm_rep_result *run, char *err, size_t len)
{
	struct ttm_run_context ctx = {
		.params = &rc->run_params,
		.probe = rc->probe,
		.config = &rc->configs[TTM_CONFIG_TP],
		.verbose = rc->opts->verbose,
	};
	int ret = ttm_probe_attach(rc->probe, TTM_CONFIG_TP);

	if (ret) {
		snprintf(err, len, "attaching tp failed: %s", strerror(-ret));
		return ret;
	}
	ttm_run_workload(&ctx, rc->opts->params.syscall, TTM_ENTRY_NATIVE, 0, run);
	ttm_probe_detach(rc->probe);
	if (!run->ok) {
		snprintf(err, len, "workload: %.400s", run->error);
		return -EIO;
	}
	return 0;
}

static int measure_paused(struct row_ctx *rc, struct ttm_ringbuf_row *row)
{
	struct ttm_ringbuf_paused *pz = &row->paused;
	__u64 cpu0 = 0, cpu1 = 0;
	uint64_t events0, t0;
	int ret;

	ret = ttm_probe_pause_consumer(rc->probe, true);
	if (ret) {
		snprintf(row->error, sizeof(row->error), "pausing the consumer failed: %s",
			 strerror(-ret));
		return ret;
	}
	ret = flood(rc, &pz->run, row->error, sizeof(row->error));
	syscall_counters(&pz->run, rc->opts->params.syscall, &pz->counters, NULL);

	/* Nothing is attached now: the backlog is fixed while it drains. */
	events0 = all_events(rc);
	pz->drain_cpu_valid = !ttm_probe_consumer_cpu_ns(rc->probe, &cpu0);
	t0 = monotonic_ns();
	ttm_probe_pause_consumer(rc->probe, false);
	if (!ret) {
		ret = ttm_probe_drain(rc->probe);
		if (ret)
			snprintf(row->error, sizeof(row->error), "draining the backlog failed: %s",
				 strerror(-ret));
	}
	pz->drain_ns = monotonic_ns() - t0;
	pz->drain_cpu_valid = pz->drain_cpu_valid && !ttm_probe_consumer_cpu_ns(rc->probe, &cpu1);
	pz->drain_cpu_ns = cpu1 - cpu0;
	pz->drained = all_events(rc) - events0;
	return ret;
}

static int measure_live(struct row_ctx *rc, struct ttm_ringbuf_row *row)
{
	struct ttm_ringbuf_live *lv = &row->live;
	__u64 cpu0 = 0, cpu1 = 0;
	int ret;

	lv->cpu_valid = !ttm_probe_consumer_cpu_ns(rc->probe, &cpu0);
	ret = flood(rc, &lv->run, row->error, sizeof(row->error));
	lv->cpu_valid = lv->cpu_valid && !ttm_probe_consumer_cpu_ns(rc->probe, &cpu1);
	lv->cpu_ns = cpu1 - cpu0;
	syscall_counters(&lv->run, rc->opts->params.syscall, &lv->counters, &lv->delivered);
	return ret;
}

static void measure_row(struct row_ctx *rc, struct ttm_ringbuf_row *row, bool *stop)
{
	struct ttm_probe_opts popts = {
		.verbose = rc->opts->verbose,
		.sampling_ratio = 1,
		.cpus_per_buffer = row->sharing,
		.buffer_bytes = row->bytes,
		.consumer_cpu = rc->opts->params.consumer_cpu,
	};
	int ret = ttm_probe_open(&rc->probe, &popts, rc->caps);

	if (ret) {
		snprintf(row->error, sizeof(row->error), "loading the programs with %u-byte ring "
			 "buffers failed: %s", row->bytes, strerror(-ret));
		rc->probe = NULL;
		return;
	}
	row->ok = !measure_paused(rc, row) && !ttm_stop_signal && !measure_live(rc, row);
	ttm_sweep_read_accounting(rc->probe, rc->configs, &row->accounting);
	ttm_probe_close(rc->probe);
	rc->probe = NULL;
	*stop = ttm_stop_signal != 0;
}

static void progress_row(const struct ringbuf_options *o, const struct ttm_ringbuf_row *row)
{
	if (o->quiet)
		return;
	if (!row->ok) {
		fprintf(stderr, "ring %u KiB, %u CPU(s) per ring: failed: %s\n", row->bytes >> 10,
			row->sharing, row->error);
		return;
	}
	fprintf(stderr, "ring %u KiB, %u CPU(s) per ring: paused: %s held %llu events and lost "
			"%llu, %llu events of every program drained in %.1f ms (%.2f M events/s); "
			"live: %llu lost of %llu\n",
		row->bytes >> 10, row->sharing, ttm_syscall_name(o->params.syscall),
		(unsigned long long)row->paused.counters.submitted,
		(unsigned long long)row->paused.counters.lost_ringbuf_full,
		(unsigned long long)row->paused.drained, row->paused.drain_ns / 1e6,
		ttm_ringbuf_drain_rate(row) / 1e6,
		(unsigned long long)row->live.counters.lost_ringbuf_full,
		(unsigned long long)row->live.counters.fired);
}

double ttm_ringbuf_drain_rate(const struct ttm_ringbuf_row *row)
{
	if (!row->ok || !row->paused.drain_ns)
		return 0;
	return row->paused.drained / (row->paused.drain_ns / 1e9);
}

static int write_outputs(struct ttm_ringbuf_study *st, const char *dir)
{
	json_t *json;
	int err;

	ttm_ringbuf_render_plot(st, dir);
	json = ttm_ringbuf_to_json(st);
	if (!json)
		return -ENOMEM;
	err = ttm_write_json_file(dir, "ringbuf.json", json);
	json_decref(json);
	if (err) {
		fprintf(stderr, "ttmbench ringbuf: writing %s/ringbuf.json failed: %s\n", dir,
			strerror(-err));
		return err;
	}
	err = ttm_ringbuf_write_report(dir, st);
	if (err)
		fprintf(stderr, "ttmbench ringbuf: writing %s/report.md failed: %s\n", dir,
			strerror(-err));
	return err;
}

int cmd_ringbuf(int argc, char **argv)
{
	struct ringbuf_options *o = calloc(1, sizeof(*o));
	struct ttm_ringbuf_study *st = calloc(1, sizeof(*st));
	struct ttm_capabilities *caps = calloc(1, sizeof(*caps));
	struct ttm_config_info *tp;
	char dir[PATH_MAX];
	struct row_ctx rc;
	int status = TTM_EXIT_OK;
	uint64_t start_ns;
	bool stop = false;

	if (!o || !st || !caps) {
		fprintf(stderr, "ttmbench ringbuf: out of memory\n");
		free(o);
		free(st);
		free(caps);
		return TTM_EXIT_FAILURE;
	}
	parse_options(argc, argv, o);
	st->params = o->params;
	st->argc = argc;
	st->argv = argv;

	if (!ttm_require_root("ttmbench ringbuf", false)) {
		status = TTM_EXIT_USAGE;
		goto out;
	}
	if (ttm_prepare_out_dir(o->out_dir, "-ringbuf", dir, sizeof(dir), "ttmbench ringbuf")) {
		status = TTM_EXIT_USAGE;
		goto out;
	}
	if (ttm_find_workload(st->params.workload, sizeof(st->params.workload),
			      "ttmbench ringbuf")) {
		status = TTM_EXIT_FAILURE;
		goto out;
	}

	ttm_install_stop_handlers();
	start_ns = monotonic_ns();
	st->start_time = time(NULL);
	st->host = ttm_hostinfo_collect();
	ttm_capabilities_detect(caps, o->verbose);
	if (!caps->config[TTM_CONFIG_TP].available) {
		fprintf(stderr, "ttmbench ringbuf: configuration tp cannot attach here: %s\n",
			caps->config[TTM_CONFIG_TP].reason);
		status = TTM_EXIT_FAILURE;
		goto out;
	}

	memset(&rc, 0, sizeof(rc));
	rc.opts = o;
	rc.caps = caps;
	tp = &rc.configs[TTM_CONFIG_TP];
	tp->requested = tp->available = true;
	for (int id = 0; id < TTM_TOCTOU_PROGS; id++)
		if (ttm_config_has_prog(TTM_CONFIG_TP, id, caps))
			tp->progs[tp->nprogs++] = id;
	rc.run_params.duration_s = st->params.duration_s;
	rc.run_params.rate = 0;
	rc.run_params.workload_cpu = st->params.workload_cpu;
	rc.run_params.consumer_cpu = st->params.consumer_cpu;
	snprintf(rc.run_params.workload, sizeof(rc.run_params.workload), "%s",
		 st->params.workload);
	ttm_pin_self(st->params.consumer_cpu, "ttmbench ringbuf");

	for (int k = 0; k < st->params.nsharing && !stop; k++) {
		for (int i = 0; i < st->params.nsizes && !stop; i++) {
			struct ttm_ringbuf_row *row = &st->rows[st->nrows++];

			row->sharing = st->params.sharing[k];
			row->bytes = st->params.sizes[i];
			measure_row(&rc, row, &stop);
			progress_row(o, row);
			if (!row->ok || !row->accounting.exact)
				status = TTM_EXIT_FAILURE;
		}
	}
	st->complete = !stop;
	if (stop)
		snprintf(st->incomplete_reason, sizeof(st->incomplete_reason), "interrupted by %s",
			 ttm_stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
	st->end_time = time(NULL);
	st->wall_s = (monotonic_ns() - start_ns) / 1e9;

	if (write_outputs(st, dir))
		status = status ? status : TTM_EXIT_FAILURE;
	else
		printf("ringbuf %s: %d layouts measured, see %s/report.md\n",
		       st->complete ? "complete" : "incomplete", st->nrows, dir);
	if (ttm_stop_signal)
		status = 128 + ttm_stop_signal;

out:
	json_decref(st->host);
	json_decref(st->plots);
	free(caps);
	free(st);
	free(o);
	return status;
}
