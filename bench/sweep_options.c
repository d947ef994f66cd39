// SPDX-License-Identifier: GPL-2.0
/* Options of `ttmbench sweep`: argp and the checks on every list and value. */
#include <argp.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/cli_parse.h"
#include "bench/commands.h"
#include "bench/sweep.h"
#include "bench/run_lock.h"

/*
 * The default grid (none + tp, openat, native, 4 rates x 8 ratios) is 36
 * points, and 10 repetitions of 1 s make 360 workload runs. Each took about
 * 1.05 s with start-up and counter reads on a 2-CPU VM, so the grid takes
 * about 6.5 minutes there (docs/sweep.md). 10 repetitions give an
 * order-statistics CI of the median between the 2nd and 9th values, at
 * 97.9 %, so one outlier does not widen it.
 */
#define DEFAULT_RATIOS "1,2,4,8,16,32,64,128"
#define DEFAULT_RATES "1000,10000,100000,peak"
#define DEFAULT_CONFIGS "tp"
#define DEFAULT_SYSCALLS "openat"
#define DEFAULT_DURATION_S 1.0
#define DEFAULT_REPS 10
#define DEFAULT_WARMUP_S 1.0

#define LIST_MAX 256

enum {
	OPT_SAMPLING = 0x100,
	OPT_RATES,
	OPT_CONFIGS,
	OPT_SYSCALLS,
	OPT_MODES,
	OPT_DURATION,
	OPT_REPS,
	OPT_WARMUP,
	OPT_CPU,
	OPT_SEED,
	OPT_OUT,
	OPT_QUIET = 'q',
	OPT_VERBOSE = 'v',
};

static const struct argp_option options[] = {
	{ "sampling", OPT_SAMPLING, "LIST", 0,
	  "Sampling ratios, powers of two from 1 to 128; ratio R keeps 1/R of the events, "
	  "R > 1 turns dropping mode on (default: " DEFAULT_RATIOS ")", 0 },
	{ "rates", OPT_RATES, "LIST", 0,
	  "Workload rates in ops/s; peak: paced at 80 % of what the slowest configuration "
	  "reaches at ratio 1, measured before the repetitions; max: back to back, unpaced "
	  "(default: " DEFAULT_RATES ")", 0 },
	{ "configs", OPT_CONFIGS, "LIST", 0,
	  "Probe configurations: tp, kprobe, full, all (those three), the ia32 designs rawtp, "
	  "tp+rawtp, tp_btf, tp+tp_btf, fentry, tp+fentry, or designs (those six); none, the "
	  "baseline, is always measured (default: " DEFAULT_CONFIGS ")", 0 },
	{ "syscalls", OPT_SYSCALLS, "LIST", 0,
	  "Syscalls: connect, creat, open, openat, openat2 or all (default: " DEFAULT_SYSCALLS ")",
	  0 },
	{ "modes", OPT_MODES, "LIST", 0, "Entry paths: native, ia32, ia32-int80 (default: native)",
	  0 },
	{ "duration", OPT_DURATION, "S", 0,
	  "Seconds of one workload run, at least 1 when a ratio is above 1 because sampling "
	  "keeps the first 1/R of each second; whole seconds cover whole sampling periods "
	  "(default: 1)",
	  0 },
	{ "reps", OPT_REPS, "N", 0, "Repetitions of every point (default: 10)", 0 },
	{ "warmup", OPT_WARMUP, "S", 0, "Seconds of warm-up with nothing attached (default: 1)",
	  0 },
	{ "cpu", OPT_CPU, "N", 0,
	  "CPU for the workload; the consumer and the runner use the next one (default: 0)", 0 },
	{ "seed", OPT_SEED, "N", 0, "Seed of the point order shuffle (default: from the clock)", 0 },
	{ "out", OPT_OUT, "DIR", 0,
	  "Write sweep.json, report.md and plots/ to DIR (default: "
	  "results/<UTC time>-<host>-sweep)", 0 },
	{ "quiet", OPT_QUIET, NULL, 0, "No progress lines on stderr", 0 },
	{ "verbose", OPT_VERBOSE, NULL, 0, "libbpf output and workload command lines", 0 },
	{},
};

static const char doc[] =
	"Measure what sampling saves: the cost per call, the CPU time of the workload and of the "
	"ring-buffer consumer, the events kept and the drops by reason, for every sampling ratio "
	"and workload rate, with the baseline (nothing attached) in every repetition.\v"
	"Sampling keeps the calls made in the first 1/R of every second of boot time, so a run "
	"of whole seconds keeps close to 1/R of its calls when they are evenly spread. At "
	"rate max they are not: a kept call is slower than a dropped one, so fewer calls "
	"fall into the kept windows; rate peak keeps the same offered load at every ratio.\n\n"
	"Examples:\n"
	"  ttmbench sweep\n"
	"  ttmbench sweep --sampling 1,4,16 --rates 10000,max --reps 3\n"
	"  ttmbench sweep --sampling 1,4 --rates max --syscalls openat --configs tp \\\n"
	"                 --duration 1 --reps 2 --out /tmp/sweep\n"
	"  ttmbench advise --budget 2 --rate 50000\n\n"
	"Exit status: 0 done, 1 a run error, 2 bad input, 130/143 interrupted (sweep.json "
	"marked incomplete).";

