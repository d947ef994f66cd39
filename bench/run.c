// SPDX-License-Identifier: GPL-2.0
/*
 * ttmbench run: attach each available configuration in turn, drive the
 * workloads for every syscall and entry path, and write results.json,
 * report.md and the verdict.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "bench/commands.h"
#include "bench/hostinfo.h"
#include "bench/outdir.h"
#include "bench/configs.h"
#include "bench/process.h"
#include "bench/run_checks.h"
#include "bench/run_options.h"
#include "bench/run_workload.h"

#define RESULTS_ROOT "results"

struct runner {
	struct ttm_run_options opts;
	struct ttm_results results;
	struct ttm_capabilities caps;
	struct ttm_probe *probe;
	int bpf_stats_fd;
	char out_dir[PATH_MAX];
	bool default_location;
};

/* Create the output folder and prove that a file can be written in it. */
static int prepare_out_dir(struct runner *rn)
{
	rn->default_location = !rn->opts.out_dir[0];
	return ttm_prepare_out_dir(rn->opts.out_dir, "", rn->out_dir, sizeof(rn->out_dir),
				   "ttmbench run");
}

static bool config_uses_probe(int config)
{
	return config != TTM_CONFIG_NONE;
}

static void mark_unavailable(struct runner *rn, int config, const char *fmt, int err)
{
	struct ttm_config_info *ci = &rn->results.configs[config];

	ci->available = false;
	snprintf(ci->reason, sizeof(ci->reason), fmt, strerror(-err));
	fprintf(stderr, "ttmbench run: skipping configuration %s: %s\n", ttm_config_name(config),
		ci->reason);
}

/* Load the programs once for the whole run, if any available configuration needs them. */
static void open_probe(struct runner *rn)
{
	struct ttm_results *r = &rn->results;
	struct ttm_probe_opts popts = {
		.verbose = rn->opts.verbose,
		.dropping_mode = r->params.sampling_ratio > 1,
		.sampling_ratio = r->params.sampling_ratio,
		.consumer_cpu = r->params.consumer_cpu,
	};
	bool needed = false;
	int err;

	for (int i = 0; i < r->params.nconfigs; i++) {
		int c = r->params.configs[i];

		needed |= r->configs[c].available && config_uses_probe(c);
	}
	if (!needed)
		return;

	rn->bpf_stats_fd = ttm_enable_bpf_stats();
	r->bpf_stats_enabled = rn->bpf_stats_fd >= 0;
	if (!r->bpf_stats_enabled) {
		snprintf(r->bpf_stats_reason, sizeof(r->bpf_stats_reason),
			 "enabling BPF run-time stats failed: %s", strerror(-rn->bpf_stats_fd));
		fprintf(stderr, "ttmbench run: %s; run_cnt and run_time_ns are not recorded\n",
			r->bpf_stats_reason);
	}

	err = ttm_probe_open(&rn->probe, &popts, &rn->caps);
	if (!err)
		return;
	rn->probe = NULL;
	for (int i = 0; i < r->params.nconfigs; i++) {
		int c = r->params.configs[i];

		if (r->configs[c].available && config_uses_probe(c))
			mark_unavailable(rn, c, "loading the BPF programs failed: %s", err);
	}
}

static void close_probe(struct runner *rn)
{
	ttm_probe_close(rn->probe);
	rn->probe = NULL;
	if (rn->bpf_stats_fd >= 0)
		close(rn->bpf_stats_fd);
	rn->bpf_stats_fd = -1;
}

static bool stopping(void)
{
	return ttm_stop_signal != 0;
}

