// SPDX-License-Identifier: GPL-2.0
/* Options of `ttmbench run`: argp, presets and the checks on every value. */
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
#include "bench/designs.h"
#include "bench/run_lock.h"
#include "bench/run_options.h"

struct preset {
	const char *name;
	double duration_s;
	int reps;
	double warmup_s;
	int modes[TTM_ENTRY_COUNT];
	int nmodes;
};

/*
 * quick: 8 repetitions give a 99.2 % order-statistics CI of the median and a
 * 96.1 % exact Wilcoxon interval. With 2 configurations x 10 cells that is 160
 * workload runs of 0.25 s. full: 15 repetitions of 1 s on all three entry paths.
 */
static const struct preset presets[] = {
	{ "quick", 0.25, 8, 1.0, { TTM_ENTRY_NATIVE, TTM_ENTRY_IA32 }, 2 },
	{ "full", 1.0, 15, 3.0, { TTM_ENTRY_NATIVE, TTM_ENTRY_IA32, TTM_ENTRY_IA32_INT80 }, 3 },
};

/* Parser state: the options given, which win over the preset whatever their order. */
struct parse_state {
	struct ttm_run_options *opts;
	const struct preset *preset;
	bool have_configs, have_syscalls, have_modes, have_duration, have_ops, have_reps,
		have_warmup, have_seed, have_fail_on;
	struct ttm_run_params given;
};

enum {
	OPT_CONFIGS = 'c',
	OPT_SYSCALLS = 's',
	OPT_MODES = 'm',
	OPT_RATE = 'r',
	OPT_DURATION = 'd',
	OPT_OPS = 'n',
	OPT_OUT = 'o',
	OPT_QUIET = 'q',
	OPT_VERBOSE = 'v',
	OPT_REPS = 0x100,
	OPT_WARMUP,
	OPT_SAMPLING,
	OPT_CPU,
	OPT_MARGIN_PCT,
	OPT_MARGIN_NS,
	OPT_PRESET,
	OPT_SEED,
	OPT_ADAPTIVE,
	OPT_TARGET_HALFWIDTH,
	OPT_MAX_TIME,
	OPT_CI,
	OPT_FAIL_ON,
	OPT_HISTORY,
};

/* Time budget of a run with --adaptive when --max-time is not given, in seconds. */
#define DEFAULT_ADAPTIVE_MAX_TIME_S 600

