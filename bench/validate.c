// SPDX-License-Identifier: GPL-2.0
/*
 * ttmbench validate: check that the measurement method finds an effect that
 * is there and none where there is none.
 *
 * Positive control: the calibration program (probes/calibration.bpf.c) on
 * sys_enter_getppid runs a loop of a size set from userspace, and the
 * workload issues getppid natively. A tracepoint program costs its caller the
 * tracepoint dispatch plus the program's run time, and only the run time is
 * known (BPF stats: run_time_ns / run_cnt). So the expected penalty of size S
 * is ns/run(S) - ns/run(0), and the measured penalty is ns/op(S) - ns/op(0)
 * with both arms attached: the dispatch cancels out. The size-0 arm minus
 * nothing attached is reported as the dispatch cost, without a pass/fail.
 *
 * A/A control: the size-0 configuration is measured as two arms, re-attached
 * before each arm as `ttmbench run` does. The CI of the difference must
 * contain 0 in all but at most one of the trials.
 */
#include <argp.h>
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "bench/cli_parse.h"
#include "bench/commands.h"
#include "bench/hostinfo.h"
#include "bench/outdir.h"
#include "bench/process.h"
#include "bench/run_workload.h"
#include "bench/validate.h"
#include "bench/run_lock.h"

/* Loop size of the sizing step that measures ns per iteration. */
#define SIZING_LOOPS 4000
#define SIZING_RUNS 3

enum arm {
	ARM_NONE, /* nothing attached */
	ARM_SIZE0,
	ARM_SIZE1,
	ARM_SIZE2,
	ARM_COUNT,
};

struct validator {
	struct ttm_validate_result result;
	struct ttm_capabilities caps;
	struct ttm_run_params params;
	struct ttm_probe *probe;
	struct ttm_config_info calibration; /* progs = { TTM_PROG_CALIBRATION } */
	struct ttm_config_info nothing;
	__u32 loops[ARM_COUNT];
	int stats_fd;
	gsl_rng *rng;
	struct ttm_rep_result *scratch;
};

static const char doc[] =
	"Check the measurement method with a positive and an A/A control, and exit 1 "
	"when one fails.\v"
	"Positive control: a calibration BPF program on syscalls/sys_enter_getppid runs a "
	"bpf_loop whose size userspace sets, sized to inject about 250 and 1000 ns per call "
	"(measured as run_time_ns / run_cnt with BPF stats on). The measured native penalty "
	"(getppid ns/op with that size minus with size 0, interleaved and paired by "
	"repetition) must be within 10% of the injected cost (ns/run at that size minus at "
	"size 0). Comparing against size 0 cancels the tracepoint dispatch, which BPF stats "
	"do not see; the dispatch cost (size 0 minus nothing attached) is reported.\n\n"
	"A/A control: the size-0 configuration measured as two arms in every repetition; over "
	"--trials trials, at most one 95% CI of the difference may exclude 0.\n\n"
	"With the defaults (20 repetitions, 20 trials, 0.05 s per workload run) it takes about "
	"two minutes on a 2-CPU VM.\n\n"
	"Writes validate.json and validate.md to --out (default: "
	"results/validate-<UTC time>).\n\n"
	"Examples:\n"
	"  ttmbench validate\n"
	"  ttmbench validate --reps 15 --trials 20 --out /tmp/validate\n\n"
	"Exit status: 0 both controls pass, 1 a control failed or could not run, 2 bad input.";

enum {
	OPT_REPS = 0x100,
	OPT_TRIALS,
	OPT_DURATION,
	OPT_CPU,
	OPT_OUT = 'o',
	OPT_QUIET = 'q',
	OPT_VERBOSE = 'v',
};

static const struct argp_option options[] = {
	{ "reps", OPT_REPS, "N", 0,
	  "Repetitions of the positive control and per A/A trial, 6 to 1000 (default: 20)", 0 },
	{ "trials", OPT_TRIALS, "N", 0, "A/A trials, 1 to 200 (default: 20)", 0 },
	{ "duration", OPT_DURATION, "S", 0,
	  "Seconds of one workload run, above 0 and at most 10 (default: 0.05)", 0 },
	{ "cpu", OPT_CPU, "N", 0, "CPU for the workload (default: 0)", 0 },
	{ "out", OPT_OUT, "DIR", 0, "Folder for validate.json and validate.md", 0 },
	{ "quiet", OPT_QUIET, NULL, 0, "No progress lines on stderr", 0 },
	{ "verbose", OPT_VERBOSE, NULL, 0, "libbpf output and workload command lines", 0 },
	{},
};