/* Run every cell once with nothing attached, so caches and clocks settle before rep 1. */
static void warm_up(struct runner *rn)
{
	const struct ttm_run_params *p = &rn->results.params;
	struct ttm_config_info none = {};
	struct ttm_run_context ctx = { .params = p, .config = &none, .verbose = rn->opts.verbose };
	double seconds_per_cell = p->warmup_s / (p->nsyscalls * p->nmodes);
	struct ttm_rep_result *scratch;

	if (p->warmup_s <= 0)
		return;
	scratch = malloc(sizeof(*scratch));
	if (!scratch)
		return;
	if (seconds_per_cell < 0.01)
		seconds_per_cell = 0.01;
	ttm_progress(rn->opts.quiet, "warm-up: %.2f s per syscall and mode, nothing attached", seconds_per_cell);
	for (int s = 0; s < p->nsyscalls && !stopping(); s++)
		for (int m = 0; m < p->nmodes && !stopping(); m++)
			if (ttm_run_workload(&ctx, p->syscalls[s], p->modes[m], seconds_per_cell,
					     scratch))
				fprintf(stderr, "ttmbench run: warm-up %s %s: %s\n",
					ttm_syscall_name(p->syscalls[s]), ttm_mode_name(p->modes[m]),
					scratch->error);
	free(scratch);
}

/* Shuffle the available configurations for one repetition and record the order. */
static void plan_repetition(struct runner *rn, gsl_rng *rng, int rep)
{
	struct ttm_results *r = &rn->results;
	struct ttm_schedule_entry *e = &r->schedule[rep];

	e->n = 0;
	for (int i = 0; i < r->params.nconfigs; i++)
		if (r->configs[r->params.configs[i]].available)
			e->order[e->n++] = r->params.configs[i];
	if (e->n > 1)
		gsl_ran_shuffle(rng, e->order, e->n, sizeof(e->order[0]));
	r->nschedule = rep + 1;
}

static void record_rep(struct runner *rn, struct ttm_cell *cell, struct ttm_rep_result *rep,
		       int rep_no)
{
	rep->rep = rep_no;
	cell->nreps++;
	if (rep->ok) {
		if (cell->status == TTM_CELL_NOT_RUN)
			cell->status = TTM_CELL_OK;
		ttm_progress(rn->opts.quiet, "rep %d/%d %s %s %s: %.1f ns/op", rep_no,
			 rep_no > rn->results.params.reps ? rep_no : rn->results.params.reps,
			 ttm_config_name(cell->config), ttm_syscall_name(cell->syscall),
			 ttm_mode_name(cell->mode), rep->record.ns_per_op);
		return;
	}
	if (cell->status != TTM_CELL_FAILED)
		snprintf(cell->reason, sizeof(cell->reason), "rep %d: %.480s", rep_no, rep->error);
	cell->status = TTM_CELL_FAILED;
	fprintf(stderr, "ttmbench run: rep %d/%d %s %s %s failed: %s\n", rep_no,
		rn->results.params.reps, ttm_config_name(cell->config),
		ttm_syscall_name(cell->syscall), ttm_mode_name(cell->mode), rep->error);
}

/* One configuration's cells within one repetition. Returns false when stopped. */
static bool run_configuration(struct runner *rn, int config, int rep_index)
{
	struct ttm_results *r = &rn->results;
	const struct ttm_run_params *p = &r->params;
	struct ttm_run_context ctx = {
		.params = p,
		.probe = config_uses_probe(config) ? rn->probe : NULL,
		.config = &r->configs[config],
		.bpf_stats = r->bpf_stats_enabled,
		.verbose = rn->opts.verbose,
	};
	char attach_error[TTM_MSG_LEN] = "";
	int err = 0;

	if (rn->probe)
		err = ttm_probe_attach(rn->probe, config);
	if (err)
		snprintf(attach_error, sizeof(attach_error), "attaching %s failed: %s",
			 ttm_config_name(config), strerror(-err));

	for (int s = 0; s < p->nsyscalls; s++) {
		for (int m = 0; m < p->nmodes; m++) {
			struct ttm_cell *cell = ttm_results_cell(r, config, p->syscalls[s],
								 p->modes[m]);
			struct ttm_rep_result *rep = &cell->reps[cell->nreps];

			if (stopping())
				return false;
			if (attach_error[0]) {
				memset(rep, 0, sizeof(*rep));
				snprintf(rep->error, sizeof(rep->error), "%s", attach_error);
			} else {
				ttm_run_workload(&ctx, cell->syscall, cell->mode, 0, rep);
			}
			record_rep(rn, cell, rep, rep_index + 1);
		}
	}
	return true;
}