static const struct argp_option options[] = {
	{ "configs", OPT_CONFIGS, "LIST", 0,
	  "Configurations to compare: none, tp, kprobe, full, all (those four), the ia32 "
	  "designs rawtp, tp+rawtp, tp_btf, tp+tp_btf, fentry, tp+fentry, or designs (those "
	  "six) (default: all)", 0 },
	{ "syscalls", OPT_SYSCALLS, "LIST", 0,
	  "Syscalls: connect, creat, open, openat, openat2 or all (default: all)", 0 },
	{ "modes", OPT_MODES, "LIST", 0,
	  "Entry paths: native, ia32, ia32-int80 (default: native,ia32)", 0 },
	{ "rate", OPT_RATE, "OPS|max", 0, "Workload rate in ops/s, or max (default: max)", 0 },
	{ "duration", OPT_DURATION, "S", 0,
	  "Seconds of one measured workload run, fractions allowed (quick: 0.25)", 0 },
	{ "ops", OPT_OPS, "N", 0, "Ops of one measured workload run, instead of --duration", 0 },
	{ "reps", OPT_REPS, "N", 0, "Repetitions of every cell (quick: 8, full: 15)", 0 },
	{ "warmup", OPT_WARMUP, "S", 0, "Seconds of warm-up before the first repetition (quick: 1)",
	  0 },
	{ "sampling-ratio", OPT_SAMPLING, "R", 0,
	  "Keep 1/R of the events, a power of two 1..128; R > 1 turns dropping mode on and "
	  "needs workload runs of at least 1 s, because sampling keeps the first 1/R of each "
	  "second (default: 1)", 0 },
	{ "cpu", OPT_CPU, "N", 0,
	  "CPU for the workload; the consumer and the runner use another one (default: 0)", 0 },
	{ "margin-pct", OPT_MARGIN_PCT, "P", 0,
	  "Equivalence margin in percent of the tp native median (default: 1)", 0 },
	{ "margin-ns", OPT_MARGIN_NS, "NS", 0, "Smallest equivalence margin in ns (default: 2)", 0 },
	{ "out", OPT_OUT, "DIR", 0,
	  "Write results.json and report.md to DIR (default: results/<UTC time>-<host>)", 0 },
	{ "preset", OPT_PRESET, "quick|full", 0,
	  "quick: native+ia32, 8 x 0.25 s; full: all entry paths, 15 x 1 s (default: quick "
	  "values)", 0 },
	{ "adaptive", OPT_ADAPTIVE, NULL, 0,
	  "After --reps, add repetitions until every comparison's CI half-width is at most "
	  "--target-halfwidth or --max-time runs out", 0 },
	{ "target-halfwidth", OPT_TARGET_HALFWIDTH, "NS", 0,
	  "CI half-width in ns/op that --adaptive aims for (required with --adaptive)", 0 },
	{ "max-time", OPT_MAX_TIME, "S", 0,
	  "Time budget in seconds of all repetitions with --adaptive (default: 600)", 0 },
	{ "seed", OPT_SEED, "N", 0, "Seed of the configuration order shuffle (default: from the clock)",
	  0 },
	{ "ci", OPT_CI, NULL, 0,
	  "CI mode: no progress output, one 'ttmbench-ci:' summary line on stdout, exit status "
	  "by --fail-on, a line appended to the history",
	  0 },
	{ "fail-on", OPT_FAIL_ON, "violated|inconclusive|never", 0,
	  "With --ci, exit 1 on this overall verdict or worse (default: violated)", 0 },
	{ "history", OPT_HISTORY, "FILE", 0,
	  "Append one line per complete run to FILE (default with --ci: " TTM_HISTORY_DEFAULT_PATH
	  ")",
	  0 },
	{ "quiet", OPT_QUIET, NULL, 0, "No progress lines on stderr", 0 },
	{ "verbose", OPT_VERBOSE, NULL, 0, "libbpf output and workload command lines", 0 },
	{},
};

static const char doc[] =
	"Attach each probe configuration in turn, drive the syscall workloads, and write "
	"results.json, report.md and a verdict on whether the ia32 kprobes cost native "
	"callers anything.\v"
	"Configurations: none (nothing attached), tp (sys_enter tracepoints), kprobe (ia32 "
	"kprobes), full (both, as Falco attaches them). Alternative ia32 designs: rawtp "
	"(raw_tp/sys_enter), tp_btf (tp_btf/sys_enter), fentry (fentry on the ia32 wrappers), "
	"each alone and with the tracepoints as tp+rawtp, tp+tp_btf, tp+fentry. A "
	"configuration this kernel cannot attach is skipped and recorded with its reason.\n\n"
	"Examples:\n"
	"  ttmbench run --preset quick\n"
	"  ttmbench run --preset full --out /tmp/full-run\n"
	"  ttmbench run --configs none,tp --syscalls openat,connect \\\n"
	"      --modes native,ia32 --duration 1 --reps 3\n"
	"  ttmbench run --configs tp --syscalls openat --ops 50000 \\\n"
	"      --rate 10000 --sampling-ratio 4\n"
	"  ttmbench run --preset quick --ci --fail-on inconclusive\n\n"
	"Exit status: 0 verdict holds or inconclusive, 1 verdict violated or a run error, "
	"2 bad input, 130/143 interrupted (results marked incomplete). With --ci, 1 when "
	"the overall verdict fails the --fail-on rule.";

static double parse_seconds(struct argp_state *state, const char *opt, const char *arg)
{
	char *end = NULL;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v < 0)
		argp_error(state, "invalid %s '%s': give a non-negative number of seconds, e.g. 0.5",
			   opt, arg);
	return v;
}

static unsigned long long parse_count(struct argp_state *state, const char *opt, const char *arg,
				      unsigned long long min)
{
	char *end = NULL;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v < min)
		argp_error(state, "invalid %s '%s': give a whole number of at least %llu", opt, arg,
			   min);
	return v;
}