struct parse_state {
	struct ttm_sweep_options *opts;
	const char *ratios, *rates, *configs, *syscalls, *modes;
	bool have_seed;
};

static bool is_power_of_two(unsigned long v)
{
	return v && !(v & (v - 1));
}

/* Split a comma list into tokens; -1 for an empty list or an empty item. */
static int split_list(const char *arg, char *copy, size_t len, char **tokens, int max)
{
	char *save = NULL;
	int n = 0;

	if (snprintf(copy, len, "%s", arg) >= (int)len || !copy[0] || copy[0] == ',' ||
	    copy[strlen(copy) - 1] == ',' || strstr(copy, ",,"))
		return -1;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == max)
			return -2;
		tokens[n++] = tok;
	}
	return n;
}

static int compare_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int ttm_sweep_parse_ratios(const char *arg, uint32_t *ratios, int *count, char *err,
			   size_t err_len)
{
	char copy[LIST_MAX], *tokens[TTM_SWEEP_MAX_RATIOS + 1];
	int n = split_list(arg, copy, sizeof(copy), tokens, TTM_SWEEP_MAX_RATIOS + 1);

	*count = 0;
	if (n < 0) {
		snprintf(err, err_len,
			 "invalid --sampling '%s': give a comma-separated list of distinct powers "
			 "of two from 1 to %d, e.g. 1,2,4,8", arg, TTM_SAMPLING_RATIO_MAX);
		return -EINVAL;
	}
	for (int i = 0; i < n; i++) {
		char *end = NULL;
		unsigned long v;

		errno = 0;
		v = strtoul(tokens[i], &end, 10);
		if (errno || end == tokens[i] || *end || tokens[i][0] == '-' || v < 1 ||
		    v > TTM_SAMPLING_RATIO_MAX || !is_power_of_two(v)) {
			snprintf(err, err_len,
				 "invalid sampling ratio '%s' in --sampling '%s': use powers of two "
				 "from 1 to %d (1, 2, 4, 8, 16, 32, 64, 128)",
				 tokens[i], arg, TTM_SAMPLING_RATIO_MAX);
			return -EINVAL;
		}
		for (int j = 0; j < *count; j++) {
			if (ratios[j] != v)
				continue;
			snprintf(err, err_len,
				 "sampling ratio %lu is listed twice in --sampling '%s': name each "
				 "ratio once", v, arg);
			return -EINVAL;
		}
		ratios[(*count)++] = v;
	}
	qsort(ratios, *count, sizeof(ratios[0]), compare_u32);
	return 0;
}

int ttm_sweep_parse_rates(const char *arg, double *rates, int *count, char *err, size_t err_len)
{
	char copy[LIST_MAX], *tokens[TTM_SWEEP_MAX_RATES + 1];
	int n = split_list(arg, copy, sizeof(copy), tokens, TTM_SWEEP_MAX_RATES + 1);

	*count = 0;
	if (n == -2) {
		snprintf(err, err_len, "invalid --rates '%s': give at most %d rates", arg,
			 TTM_SWEEP_MAX_RATES);
		return -EINVAL;
	}
	if (n < 0) {
		snprintf(err, err_len,
			 "invalid --rates '%s': give a comma-separated list of distinct whole "
			 "ops/s values, peak or max, e.g. 1000,10000,peak", arg);
		return -EINVAL;
	}
	for (int i = 0; i < n; i++) {
		char *end = NULL;
		double v = 0;

		if (!strcmp(tokens[i], "max")) {
			v = TTM_SWEEP_RATE_MAX;
		} else if (!strcmp(tokens[i], "peak")) {
			v = TTM_SWEEP_RATE_PEAK;
		} else {
			errno = 0;
			v = strtod(tokens[i], &end);
			if (errno || end == tokens[i] || *end || !isfinite(v) || v < 1 || v > 1e9 ||
			    v != floor(v)) {
				snprintf(err, err_len,
					 "invalid rate '%s' in --rates '%s': give whole ops/s from 1 "
					 "to 1e9, peak or max", tokens[i], arg);
				return -EINVAL;
			}
		}
		for (int j = 0; j < *count; j++) {
			if (rates[j] != v)
				continue;
			snprintf(err, err_len,
				 "rate '%s' is listed twice in --rates '%s': name each rate once",
				 tokens[i], arg);
			return -EINVAL;
		}
		rates[(*count)++] = v;
	}
	return 0;
}

static void parse_modes(struct argp_state *state, const char *arg, struct ttm_sweep_params *p)
{
	char copy[LIST_MAX], *tokens[8];
	int n = split_list(arg, copy, sizeof(copy), tokens, 8);

	if (n < 0)
		argp_error(state, "invalid --modes '%s': give a comma-separated list of native, "
				  "ia32, ia32-int80", arg);
	p->nmodes = 0;
	for (int i = 0; i < n; i++) {
		int mode = ttm_mode_from_name(tokens[i]);

		if (mode < 0)
			argp_error(state, "unknown mode '%s' in --modes '%s': use native, ia32 or "
					  "ia32-int80", tokens[i], arg);
		for (int j = 0; j < p->nmodes; j++)
			if (p->modes[j] == mode)
				argp_error(state, "mode '%s' is listed twice in --modes '%s': name "
						  "each one once", tokens[i], arg);
		p->modes[p->nmodes++] = mode;
	}
}