static void skip_unavailable_cells(struct ttm_results *r)
{
	for (int i = 0; i < r->ncells; i++) {
		struct ttm_cell *c = &r->cells[i];
		const struct ttm_config_info *ci = &r->configs[c->config];

		if (ci->available)
			continue;
		c->status = TTM_CELL_SKIPPED;
		snprintf(c->reason, sizeof(c->reason), "%s", ci->reason);
	}
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Half-width of the widest comparison CI, and which one it is; -1 when none has a CI. */
static double widest_halfwidth(const struct ttm_results *r, char *what, size_t len)
{
	double widest = -1;

	for (int i = 0; i < r->ncomparisons; i++) {
		const struct ttm_comparison *c = &r->comparisons[i];
		double half = (c->diff.ci.upper - c->diff.ci.lower) / 2;

		if (!c->diff.ci.valid || half <= widest)
			continue;
		widest = half;
		snprintf(what, len, "%s %s %s - %s", ttm_syscall_name(c->syscall),
			 ttm_mode_name(c->mode), ttm_config_name(c->a), ttm_config_name(c->b));
	}
	return widest;
}

/*
 * Add whole repetitions after the planned ones (--adaptive), every
 * configuration shuffled as before. Stop when every comparison's CI half-width
 * is at most the target, or when one more repetition, at the mean duration of
 * those so far, would end past the time budget.
 */
static void run_adaptive(struct runner *rn, gsl_rng *rng, const struct timespec *start)
{
	struct ttm_results *r = &rn->results;
	const struct ttm_run_params *p = &r->params;
	struct ttm_adaptive_outcome *a = &r->adaptive;

	a->max_halfwidth_ns = -1;
	while (!stopping()) {
		int rep = r->nschedule;
		double elapsed = seconds_since(start), per_rep = rep ? elapsed / rep : 0;
		struct ttm_schedule_entry *e;

		if (ttm_results_analyze(r)) {
			snprintf(a->stop_reason, sizeof(a->stop_reason),
				 "computing statistics failed: out of memory");
			return;
		}
		a->max_halfwidth_ns = widest_halfwidth(r, a->widest, sizeof(a->widest));
		if (a->max_halfwidth_ns < 0) {
			snprintf(a->stop_reason, sizeof(a->stop_reason),
				 "no comparison has a confidence interval: request two configurations "
				 "that form a pair, e.g. none,tp");
			return;
		}
		if (a->max_halfwidth_ns <= p->target_halfwidth_ns) {
			a->target_met = true;
			snprintf(a->stop_reason, sizeof(a->stop_reason),
				 "every comparison's CI half-width is at most %.2f ns",
				 p->target_halfwidth_ns);
			return;
		}
		if (elapsed + per_rep > p->max_time_s) {
			snprintf(a->stop_reason, sizeof(a->stop_reason),
				 "time budget of %.0f s reached after %.0f s (a repetition takes "
				 "about %.1f s); widest CI half-width %.2f ns (%.200s)",
				 p->max_time_s, elapsed, per_rep, a->max_halfwidth_ns, a->widest);
			return;
		}
		if (rep >= TTM_ADAPTIVE_MAX_REPS) {
			snprintf(a->stop_reason, sizeof(a->stop_reason),
				 "reached %d repetitions, the maximum", TTM_ADAPTIVE_MAX_REPS);
			return;
		}
		if (ttm_results_grow_reps(r, rep + 1)) {
			snprintf(a->stop_reason, sizeof(a->stop_reason),
				 "out of memory for repetition %d", rep + 1);
			return;
		}

		ttm_progress(rn->opts.quiet, "adaptive: repetition %d, widest CI half-width %.2f ns (%s), target "
			     "%.2f ns", rep + 1, a->max_halfwidth_ns, a->widest,
			 p->target_halfwidth_ns);
		plan_repetition(rn, rng, rep);
		e = &r->schedule[rep];
		for (int i = 0; i < e->n; i++)
			if (!run_configuration(rn, e->order[i], rep))
				break;
		a->added_reps++;
	}
	snprintf(a->stop_reason, sizeof(a->stop_reason), "interrupted by a signal");
}

/* Every repetition: every available configuration in shuffled order, every cell. */
static void run_repetitions(struct runner *rn)
{
	struct ttm_results *r = &rn->results;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);

	if (!rng) {
		fprintf(stderr, "ttmbench run: allocating the random number generator failed\n");
		snprintf(r->incomplete_reason, sizeof(r->incomplete_reason),
			 "no repetition ran: out of memory");
		return;
	}
	gsl_rng_set(rng, r->params.seed);
	for (int rep = 0; rep < r->params.reps && !stopping(); rep++) {
		struct ttm_schedule_entry *e;

		plan_repetition(rn, rng, rep);
		e = &r->schedule[rep];
		for (int i = 0; i < e->n; i++)
			if (!run_configuration(rn, e->order[i], rep))
				break;
	}
	if (r->params.adaptive && !stopping())
		run_adaptive(rn, rng, &start);
	if (rn->probe)
		ttm_probe_detach(rn->probe);
	gsl_rng_free(rng);

	if (stopping()) {
		const char *sig = ttm_stop_signal == SIGINT ? "SIGINT" : "SIGTERM";

		r->complete = false;
		if (r->nschedule == 0)
			snprintf(r->incomplete_reason, sizeof(r->incomplete_reason),
				 "interrupted by %s before the first repetition", sig);
		else
			snprintf(r->incomplete_reason, sizeof(r->incomplete_reason),
				 "interrupted by %s during repetition %d of %d", sig, r->nschedule,
				 r->params.reps);
	} else {
		r->complete = true;
	}
}