static double parse_number(struct argp_state *state, const char *opt, const char *arg)
{
	char *end = NULL;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v < 0)
		argp_error(state, "invalid %s '%s': give a non-negative number", opt, arg);
	return v;
}

/* Parse a number above 0: every invalid form ("fast", "-1", "0") gets the same fix. */
static double parse_positive(struct argp_state *state, const char *opt, const char *arg,
			     const char *fix)
{
	char *end = NULL;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v <= 0)
		argp_error(state, "invalid %s '%s': %s", opt, arg, fix);
	return v;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct parse_state *ps = state->input;
	struct ttm_run_params *g = &ps->given;
	char err[256];

	switch (key) {
	case OPT_CONFIGS: {
		enum ttm_config configs[TTM_CONFIG_COUNT];

		if (ttm_parse_config_list(arg, configs, &g->nconfigs, err, sizeof(err)))
			argp_error(state, "%s", err);
		for (int i = 0; i < g->nconfigs; i++)
			g->configs[i] = configs[i];
		ps->have_configs = true;
		break;
	}
	case OPT_SYSCALLS: {
		bool selected[TTM_SC_COUNT];

		if (ttm_parse_syscall_list(arg, selected, err, sizeof(err)))
			argp_error(state, "%s", err);
		g->nsyscalls = 0;
		for (int sc = 0; sc < TTM_SC_COUNT; sc++)
			if (selected[sc])
				g->syscalls[g->nsyscalls++] = sc;
		ps->have_syscalls = true;
		break;
	}
	case OPT_MODES:
		ttm_parse_mode_list(state, arg, g->modes, &g->nmodes);
		ps->have_modes = true;
		break;
	case OPT_RATE:
		if (!strcmp(arg, "max")) {
			ps->opts->params.rate = 0;
			break;
		}
		ps->opts->params.rate =
			parse_positive(state, "--rate", arg, "give ops/s above 0, or max");
		break;
	case OPT_DURATION:
		g->duration_s = parse_positive(state, "--duration", arg, "give seconds above 0");
		ps->have_duration = true;
		break;
	case OPT_OPS:
		g->ops = parse_count(state, "--ops", arg, 1);
		ps->have_ops = true;
		break;
	case OPT_REPS:
		g->reps = parse_count(state, "--reps", arg, 1);
		if (g->reps > 10000)
			argp_error(state, "invalid --reps '%s': give at most 10000", arg);
		ps->have_reps = true;
		break;
	case OPT_WARMUP:
		g->warmup_s = parse_seconds(state, "--warmup", arg);
		ps->have_warmup = true;
		break;
	case OPT_SAMPLING: {
		__u32 ratio;

		if (ttm_parse_sampling_ratio(arg, &ratio, err, sizeof(err)))
			argp_error(state, "%s", err);
		ps->opts->params.sampling_ratio = ratio;
		break;
	}
	case OPT_CPU: {
		long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
		unsigned long long cpu = parse_count(state, "--cpu", arg, 0);

		if (cpu >= (unsigned long long)ncpus)
			argp_error(state, "invalid --cpu '%s': this machine has %ld online CPUs, "
					  "numbered 0 to %ld", arg, ncpus, ncpus - 1);
		ps->opts->params.workload_cpu = cpu;
		break;
	}
	case OPT_MARGIN_PCT:
		ps->opts->params.margin_pct = parse_number(state, "--margin-pct", arg);
		break;
	case OPT_MARGIN_NS:
		ps->opts->params.margin_ns = parse_number(state, "--margin-ns", arg);
		break;
	case OPT_OUT:
		ttm_parse_out_dir(state, arg, ps->opts->out_dir, sizeof(ps->opts->out_dir));
		break;
	case OPT_PRESET:
		ps->preset = NULL;
		for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
			if (!strcmp(arg, presets[i].name))
				ps->preset = &presets[i];
		if (!ps->preset)
			argp_error(state, "unknown --preset '%s': use quick or full", arg);
		break;
	case OPT_SEED:
		g->seed = parse_count(state, "--seed", arg, 0);
		ps->have_seed = true;
		break;
	case OPT_QUIET:
		ps->opts->quiet = true;
		break;
	case OPT_CI:
		ps->opts->ci = true;
		ps->opts->quiet = true;
		break;
	case OPT_FAIL_ON: {
		char err[256];

		if (ttm_parse_fail_on(arg, &ps->opts->fail_on, err, sizeof(err)))
			argp_error(state, "%s", err);
		ps->have_fail_on = true;
		break;
	}
	case OPT_HISTORY:
		if (!arg[0] || snprintf(ps->opts->history, sizeof(ps->opts->history), "%s", arg) >=
				       (int)sizeof(ps->opts->history))
			argp_error(state, "invalid --history '%s': give a file path", arg);
		break;
	case OPT_VERBOSE:
		ps->opts->verbose = true;
		break;
	case OPT_ADAPTIVE:
		ps->opts->params.adaptive = true;
		break;
	case OPT_TARGET_HALFWIDTH:
		ps->opts->params.target_halfwidth_ns = parse_number(state, "--target-halfwidth", arg);
		if (ps->opts->params.target_halfwidth_ns <= 0)
			argp_error(state, "invalid --target-halfwidth '%s': give ns/op above 0, e.g. 2",
				   arg);
		break;
	case OPT_MAX_TIME:
		ps->opts->params.max_time_s = parse_seconds(state, "--max-time", arg);
		if (ps->opts->params.max_time_s <= 0)
			argp_error(state, "invalid --max-time '%s': give seconds above 0", arg);
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s': run takes only options", arg);
		break;
	case ARGP_KEY_END:
		if (ps->have_duration && ps->have_ops)
			argp_error(state, "--duration and --ops both given: bound a workload run by "
					  "one of them");
		if (ps->opts->params.adaptive && ps->opts->params.target_halfwidth_ns <= 0)
			argp_error(state, "--adaptive needs --target-halfwidth NS: the CI half-width "
					  "in ns/op to reach");
		if (!ps->opts->params.adaptive && (ps->opts->params.target_halfwidth_ns > 0 ||
						   ps->opts->params.max_time_s > 0))
			argp_error(state, "--target-halfwidth and --max-time apply only with "
					  "--adaptive; add --adaptive or drop them");
		if (ps->have_fail_on && !ps->opts->ci)
			argp_error(state, "--fail-on applies only with --ci; add --ci or drop it");
		if (ps->opts->ci && !ps->opts->history[0])
			snprintf(ps->opts->history, sizeof(ps->opts->history), "%s",
				 TTM_HISTORY_DEFAULT_PATH);
		if (ps->opts->params.adaptive && ps->opts->params.max_time_s <= 0)
			ps->opts->params.max_time_s = DEFAULT_ADAPTIVE_MAX_TIME_S;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* Fill the effective parameters: what the user gave, else the preset (quick by default). */
static void merge(struct parse_state *ps)
{
	struct ttm_run_params *p = &ps->opts->params;
	const struct ttm_run_params *g = &ps->given;
	const struct preset *pre = ps->preset ? ps->preset : &presets[0];

	p->preset = ps->preset ? ps->preset->name : NULL;

	if (ps->have_configs) {
		memcpy(p->configs, g->configs, sizeof(p->configs));
		p->nconfigs = g->nconfigs;
	} else {
		for (int c = 0; c < TTM_CONFIG_FALCO_COUNT; c++)
			p->configs[c] = c;
		p->nconfigs = TTM_CONFIG_FALCO_COUNT;
	}

	if (ps->have_syscalls) {
		memcpy(p->syscalls, g->syscalls, sizeof(p->syscalls));
		p->nsyscalls = g->nsyscalls;
	} else {
		for (int sc = 0; sc < TTM_SC_COUNT; sc++)
			p->syscalls[sc] = sc;
		p->nsyscalls = TTM_SC_COUNT;
	}

	if (ps->have_modes) {
		memcpy(p->modes, g->modes, sizeof(p->modes));
		p->nmodes = g->nmodes;
	} else {
		memcpy(p->modes, pre->modes, sizeof(p->modes));
		p->nmodes = pre->nmodes;
	}

	p->ops = ps->have_ops ? g->ops : 0;
	if (ps->have_ops)
		p->duration_s = 0;
	else if (ps->have_duration)
		p->duration_s = g->duration_s;
	else
		p->duration_s = pre->duration_s;
	p->reps = ps->have_reps ? g->reps : pre->reps;
	p->warmup_s = ps->have_warmup ? g->warmup_s : pre->warmup_s;
	p->seed = ps->have_seed ? g->seed : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 16);
}