static long parse_whole(struct argp_state *state, const char *opt, const char *arg, long min,
			long max)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		argp_error(state, "invalid %s '%s': give a whole number from %ld to %ld", opt, arg,
			   min, max);
	return v;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct ttm_validate_options *o = state->input;

	switch (key) {
	case OPT_REPS:
		/* Below 6 pairs no Wilcoxon interval reaches 95 %. */
		o->reps = parse_whole(state, "--reps", arg, 6, 1000);
		break;
	case OPT_TRIALS:
		o->trials = parse_whole(state, "--trials", arg, 1, TTM_VALIDATE_MAX_TRIALS);
		break;
	case OPT_DURATION:
		o->duration_s = ttm_parse_seconds(state, "--duration", arg, false, 10);
		break;
	case OPT_CPU:
		o->workload_cpu = ttm_parse_cpu(state, arg);
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
		argp_error(state, "unexpected argument '%s': validate takes only options", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void progress(const struct validator *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void progress(const struct validator *v, const char *fmt, ...)
{
	va_list ap;

	if (v->result.opts.quiet)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "validate: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Attach an arm: nothing, or the calibration program with that arm's loop size. */
static int attach_arm(struct validator *v, enum arm arm)
{
	int err = ttm_probe_attach(v->probe, TTM_CONFIG_NONE);

	if (err || arm == ARM_NONE)
		return err;
	err = ttm_probe_set_calibration_loops(v->probe, v->loops[arm]);
	return err ? err : ttm_probe_attach_calibration(v->probe);
}

/* Run getppid natively once under the attached arm; ns/op and the program's ns/run. */
static int measure_arm(struct validator *v, enum arm arm, double *ns_per_op, double *ns_per_run)
{
	struct ttm_run_context ctx = {
		.params = &v->params,
		.probe = v->probe,
		.config = arm == ARM_NONE ? &v->nothing : &v->calibration,
		.bpf_stats = true,
		.verbose = v->result.opts.verbose,
	};
	struct ttm_rep_result *rep = v->scratch;
	int err = attach_arm(v, arm);

	if (err) {
		snprintf(v->result.error, sizeof(v->result.error),
			 "attaching the calibration program failed: %s", strerror(-err));
		return err;
	}
	if (ttm_run_workload(&ctx, TTM_WL_GETPPID, TTM_ENTRY_NATIVE, 0, rep)) {
		snprintf(v->result.error, sizeof(v->result.error), "getppid workload: %.400s",
			 rep->error);
		return -EIO;
	}
	*ns_per_op = rep->record.ns_per_op;
	*ns_per_run = NAN;
	if (arm != ARM_NONE && rep->nprogs == 1 && rep->progs[0].stats_valid &&
	    rep->progs[0].stats.run_cnt)
		*ns_per_run = (double)rep->progs[0].stats.run_time_ns / rep->progs[0].stats.run_cnt;
	return 0;
}

/* Measure ns per loop iteration, then size the arms to the target costs. */
static int size_arms(struct validator *v)
{
	const double targets[] = TTM_VALIDATE_TARGETS;
	double slope[SIZING_RUNS], op, run0, run1;
	int err;

	v->loops[ARM_SIZE0] = 0;
	for (int i = 0; i < SIZING_RUNS; i++) {
		v->loops[ARM_SIZE1] = SIZING_LOOPS;
		err = measure_arm(v, ARM_SIZE0, &op, &run0);
		if (!err)
			err = measure_arm(v, ARM_SIZE1, &op, &run1);
		if (err)
			return err;
		if (isnan(run0) || isnan(run1)) {
			snprintf(v->result.error, sizeof(v->result.error),
				 "the calibration program reported no run_cnt: BPF stats are not "
				 "counting, so the injected cost cannot be known");
			return -ENODATA;
		}
		slope[i] = (run1 - run0) / SIZING_LOOPS;
	}

	v->result.ns_per_loop = ttm_median(slope, SIZING_RUNS);
	if (!(v->result.ns_per_loop > 0)) {
		snprintf(v->result.error, sizeof(v->result.error),
			 "the calibration loop showed no cost (%.3f ns per iteration)",
			 v->result.ns_per_loop);
		return -ENODATA;
	}
	for (int k = 0; k < TTM_VALIDATE_SIZES - 1; k++) {
		double loops = round(targets[k] / v->result.ns_per_loop);

		if (loops < 1)
			loops = 1;
		if (loops > TTM_CALIBRATION_LOOPS_MAX)
			loops = TTM_CALIBRATION_LOOPS_MAX;
		v->loops[ARM_SIZE1 + k] = (__u32)loops;
		v->result.positive[k].loops = (__u32)loops;
		v->result.positive[k].target_ns = targets[k];
	}
	progress(v, "%.3f ns per loop iteration: sizes %u and %u aim at %.0f and %.0f ns", 
		 v->result.ns_per_loop, v->loops[ARM_SIZE1], v->loops[ARM_SIZE2], targets[0],
		 targets[1]);
	return 0;
}

static void shuffle_arms(struct validator *v, int *arms, int n)
{
	gsl_ran_shuffle(v->rng, arms, n, sizeof(arms[0]));
}

static int run_positive(struct validator *v)
{
	struct ttm_validate_result *res = &v->result;
	int reps = res->opts.reps;
	double op[ARM_COUNT][reps], run[ARM_COUNT][reps];
	int err;

	for (int rep = 0; rep < reps; rep++) {
		int arms[ARM_COUNT] = { ARM_NONE, ARM_SIZE0, ARM_SIZE1, ARM_SIZE2 };

		shuffle_arms(v, arms, ARM_COUNT);
		for (int i = 0; i < ARM_COUNT; i++) {
			err = measure_arm(v, arms[i], &op[arms[i]][rep], &run[arms[i]][rep]);
			if (err)
				return err;
		}
		progress(v, "positive rep %d/%d: none %.1f, size 0 %.1f, size %u %.1f, size %u %.1f "
			    "ns/op", rep + 1, reps, op[ARM_NONE][rep], op[ARM_SIZE0][rep],
			 v->loops[ARM_SIZE1], op[ARM_SIZE1][rep], v->loops[ARM_SIZE2],
			 op[ARM_SIZE2][rep]);
	}

	ttm_median_summary(op[ARM_NONE], reps, &res->none_ns_per_op);
	ttm_median_summary(op[ARM_SIZE0], reps, &res->size0_ns_per_op);
	ttm_median_summary(run[ARM_SIZE0], reps, &res->size0_ns_per_run);
	err = ttm_paired_diff(op[ARM_SIZE0], op[ARM_NONE], reps, &res->dispatch);
	if (err)
		return err;

	for (int k = 0; k < TTM_VALIDATE_SIZES - 1; k++) {
		struct ttm_positive_result *p = &res->positive[k];
		int arm = ARM_SIZE1 + k;
		double injected[reps];

		for (int rep = 0; rep < reps; rep++)
			injected[rep] = run[arm][rep] - run[ARM_SIZE0][rep];
		p->expected_ns = ttm_median(injected, reps);
		p->expected_lower = p->expected_upper = injected[0];
		for (int rep = 1; rep < reps; rep++) {
			p->expected_lower = fmin(p->expected_lower, injected[rep]);
			p->expected_upper = fmax(p->expected_upper, injected[rep]);
		}
		err = ttm_paired_diff(op[arm], op[ARM_SIZE0], reps, &p->measured);
		if (err)
			return err;
		p->error_pct = (p->measured.estimate - p->expected_ns) / p->expected_ns * 100;
		p->pass = fabs(p->error_pct) <= TTM_VALIDATE_TOLERANCE * 100;
	}
	return 0;
}

/* P(X > allowed) for X ~ Binomial(trials, 1 - level): how often a sound method fails the bound. */
static double false_alarm_probability(int trials, int allowed, double level)
{
	if (allowed >= trials)
		return 0;
	return gsl_cdf_binomial_Q(allowed, 1 - level, trials);
}

static int run_aa(struct validator *v)
{
	struct ttm_aa_result *aa = &v->result.aa;
	int reps = v->result.opts.reps, trials = v->result.opts.trials;
	double *all_a = calloc((size_t)reps * trials, sizeof(double));
	double *all_b = calloc((size_t)reps * trials, sizeof(double));
	double run, a[reps], b[reps];
	int err = 0;

	aa->trials = trials;
	aa->allowed = 1;
	aa->per_trial = calloc(trials, sizeof(*aa->per_trial));
	if (!all_a || !all_b || !aa->per_trial) {
		err = -ENOMEM;
		goto out;
	}

	for (int t = 0; t < trials; t++) {
		const struct ttm_paired_diff *d = &aa->per_trial[t];

		for (int rep = 0; rep < reps; rep++) {
			int order[2] = { 0, 1 };

			shuffle_arms(v, order, 2);
			for (int i = 0; i < 2; i++) {
				double *x = order[i] ? &b[rep] : &a[rep];

				err = measure_arm(v, ARM_SIZE0, x, &run);
				if (err)
					goto out;
			}
			all_a[t * reps + rep] = a[rep];
			all_b[t * reps + rep] = b[rep];
		}
		err = ttm_paired_diff(a, b, reps, &aa->per_trial[t]);
		if (err)
			goto out;
		if (d->ci.lower > 0 || d->ci.upper < 0)
			aa->excluding_zero++;
		aa->trial_level = d->ci.level;
		progress(v, "A/A trial %d/%d: %+.2f ns/op, CI [%.2f, %.2f]%s", t + 1, trials,
			 d->estimate, d->ci.lower, d->ci.upper,
			 d->ci.lower > 0 || d->ci.upper < 0 ? " excludes 0" : "");
	}

	err = ttm_paired_diff(all_a, all_b, (size_t)reps * trials, &aa->pooled);
	aa->pass = aa->excluding_zero <= aa->allowed;
	aa->false_alarm_probability = false_alarm_probability(trials, aa->allowed, aa->trial_level);
out:
	free(all_a);
	free(all_b);
	return err;
}

static int open_probe(struct validator *v)
{
	struct ttm_probe_opts popts = {
		.verbose = v->result.opts.verbose,
		.consumer_cpu = v->params.consumer_cpu,
	};
	int err;

	if (!v->caps.calibration.available) {
		snprintf(v->result.error, sizeof(v->result.error),
			 "the calibration tracepoint is not available: %.400s",
			 v->caps.calibration.reason);
		return -EOPNOTSUPP;
	}
	v->stats_fd = ttm_enable_bpf_stats();
	if (v->stats_fd < 0) {
		snprintf(v->result.error, sizeof(v->result.error),
			 "enabling BPF run-time stats failed: %s; the injected cost is read from "
			 "them", strerror(-v->stats_fd));
		return v->stats_fd;
	}
	err = ttm_probe_open(&v->probe, &popts, &v->caps);
	if (err)
		snprintf(v->result.error, sizeof(v->result.error),
			 "loading the BPF programs failed: %s (rerun with --verbose)", strerror(-err));
	return err;
}

static int write_outputs(struct validator *v, json_t *host)
{
	const char *dir = v->result.opts.out_dir;
	json_t *caps = ttm_capabilities_to_json(&v->caps);
	json_t *json = ttm_validate_to_json(&v->result, host, caps);
	char *md = ttm_validate_markdown(&v->result);
	char path[PATH_MAX + 32], tmp[PATH_MAX + 48];
	FILE *f;
	int err = -ENOMEM;

	json_decref(caps);
	if (!json || !md)
		goto out;
	err = ttm_write_json_file(dir, "validate.json", json);
	if (err)
		goto out;

	snprintf(path, sizeof(path), "%s/validate.md", dir);
	snprintf(tmp, sizeof(tmp), "%s/.validate.md.tmp.%d", dir, (int)getpid());
	f = fopen(tmp, "w");
	if (!f || fputs(md, f) < 0 || fclose(f) || rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
	}
out:
	if (err)
		fprintf(stderr, "ttmbench validate: writing to %s failed: %s\n", dir, strerror(-err));
	json_decref(json);
	free(md);
	return err;
}

static void default_out_dir(struct ttm_validate_options *o)
{
	char stamp[32];

	ttm_utc_stamp(stamp, sizeof(stamp));
	snprintf(o->out_dir, sizeof(o->out_dir), "results/validate-%s", stamp);
}

static int run_controls(struct validator *v)
{
	int err = size_arms(v);

	if (!err)
		err = run_positive(v);
	if (!err)
		err = run_aa(v);
	ttm_probe_attach(v->probe, TTM_CONFIG_NONE);
	return err;
}

int cmd_validate(int argc, char **argv)
{
	const struct argp argp = { options, parse_opt, NULL, doc,
				   ttm_run_lock_argp_children, NULL, NULL };
	struct validator *v = calloc(1, sizeof(*v));
	struct ttm_validate_options *o;
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	json_t *host;
	int err, status;

	if (!v) {
		fprintf(stderr, "ttmbench validate: out of memory\n");
		return TTM_EXIT_FAILURE;
	}
	o = &v->result.opts;
	o->reps = 20;
	o->trials = 20;
	o->duration_s = 0.05;
	argp_err_exit_status = TTM_EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, o)) {
		free(v);
		return TTM_EXIT_USAGE;
	}
	if (!ttm_require_root("ttmbench validate", true)) {
		free(v);
		return TTM_EXIT_USAGE;
	}
	if (!o->out_dir[0])
		default_out_dir(o);
	err = ttm_make_writable_dirs(o->out_dir);
	if (err) {
		fprintf(stderr, "ttmbench validate: cannot write to output folder '%s': %s; give a "
				"writable folder with --out\n", o->out_dir, strerror(-err));
		free(v);
		return TTM_EXIT_USAGE;
	}

	v->stats_fd = -1;
	v->params.duration_s = o->duration_s;
	v->params.workload_cpu = o->workload_cpu;
	v->params.consumer_cpu = ncpus >= 2 ? (o->workload_cpu + 1) % (int)ncpus : -1;
	v->params.reps = o->reps;
	v->calibration.progs[0] = TTM_PROG_CALIBRATION;
	v->calibration.nprogs = 1;
	v->rng = gsl_rng_alloc(gsl_rng_mt19937);
	v->scratch = malloc(sizeof(*v->scratch));
	if (!v->rng || !v->scratch ||
	    ttm_find_workload(v->params.workload, sizeof(v->params.workload),
			      "ttmbench validate")) {
		gsl_rng_free(v->rng);
		free(v->scratch);
		free(v);
		return TTM_EXIT_FAILURE;
	}
	gsl_rng_set(v->rng, (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16));

	host = ttm_hostinfo_collect();
	ttm_capabilities_detect(&v->caps, o->verbose);
	ttm_pin_self(v->params.consumer_cpu, "ttmbench validate");
	err = open_probe(v);
	if (!err)
		err = run_controls(v);
	ttm_probe_close(v->probe);
	if (v->stats_fd >= 0)
		close(v->stats_fd);

	if (err) {
		fprintf(stderr, "ttmbench validate: the controls could not run: %s\n", v->result.error);
		v->result.pass = false;
	} else {
		v->result.pass = v->result.aa.pass;
		for (int k = 0; k < TTM_VALIDATE_SIZES - 1; k++)
			v->result.pass &= v->result.positive[k].pass;
		ttm_validate_print(stdout, &v->result);
	}
	status = v->result.pass ? TTM_EXIT_OK : TTM_EXIT_FAILURE;
	if (write_outputs(v, host))
		status = TTM_EXIT_FAILURE;
	else
		printf("results: %s/validate.json, %s/validate.md\n", o->out_dir, o->out_dir);

	json_decref(host);
	free(v->result.aa.per_trial);
	gsl_rng_free(v->rng);
	free(v->scratch);
	free(v);
	return status;
}