/* Point results/latest at the new folder: a symlink under a temporary name, renamed over. */
static void update_latest(const struct runner *rn)
{
	const char *name = strrchr(rn->out_dir, '/');
	char tmp[PATH_MAX];

	name = name ? name + 1 : rn->out_dir;
	snprintf(tmp, sizeof(tmp), "%s/.latest.%d", RESULTS_ROOT, (int)getpid());
	unlink(tmp);
	if (symlink(name, tmp) || rename(tmp, RESULTS_ROOT "/latest")) {
		fprintf(stderr, "ttmbench run: updating %s/latest failed: %s\n", RESULTS_ROOT,
			strerror(errno));
		unlink(tmp);
	}
}

/* The history line of a complete run, and with --ci the one-line summary. */
static int finish_ci(struct runner *rn, const json_t *json)
{
	const char *history = rn->opts.history;
	int err;

	if (history[0] && rn->results.complete) {
		err = ttm_history_append(history, json, rn->out_dir);
		if (err) {
			fprintf(stderr, "ttmbench run: appending to %s failed: %s\n", history,
				strerror(-err));
			return err;
		}
	}
	if (rn->opts.ci)
		ttm_ci_summary_line(json, stdout);
	return 0;
}

static int write_outputs(struct runner *rn)
{
	struct ttm_results *r = &rn->results;
	json_t *json = ttm_results_to_json(r);
	int err;

	if (!json) {
		fprintf(stderr, "ttmbench run: building results.json failed: out of memory\n");
		return -ENOMEM;
	}
	err = ttm_write_json_file(rn->out_dir, "results.json", json);
	if (err) {
		fprintf(stderr, "ttmbench run: writing %s/results.json failed: %s\n", rn->out_dir,
			strerror(-err));
		json_decref(json);
		return err;
	}
	err = ttm_write_report(rn->out_dir, r);
	if (err) {
		fprintf(stderr, "ttmbench run: writing %s/report.md failed: %s\n", rn->out_dir,
			strerror(-err));
		json_decref(json);
		return err;
	}
	if (r->complete && rn->default_location)
		update_latest(rn);

	err = finish_ci(rn, json);
	json_decref(json);
	return err;
}