static bool config_listed(const struct ttm_run_params *p, int config)
{
	for (int i = 0; i < p->nconfigs; i++)
		if (p->configs[i] == config)
			return true;
	return false;
}

/*
 * Add none and tp, first in the list, when a design is requested without
 * them. A design's native penalty is its set with the tracepoints minus tp
 * and its ia32 penalty is the design alone minus none, so without both the
 * design table has no numbers.
 */
static void add_design_baselines(struct ttm_run_params *p)
{
	static const int baselines[] = { TTM_CONFIG_NONE, TTM_CONFIG_TP };
	bool design = false;
	int n = 0;

	for (int k = 0; k < ttm_ndesigns; k++)
		design |= config_listed(p, ttm_designs[k].alone) ||
			  config_listed(p, ttm_designs[k].with_tp);
	if (!design)
		return;

	for (int i = 0; i < 2; i++)
		if (!config_listed(p, baselines[i]))
			p->configs_added[n++] = baselines[i];
	if (!n)
		return;

	memmove(p->configs + n, p->configs, p->nconfigs * sizeof(p->configs[0]));
	memcpy(p->configs, p->configs_added, n * sizeof(p->configs[0]));
	p->nconfigs += n;
	p->nconfigs_added = n;
	fprintf(stderr, "ttmbench run: adding %s%s%s to --configs: the ia32 design penalties are "
			"measured against tp (native) and none (ia32)\n",
		ttm_config_name(p->configs_added[0]), n > 1 ? "," : "",
		n > 1 ? ttm_config_name(p->configs_added[1]) : "");
}

