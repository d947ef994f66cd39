// SPDX-License-Identifier: GPL-2.0
/*
 * ttmbench sweep: for every syscall, entry path and workload rate, run the
 * baseline and each configuration at each sampling ratio, in a new random
 * order every repetition, through the run engine's ttm_run_workload. The
 * programs are loaded once, and a ratio change only rewrites the settings map.
 */
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "bench/commands.h"
#include "bench/hostinfo.h"
#include "bench/outdir.h"
#include "bench/configs.h"
#include "bench/process.h"
#include "bench/run_lock.h"
#include "bench/run_workload.h"
#include "bench/sweep.h"

struct sweeper {
	struct ttm_sweep_options opts;
	struct ttm_sweep s;
	struct ttm_capabilities caps;
	struct ttm_probe *probe;
	int bpf_stats_fd;
	char out_dir[PATH_MAX];
	/* Run-engine parameters per rate: rate, duration, workload CPU and binary. */
	struct ttm_run_params run_params[TTM_SWEEP_MAX_RATES];
	int attached; /* configuration attached now; TTM_CONFIG_NONE when none is */
};

static bool stopping(void)
{
	return ttm_stop_signal != 0;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void fill_run_params(struct sweeper *sw)
{
	const struct ttm_sweep_params *p = &sw->s.params;

	for (int r = 0; r < p->nrates; r++) {
		struct ttm_run_params *rp = &sw->run_params[r];

		rp->duration_s = p->duration_s;
		rp->rate = p->rates[r];
		rp->reps = p->reps;
		rp->sampling_ratio = 1;
		rp->workload_cpu = p->workload_cpu;
		rp->consumer_cpu = p->consumer_cpu;
		snprintf(rp->workload, sizeof(rp->workload), "%s", p->workload);
	}
}

static void open_probe(struct sweeper *sw)
{
	struct ttm_sweep *s = &sw->s;
	struct ttm_probe_opts popts = {
		.verbose = sw->opts.verbose,
		.sampling_ratio = 1,
		.consumer_cpu = s->params.consumer_cpu,
	};
	bool needed = false;
	int err;

	for (int i = 0; i < s->params.nconfigs; i++) {
		int c = s->params.configs[i];

		needed |= c != TTM_CONFIG_NONE && s->configs[c].available;
	}
	if (!needed)
		return;

	sw->bpf_stats_fd = ttm_enable_bpf_stats();
	s->bpf_stats_enabled = sw->bpf_stats_fd >= 0;
	if (!s->bpf_stats_enabled)
		fprintf(stderr, "ttmbench sweep: enabling BPF run-time stats failed: %s; run_cnt "
				"is not recorded\n", strerror(-sw->bpf_stats_fd));

	err = ttm_probe_open(&sw->probe, &popts, &sw->caps);
	if (!err)
		return;
	sw->probe = NULL;
	for (int i = 0; i < s->params.nconfigs; i++) {
		struct ttm_config_info *ci = &s->configs[s->params.configs[i]];

		if (s->params.configs[i] == TTM_CONFIG_NONE || !ci->available)
			continue;
		ci->available = false;
		snprintf(ci->reason, sizeof(ci->reason), "loading the BPF programs failed: %s",
			 strerror(-err));
		fprintf(stderr, "ttmbench sweep: skipping configuration %s: %s\n",
			ttm_config_name(s->params.configs[i]), ci->reason);
	}
}

static void close_probe(struct sweeper *sw)
{
	ttm_probe_close(sw->probe);
	sw->probe = NULL;
	if (sw->bpf_stats_fd >= 0)
		close(sw->bpf_stats_fd);
	sw->bpf_stats_fd = -1;
}

static void skip_unavailable_points(struct ttm_sweep *s)
{
	for (int i = 0; i < s->npoints; i++) {
		struct ttm_sweep_point *pt = &s->points[i];
		const struct ttm_config_info *ci = &s->configs[pt->config];

		if (ci->available)
			continue;
		pt->status = TTM_CELL_SKIPPED;
		snprintf(pt->reason, sizeof(pt->reason), "%s", ci->reason);
	}
}

static void warm_up(struct sweeper *sw)
{
	const struct ttm_sweep_params *p = &sw->s.params;
	struct ttm_run_params rp = sw->run_params[0];
	struct ttm_config_info none = {};
	struct ttm_run_context ctx = { .params = &rp, .config = &none, .verbose = sw->opts.verbose };
	double each = p->warmup_s / (p->nsyscalls * p->nmodes);
	struct ttm_rep_result *scratch;

	if (p->warmup_s <= 0)
		return;
	scratch = malloc(sizeof(*scratch));
	if (!scratch)
		return;
	rp.rate = 0;
	if (each < 0.01)
		each = 0.01;
	ttm_progress(sw->opts.quiet, "warm-up: %.2f s per syscall and mode at max rate, nothing attached", each);
	for (int s = 0; s < p->nsyscalls && !stopping(); s++)
		for (int m = 0; m < p->nmodes && !stopping(); m++)
			if (ttm_run_workload(&ctx, p->syscalls[s], p->modes[m], each, scratch))
				fprintf(stderr, "ttmbench sweep: warm-up %s %s: %s\n",
					ttm_syscall_name(p->syscalls[s]), ttm_mode_name(p->modes[m]),
					scratch->error);
	free(scratch);
}

/* Attach the point's configuration (if another one is attached) and set its ratio. */
static int prepare_point(struct sweeper *sw, const struct ttm_sweep_point *pt, char *err,
			 size_t len)
{
	int ret = 0;

	if (!sw->probe)
		return 0;
	if (pt->config != sw->attached) {
		ret = pt->config == TTM_CONFIG_NONE ? ttm_probe_detach(sw->probe) :
						      ttm_probe_attach(sw->probe, pt->config);
		if (ret) {
			snprintf(err, len, "attaching %s failed: %s", ttm_config_name(pt->config),
				 strerror(-ret));
			sw->attached = -1;
			return ret;
		}
		sw->attached = pt->config;
	}
	if (pt->config == TTM_CONFIG_NONE)
		return 0;

	ret = ttm_probe_set_sampling(sw->probe, pt->ratio > 1, pt->ratio);
	if (ret)
		snprintf(err, len, "setting sampling ratio %u failed: %s", pt->ratio, strerror(-ret));
	return ret;
}

/* Median rate a configuration reaches at ratio 1 and rate max over TTM_SWEEP_PEAK_RUNS runs. */
static int unpaced_rate(struct sweeper *sw, int config, int syscall, int mode,
			struct ttm_rep_result *run, double *rate, char *err, size_t len)
{
	struct ttm_sweep *s = &sw->s;
	struct ttm_sweep_point pt = { .config = config, .ratio = 1 };
	struct ttm_run_params rp = sw->run_params[0];
	struct ttm_run_context ctx = {
		.params = &rp,
		.probe = config == TTM_CONFIG_NONE ? NULL : sw->probe,
		.config = &s->configs[config],
		.bpf_stats = s->bpf_stats_enabled,
		.verbose = sw->opts.verbose,
	};
	double rates[TTM_SWEEP_PEAK_RUNS];

	rp.rate = TTM_SWEEP_RATE_MAX;
	if (prepare_point(sw, &pt, err, len))
		return -1;
	for (int i = 0; i < TTM_SWEEP_PEAK_RUNS; i++) {
		memset(run, 0, sizeof(*run));
		if (stopping()) {
			snprintf(err, len, "interrupted");
			return -1;
		}
		if (ttm_run_workload(&ctx, syscall, mode, 0, run)) {
			snprintf(err, len, "%.400s", run->error);
			return -1;
		}
		rates[i] = run->record.achieved_rate;
	}
	*rate = ttm_median(rates, TTM_SWEEP_PEAK_RUNS);
	return 0;
}

/* The slowest available configuration at ratio 1, back to back, sets the peak rate. */
static void measure_peak(struct sweeper *sw, int syscall, int mode, struct ttm_rep_result *run)
{
	struct ttm_sweep *s = &sw->s;
	struct ttm_sweep_peak *peak = &s->peak[syscall][mode];

	for (int i = 0; i < s->params.nconfigs; i++) {
		int config = s->params.configs[i];
		char err[TTM_MSG_LEN] = "";
		double rate;

		if (!s->configs[config].available)
			continue;
		if (unpaced_rate(sw, config, syscall, mode, run, &rate, err, sizeof(err))) {
			snprintf(peak->reason, sizeof(peak->reason), "%s at ratio 1, rate max: %s",
				 ttm_config_name(config), err);
			return;
		}
		if (!peak->unpaced_rate || rate < peak->unpaced_rate) {
			peak->unpaced_rate = rate;
			peak->slowest_config = config;
		}
	}
	if (!(peak->unpaced_rate > 0)) {
		snprintf(peak->reason, sizeof(peak->reason), "no configuration reached a rate");
		return;
	}
	/* Whole calls per second, as the workload takes them and as the report prints them. */
	peak->rate = floor(TTM_SWEEP_PEAK_FRACTION * peak->unpaced_rate);
	peak->measured = true;
	ttm_progress(sw->opts.quiet, "peak %s %s: %s reached %.0f calls/s unpaced (median of %d "
		     "runs); peak points run at %.0f calls/s", ttm_syscall_name(syscall),
		     ttm_mode_name(mode), ttm_sweep_peak_setting(peak->slowest_config),
		     peak->unpaced_rate, TTM_SWEEP_PEAK_RUNS, peak->rate);
}

static void measure_peaks(struct sweeper *sw)
{
	struct ttm_sweep *s = &sw->s;
	const struct ttm_sweep_params *p = &s->params;
	struct ttm_rep_result *run;

	if (!ttm_sweep_has_peak(p))
		return;
	run = malloc(sizeof(*run));
	if (!run) {
		fprintf(stderr, "ttmbench sweep: measuring the peak rates failed: out of memory\n");
		return;
	}
	for (int sc = 0; sc < p->nsyscalls; sc++)
		for (int m = 0; m < p->nmodes; m++) {
			struct ttm_sweep_peak *peak = &s->peak[p->syscalls[sc]][p->modes[m]];

			measure_peak(sw, p->syscalls[sc], p->modes[m], run);
			if (!peak->measured)
				fprintf(stderr, "ttmbench sweep: peak rate of %s %s not measured: %s\n",
					ttm_syscall_name(p->syscalls[sc]),
					ttm_mode_name(p->modes[m]), peak->reason);
		}
	free(run);
}

static uint64_t point_events(const struct ttm_rep_result *run, int syscall)
{
	uint64_t events = 0;

	for (int i = 0; i < run->nprogs; i++)
		if (run->progs[i].prog_id / 3 == syscall)
			events += run->progs[i].events_workload;
	return events;
}

static void record_rep(struct sweeper *sw, struct ttm_sweep_point *pt, struct ttm_sweep_rep *rep,
		       int rep_no)
{
	const struct ttm_sweep_params *p = &sw->s.params;
	char rate[32];

	pt->nreps = rep_no;
	rep->run.rep = rep_no;
	ttm_sweep_rate_label(p->rates[pt->rate_index], rate, sizeof(rate));
	if (rep->run.ok) {
		double ops = rep->run.record.ops_issued;

		if (pt->status == TTM_CELL_NOT_RUN)
			pt->status = TTM_CELL_OK;
		if (pt->config == TTM_CONFIG_NONE)
			ttm_progress(sw->opts.quiet, "rep %d/%d none %s %s rate %s: %.1f ns/op", rep_no, p->reps,
				 ttm_syscall_name(pt->syscall), ttm_mode_name(pt->mode), rate,
				 rep->run.record.ns_per_op);
		else
			ttm_progress(sw->opts.quiet, "rep %d/%d %s %s %s rate %s ratio %u: %.1f ns/op, kept %.2f %%",
				 rep_no, p->reps, ttm_config_name(pt->config),
				 ttm_syscall_name(pt->syscall), ttm_mode_name(pt->mode), rate,
				 pt->ratio, rep->run.record.ns_per_op,
				 100.0 * point_events(&rep->run, pt->syscall) / ops);
		return;
	}
	if (pt->status != TTM_CELL_FAILED)
		snprintf(pt->reason, sizeof(pt->reason), "rep %d: %.480s", rep_no, rep->run.error);
	pt->status = TTM_CELL_FAILED;
	fprintf(stderr, "ttmbench sweep: rep %d/%d %s %s %s rate %s ratio %u failed: %s\n", rep_no,
		p->reps, ttm_config_name(pt->config), ttm_syscall_name(pt->syscall),
		ttm_mode_name(pt->mode), rate, pt->ratio, rep->run.error);
}

static void run_point(struct sweeper *sw, struct ttm_sweep_point *pt, int rep_index)
{
	struct ttm_sweep_rep *rep = &pt->reps[rep_index];
	struct ttm_run_params rp = sw->run_params[pt->rate_index];
	struct ttm_run_context ctx = {
		.params = &rp,
		.probe = pt->config == TTM_CONFIG_NONE ? NULL : sw->probe,
		.config = &sw->s.configs[pt->config],
		.bpf_stats = sw->s.bpf_stats_enabled,
		.verbose = sw->opts.verbose,
	};
	char err[TTM_MSG_LEN] = "";
	__u64 cpu_before = 0, cpu_after = 0;

	memset(rep, 0, sizeof(*rep));
	if (rp.rate == TTM_SWEEP_RATE_PEAK) {
		const struct ttm_sweep_peak *peak = &sw->s.peak[pt->syscall][pt->mode];

		if (!peak->measured)
			snprintf(err, sizeof(err), "peak rate not measured: %.400s", peak->reason);
		rp.rate = peak->rate;
	}
	if (err[0] || prepare_point(sw, pt, err, sizeof(err))) {
		snprintf(rep->run.error, sizeof(rep->run.error), "%s", err);
		record_rep(sw, pt, rep, rep_index + 1);
		return;
	}

	rep->consumer_cpu_valid = sw->probe && !ttm_probe_consumer_cpu_ns(sw->probe, &cpu_before);
	ttm_run_workload(&ctx, pt->syscall, pt->mode, 0, &rep->run);
	/* ttm_run_workload drained the consumer before returning, so its CPU time is complete. */
	rep->consumer_cpu_valid = rep->consumer_cpu_valid &&
				  !ttm_probe_consumer_cpu_ns(sw->probe, &cpu_after);
	rep->consumer_cpu_ns = cpu_after - cpu_before;
	record_rep(sw, pt, rep, rep_index + 1);
}

/* One repetition: every (syscall, mode, rate) group, its points in a random order. */
static bool run_repetition(struct sweeper *sw, gsl_rng *rng, int rep_index)
{
	struct ttm_sweep *s = &sw->s;
	const struct ttm_sweep_params *p = &s->params;
	struct ttm_sweep_point **group;
	int max = 1 + (TTM_CONFIG_COUNT - 1) * p->nratios;

	group = calloc(max, sizeof(*group));
	if (!group)
		return false;
	for (int sc = 0; sc < p->nsyscalls; sc++) {
		for (int m = 0; m < p->nmodes; m++) {
			for (int r = 0; r < p->nrates; r++) {
				int n = 0;

				for (int i = 0; i < s->npoints; i++) {
					struct ttm_sweep_point *pt = &s->points[i];

					if (pt->syscall == p->syscalls[sc] &&
					    pt->mode == p->modes[m] && pt->rate_index == r &&
					    pt->status != TTM_CELL_SKIPPED)
						group[n++] = pt;
				}
				if (n > 1)
					gsl_ran_shuffle(rng, group, n, sizeof(group[0]));
				for (int i = 0; i < n; i++) {
					if (stopping()) {
						free(group);
						return false;
					}
					run_point(sw, group[i], rep_index);
				}
			}
		}
	}
	free(group);
	return true;
}

static void run_repetitions(struct sweeper *sw)
{
	struct ttm_sweep *s = &sw->s;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	int rep;

	gsl_rng_set(rng, s->params.seed);
	if (stopping()) {
		snprintf(s->incomplete_reason, sizeof(s->incomplete_reason),
			 "interrupted by %s before the first repetition (warm-up or peak rate)",
			 ttm_stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
		gsl_rng_free(rng);
		return;
	}
	for (rep = 0; rep < s->params.reps; rep++)
		if (!run_repetition(sw, rng, rep))
			break;
	if (sw->probe)
		ttm_probe_detach(sw->probe);
	gsl_rng_free(rng);

	s->complete = !stopping() && rep == s->params.reps;
	if (stopping())
		snprintf(s->incomplete_reason, sizeof(s->incomplete_reason),
			 "interrupted by %s during repetition %d of %d",
			 ttm_stop_signal == SIGINT ? "SIGINT" : "SIGTERM", rep + 1, s->params.reps);
	else if (!s->complete)
		snprintf(s->incomplete_reason, sizeof(s->incomplete_reason),
			 "out of memory during repetition %d of %d", rep + 1, s->params.reps);
}

static int write_outputs(struct sweeper *sw)
{
	json_t *json;
	int err;

	ttm_sweep_render_plots(&sw->s, sw->out_dir);

	json = ttm_sweep_to_json(&sw->s);
	if (!json) {
		fprintf(stderr, "ttmbench sweep: building sweep.json failed: out of memory\n");
		return -ENOMEM;
	}
	err = ttm_write_json_file(sw->out_dir, "sweep.json", json);
	json_decref(json);
	if (err) {
		fprintf(stderr, "ttmbench sweep: writing %s/sweep.json failed: %s\n", sw->out_dir,
			strerror(-err));
		return err;
	}
	err = ttm_sweep_write_report(sw->out_dir, &sw->s);
	if (err)
		fprintf(stderr, "ttmbench sweep: writing %s/report.md failed: %s\n", sw->out_dir,
			strerror(-err));
	return err;
}

static int exit_status_of(const struct ttm_sweep *s)
{
	if (ttm_stop_signal)
		return 128 + ttm_stop_signal;
	for (int i = 0; i < s->npoints; i++)
		if (s->points[i].status == TTM_CELL_FAILED)
			return TTM_EXIT_FAILURE;
	return TTM_EXIT_OK;
}

static void print_summary(const struct sweeper *sw)
{
	const struct ttm_sweep *s = &sw->s;
	int ok = 0, failed = 0, skipped = 0, behind = 0;

	for (int i = 0; i < s->npoints; i++) {
		ok += s->points[i].status == TTM_CELL_OK;
		failed += s->points[i].status == TTM_CELL_FAILED;
		skipped += s->points[i].status == TTM_CELL_SKIPPED;
	}
	if (!s->complete)
		fprintf(stderr, "ttmbench sweep: incomplete: %s\n", s->incomplete_reason);
	for (int i = 0; i < s->npoints; i++)
		behind += s->points[i].reps_behind > 0;
	if (behind)
		fprintf(stderr, "ttmbench sweep: %d paced points had runs that fell behind their "
				"pace; report.md lists them\n", behind);
	printf("sweep %s: %d points measured, %d failed, %d skipped, %.0f s; see %s/report.md\n",
	       s->complete ? "complete" : "incomplete", ok, failed, skipped, s->wall_s,
	       sw->out_dir);
}

int cmd_sweep(int argc, char **argv)
{
	struct sweeper *sw = calloc(1, sizeof(*sw));
	struct ttm_sweep *s;
	uint64_t start_ns;
	int status;

	if (!sw) {
		fprintf(stderr, "ttmbench sweep: out of memory\n");
		return TTM_EXIT_FAILURE;
	}
	s = &sw->s;
	sw->bpf_stats_fd = -1;
	sw->attached = TTM_CONFIG_NONE;
	ttm_sweep_parse_options(argc, argv, &sw->opts);
	s->params = sw->opts.params;
	s->argc = argc;
	s->argv = argv;

	if (!ttm_require_root("ttmbench sweep", true)) {
		free(sw);
		return TTM_EXIT_USAGE;
	}
	if (ttm_prepare_out_dir(sw->opts.out_dir, TTM_SWEEP_FOLDER_SUFFIX, sw->out_dir,
				sizeof(sw->out_dir), "ttmbench sweep")) {
		free(sw);
		return TTM_EXIT_USAGE;
	}
	if (ttm_find_workload(s->params.workload, sizeof(s->params.workload), "ttmbench sweep") ||
	    ttm_sweep_init_points(s)) {
		ttm_sweep_free(s);
		free(sw);
		return TTM_EXIT_FAILURE;
	}

	ttm_install_stop_handlers();
	s->host = ttm_hostinfo_collect();
	ttm_capabilities_detect(&sw->caps, sw->opts.verbose);
	s->capabilities = ttm_capabilities_to_json(&sw->caps);
	ttm_resolve_configs(s->params.configs, s->params.nconfigs, s->configs, &sw->caps,
			    TTM_TOCTOU_PROGS, "ttmbench sweep");
	fill_run_params(sw);

	ttm_pin_self(s->params.consumer_cpu, "ttmbench sweep");
	/*
	 * Also without probes, because the pinned baseline runs would disturb,
	 * or be disturbed by, another ttmbench's runs.
	 */
	ttm_run_lock_take_registered();
	open_probe(sw);
	/* The clock starts once the run lock is held, so a --wait queue is not in wall_s. */
	start_ns = monotonic_ns();
	s->start_time = time(NULL);
	skip_unavailable_points(s);
	warm_up(sw);
	measure_peaks(sw);
	run_repetitions(sw);
	ttm_sweep_read_accounting(sw->probe, s->configs, &s->accounting);
	close_probe(sw);

	s->end_time = time(NULL);
	s->wall_s = (monotonic_ns() - start_ns) / 1e9;
	if (ttm_sweep_analyze(s))
		fprintf(stderr, "ttmbench sweep: computing statistics failed: out of memory\n");
	status = exit_status_of(s);
	if (write_outputs(sw))
		status = status ? status : TTM_EXIT_FAILURE;
	else
		print_summary(sw);

	ttm_sweep_free(s);
	free(sw);
	return status;
}
