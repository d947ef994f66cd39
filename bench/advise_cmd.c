// SPDX-License-Identifier: GPL-2.0
/* Command line of `ttmbench advise`. */
#include <argp.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/commands.h"
#include "bench/sweep_advise.h"

#define RESULTS_ROOT "results"

struct advise_options {
	struct ttm_advise_request req;
	const char *results;
	bool have_budget, have_rate;
};

enum { OPT_BUDGET = 0x100, OPT_RATE, OPT_RESULTS, OPT_CONFIG, OPT_SYSCALL, OPT_MODE };

static const struct argp_option options[] = {
	{ "budget", OPT_BUDGET, "PCT", 0, "CPU budget in percent of one CPU, above 0 and at most 100",
	  0 },
	{ "rate", OPT_RATE, "OPS", 0, "Calls per second the probes will see", 0 },
	{ "results", OPT_RESULTS, "DIR", 0,
	  "Folder written by ttmbench sweep, or its sweep.json (default: the newest complete "
	  "results/*-sweep)", 0 },
	{ "config", OPT_CONFIG, "NAME", 0,
	  "Configuration: tp, kprobe, full, or an ia32 design: rawtp, tp+rawtp, tp_btf, "
	  "tp+tp_btf, fentry, tp+fentry (default: tp)", 0 },
	{ "syscall", OPT_SYSCALL, "NAME", 0, "Syscall (default: openat)", 0 },
	{ "mode", OPT_MODE, "NAME", 0, "Entry path: native, ia32 or ia32-int80 (default: native)",
	  0 },
	{},
};

/* argp wraps long lines where it likes, so the examples are broken by hand to stay copyable. */
static const char doc[] =
	"Pick the lowest sampling ratio (the most events kept) whose measured cost stays within "
	"a CPU budget: the ns a call pays over nothing attached at that ratio, times the rate, "
	"as a share of one CPU. The numbers come from the sweep's nearest measured rate point "
	"not above --rate; nothing is interpolated. Only a sweep that ran to completion is "
	"read.\v"
	"Examples:\n"
	"  ttmbench advise --budget 2 --rate 50000\n"
	"  ttmbench advise --budget 0.5 --rate 10000 \\\n"
	"      --results results/20261204T201500Z-h-sweep\n\n"
	"Exit status: 0 a ratio fits, 1 no ratio fits, 2 bad input.";

static double parse_positive(struct argp_state *state, const char *opt, const char *arg)
{
	char *end = NULL;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v))
		argp_error(state, "invalid %s '%s': give a number", opt, arg);
	return v;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct advise_options *o = state->input;

	switch (key) {
	case OPT_BUDGET:
		o->req.budget_pct = parse_positive(state, "--budget", arg);
		if (!(o->req.budget_pct > 0 && o->req.budget_pct <= 100))
			argp_error(state, "invalid --budget '%s': give a percentage of one CPU above "
					  "0 and at most 100, e.g. 2", arg);
		o->have_budget = true;
		break;
	case OPT_RATE:
		o->req.rate = parse_positive(state, "--rate", arg);
		if (!(o->req.rate > 0))
			argp_error(state, "invalid --rate '%s': give calls per second above 0, e.g. "
					  "50000", arg);
		o->have_rate = true;
		break;
	case OPT_RESULTS:
		o->results = arg;
		break;
	case OPT_CONFIG:
		o->req.config = arg;
		break;
	case OPT_SYSCALL:
		o->req.syscall = arg;
		break;
	case OPT_MODE:
		o->req.mode = arg;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s': advise takes only options", arg);
		break;
	case ARGP_KEY_END:
		if (!o->have_budget || !o->have_rate)
			argp_error(state, "--budget and --rate are required, e.g. --budget 2 --rate "
					  "50000");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* Print each line of the newer sweeps skipped on the way to the newest complete one. */
static void print_skipped(char *skipped)
{
	char *save = NULL;

	for (char *line = strtok_r(skipped, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		fprintf(stderr, "ttmbench advise: %s\n", line);
}

int cmd_advise(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct advise_options o = {
		.req = { .config = "tp", .syscall = "openat", .mode = "native" },
	};
	char dir[PATH_MAX], err[1024], skipped[4096];
	struct ttm_advice advice;
	json_t *sweep;
	int ret;

	argp_err_exit_status = TTM_EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, &o))
		return TTM_EXIT_USAGE;
	if (ttm_advise_check_request(&o.req, err, sizeof(err))) {
		fprintf(stderr, "ttmbench advise: %s\n", err);
		return TTM_EXIT_USAGE;
	}

	if (!o.results) {
		ret = ttm_advise_newest_sweep(RESULTS_ROOT, dir, sizeof(dir), skipped,
					      sizeof(skipped), err, sizeof(err));
		print_skipped(skipped);
		if (ret) {
			fprintf(stderr, "ttmbench advise: %s\n", err);
			return TTM_EXIT_USAGE;
		}
		o.results = dir;
	}
	if (ttm_advise_load(o.results, &sweep, err, sizeof(err))) {
		fprintf(stderr, "ttmbench advise: %s\n", err);
		return TTM_EXIT_USAGE;
	}
	if (ttm_advise(sweep, &o.req, &advice, err, sizeof(err))) {
		fprintf(stderr, "ttmbench advise: %s\n", err);
		json_decref(sweep);
		return TTM_EXIT_USAGE;
	}

	printf("sweep: %s; %s, %s, %s\n", o.results, o.req.config, o.req.syscall, o.req.mode);
	ttm_advice_print(stdout, &o.req, &advice);
	json_decref(sweep);
	return advice.choice < 0 ? TTM_EXIT_FAILURE : TTM_EXIT_OK;
}