/*
 * Sampling keeps the first 1/R of each second, so a workload run shorter than
 * 1 s keeps all or none of its events instead of a 1/R sample. A --duration
 * below 1 s is rejected; the quick preset's 0.25 s is raised to 1 s.
 * NOTE: a run bounded by --ops is not checked, because its length is known
 * only once it ends.
 */
static void check_sampling_duration(struct parse_state *ps)
{
	struct ttm_run_params *p = &ps->opts->params;

	if (p->sampling_ratio <= 1 || p->duration_s <= 0 || p->duration_s >= 1)
		return;
	if (ps->have_duration) {
		fprintf(stderr, "ttmbench run: invalid --duration '%g' with --sampling-ratio %u: "
				"sampling keeps the first 1/%u of each second, so give --duration 1 "
				"or more\n", p->duration_s, p->sampling_ratio, p->sampling_ratio);
		exit(TTM_EXIT_USAGE);
	}
	fprintf(stderr, "ttmbench run: --sampling-ratio %u keeps the first 1/%u of each second: "
			"raising the %s preset's %g s workload runs to 1 s\n", p->sampling_ratio,
		p->sampling_ratio, p->preset ? p->preset : "quick", p->duration_s);
	p->duration_s = 1;
}

void ttm_run_parse_options(int argc, char **argv, struct ttm_run_options *opts)
{
	static const struct argp argp = { options, parse_opt, NULL, doc,
					  ttm_run_lock_argp_children, NULL, NULL };
	struct parse_state ps = { .opts = opts };
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);

	memset(opts, 0, sizeof(*opts));
	opts->params.sampling_ratio = 1;
	opts->params.margin_pct = 1.0;
	opts->params.margin_ns = 2.0;

	argp_err_exit_status = TTM_EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, &ps))
		exit(TTM_EXIT_USAGE);
	merge(&ps);
	check_sampling_duration(&ps);
	add_design_baselines(&opts->params);

	/* The consumer and the runner take the next CPU; with one CPU everything shares it. */
	opts->params.consumer_cpu =
		ncpus >= 2 ? (opts->params.workload_cpu + 1) % (int)ncpus : -1;
}