/* none first (the baseline of every point), then the configurations given. */
static void parse_configs(struct argp_state *state, const char *arg, struct ttm_sweep_params *p)
{
	enum ttm_config configs[TTM_CONFIG_COUNT];
	char err[TTM_MSG_LEN];
	int n;

	if (ttm_parse_config_list(arg, configs, &n, err, sizeof(err)))
		argp_error(state, "--configs: %s", err);
	p->configs[0] = TTM_CONFIG_NONE;
	p->nconfigs = 1;
	for (int i = 0; i < n; i++)
		if (configs[i] != TTM_CONFIG_NONE)
			p->configs[p->nconfigs++] = configs[i];
}

static void parse_syscalls(struct argp_state *state, const char *arg, struct ttm_sweep_params *p)
{
	bool selected[TTM_SC_COUNT];
	char err[TTM_MSG_LEN];

	if (ttm_parse_syscall_list(arg, selected, err, sizeof(err)))
		argp_error(state, "--syscalls: %s", err);
	p->nsyscalls = 0;
	for (int sc = 0; sc < TTM_SC_COUNT; sc++)
		if (selected[sc])
			p->syscalls[p->nsyscalls++] = sc;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct parse_state *ps = state->input;
	struct ttm_sweep_options *o = ps->opts;
	struct ttm_sweep_params *p = &o->params;

	switch (key) {
	case OPT_SAMPLING:
		ps->ratios = arg;
		break;
	case OPT_RATES:
		ps->rates = arg;
		break;
	case OPT_CONFIGS:
		ps->configs = arg;
		break;
	case OPT_SYSCALLS:
		ps->syscalls = arg;
		break;
	case OPT_MODES:
		ps->modes = arg;
		break;
	case OPT_DURATION:
		p->duration_s = ttm_parse_seconds(state, "--duration", arg, false, 3600);
		break;
	case OPT_REPS:
		p->reps = ttm_parse_count(state, "--reps", arg, 1, 1000);
		break;
	case OPT_WARMUP:
		p->warmup_s = ttm_parse_seconds(state, "--warmup", arg, true, 3600);
		break;
	case OPT_CPU:
		p->workload_cpu = ttm_parse_cpu(state, arg);
		break;
	case OPT_SEED:
		p->seed = ttm_parse_count(state, "--seed", arg, 0, UINT64_MAX);
		ps->have_seed = true;
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
		argp_error(state, "unexpected argument '%s': sweep takes only options", arg);
		break;
	case ARGP_KEY_END: {
		char err[TTM_MSG_LEN];

		/* Lists are checked once all options are in, so defaults go through the same code. */
		if (ttm_sweep_parse_ratios(ps->ratios, p->ratios, &p->nratios, err, sizeof(err)) ||
		    ttm_sweep_parse_rates(ps->rates, p->rates, &p->nrates, err, sizeof(err)))
			argp_error(state, "%s", err);
		/* Sampling keeps the first 1/R of each second: a shorter run is no 1/R sample. */
		if (p->duration_s < 1 && p->ratios[p->nratios - 1] > 1)
			argp_error(state, "invalid --duration '%g' with sampling ratio %u: sampling "
					  "keeps the first 1/R of each second, so give --duration 1 "
					  "or more, or --sampling 1", p->duration_s,
				   p->ratios[p->nratios - 1]);
		parse_configs(state, ps->configs, p);
		parse_syscalls(state, ps->syscalls, p);
		parse_modes(state, ps->modes, p);
		break;
	}
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

void ttm_sweep_parse_options(int argc, char **argv, struct ttm_sweep_options *opts)
{
	static const struct argp argp = { options, parse_opt, NULL, doc,
					  ttm_run_lock_argp_children, NULL, NULL };
	struct parse_state ps = {
		.opts = opts,
		.ratios = DEFAULT_RATIOS,
		.rates = DEFAULT_RATES,
		.configs = DEFAULT_CONFIGS,
		.syscalls = DEFAULT_SYSCALLS,
		.modes = "native",
	};
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct ttm_sweep_params *p = &opts->params;

	memset(opts, 0, sizeof(*opts));
	p->duration_s = DEFAULT_DURATION_S;
	p->reps = DEFAULT_REPS;
	p->warmup_s = DEFAULT_WARMUP_S;

	argp_err_exit_status = TTM_EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, &ps))
		exit(TTM_EXIT_USAGE);

	if (!ps.have_seed)
		p->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 16);
	/* The consumer and the runner take the next CPU; with one CPU everything shares it. */
	p->consumer_cpu = ncpus >= 2 ? (p->workload_cpu + 1) % (int)ncpus : -1;
}