static int exit_status_of(const struct runner *rn)
{
	const struct ttm_results *r = &rn->results;

	if (ttm_stop_signal)
		return 128 + ttm_stop_signal;
	if (rn->opts.ci)
		return ttm_fail_on_verdict(ttm_verdict_name(r->verdicts.overall), rn->opts.fail_on) ?
			       TTM_EXIT_FAILURE :
			       TTM_EXIT_OK;
	if (r->verdicts.overall == TTM_VERDICT_VIOLATED)
		return TTM_EXIT_FAILURE;
	return TTM_EXIT_OK;
}

int cmd_run(int argc, char **argv)
{
	struct runner *rn = calloc(1, sizeof(*rn));
	struct ttm_results *r;
	int status;

	if (!rn) {
		fprintf(stderr, "ttmbench run: out of memory\n");
		return TTM_EXIT_FAILURE;
	}
	r = &rn->results;
	rn->bpf_stats_fd = -1;
	ttm_run_parse_options(argc, argv, &rn->opts);
	r->params = rn->opts.params;
	r->argc = argc;
	r->argv = argv;

	if (!ttm_require_root("ttmbench run", true)) {
		free(rn);
		return TTM_EXIT_USAGE;
	}
	if (prepare_out_dir(rn)) {
		free(rn);
		return TTM_EXIT_USAGE;
	}
	if (ttm_check_out_space("ttmbench run", rn->out_dir, ttm_run_output_estimate(&r->params))) {
		rmdir(rn->out_dir); /* only when empty: a folder given with --out may hold files */
		free(rn);
		return TTM_EXIT_USAGE;
	}
	if (ttm_find_workload(r->params.workload, sizeof(r->params.workload), "ttmbench run") ||
	    ttm_results_init_cells(r)) {
		ttm_results_free(r);
		free(rn);
		return TTM_EXIT_FAILURE;
	}

	ttm_install_stop_handlers();
	r->start_time = time(NULL);
	r->host = ttm_hostinfo_collect();
	if (r->host)
		json_object_set_new(r->host, "load_start", ttm_hostinfo_load());
	ttm_capabilities_detect(&rn->caps, rn->opts.verbose);
	r->capabilities = ttm_capabilities_to_json(&rn->caps);
	ttm_resolve_configs(r->params.configs, r->params.nconfigs, r->configs, &rn->caps,
			    TTM_PROG_COUNT, "ttmbench run");
	if (ttm_check_configs_attachable("ttmbench run", r)) {
		rmdir(rn->out_dir);
		ttm_results_free(r);
		free(rn);
		return TTM_EXIT_USAGE;
	}

	ttm_pin_self(r->params.consumer_cpu, "ttmbench run");
	open_probe(rn);
	skip_unavailable_cells(r);
	warm_up(rn);
	run_repetitions(rn);
	close_probe(rn);

	r->end_time = time(NULL);
	if (r->host)
		json_object_set_new(r->host, "load_end", ttm_hostinfo_load());
	if (ttm_results_analyze(r))
		fprintf(stderr, "ttmbench run: computing statistics failed: out of memory\n");
	r->exit_status = exit_status_of(rn);
	status = r->exit_status;
	if (write_outputs(rn))
		status = status ? status : TTM_EXIT_FAILURE;
	else if (!rn->opts.ci)
		ttm_print_summary(stdout, r, rn->out_dir);

	ttm_results_free(r);
	free(rn);
	return status;
}
