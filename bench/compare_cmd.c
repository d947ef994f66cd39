// SPDX-License-Identifier: GPL-2.0
/* ttmbench compare: regressions between a baseline run and a new run. */
#include <argp.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/commands.h"
#include "bench/compare.h"

struct compare_args {
	const char *base;
	const char *new;
	double threshold_pct;
	const char *junit;
	const char *markdown;
	bool allow_different_settings;
};

enum {
	OPT_JUNIT = 0x100,
	OPT_MARKDOWN,
	OPT_ALLOW_DIFFERENT_SETTINGS,
};

static const char args_doc[] = "BASELINE NEW";

static const char doc[] =
	"Compare a new run with a baseline run: every cell (configuration x syscall x\n"
	"mode) with successful repetitions in both, and every penalty of the verdicts\n"
	"(native_penalty full - tp, ia32_penalty kprobe - none, tracepoint_penalty\n"
	"tp - none) present in both. BASELINE and NEW are results folders or\n"
	"results.json files written by `ttmbench run`.\n"
	"\n"
	"Method: the runs are independent samples, so the change new - baseline is the\n"
	"Hodges-Lehmann shift (median of all pairwise differences of ns/op) with the\n"
	"Mann-Whitney confidence interval (exact U distribution up to 50 repetitions\n"
	"per run, normal approximation above). For a cell the relative change and its\n"
	"interval come from the same estimate on log(ns/op): a ratio new/baseline. For\n"
	"a penalty they are the shift of the paired differences a - b in percent of\n"
	"the baseline median of b. A regression is a change whose whole 95% interval\n"
	"lies above +threshold; an improvement, below -threshold; anything else is\n"
	"unchanged (\"within noise\" when the interval includes 0). An interval below\n"
	"90% coverage (e.g. 2 repetitions against 2) gives \"insufficient\".\n"
	"See docs/compare.md.\n"
	"\n"
	"Both runs must have the same settings that change ns/op: parameters.rate,\n"
	"sampling_ratio, dropping_mode, duration_s and ops, and host.kernel_release\n"
	"and timing. --allow-different-settings compares anyway, with a warning per\n"
	"difference.\n"
	"\n"
	"Exit status: 0 no regression, 1 at least one regression, 2 bad input\n"
	"(missing or invalid file, another schema or schema_version, different\n"
	"settings, no common cell, invalid threshold).\n"
	"\n"
	"EXAMPLES:\n"
	"  ttmbench compare baseline/results.json results/latest\n"
	"  ttmbench compare old-run new-run --threshold 2\n"
	"  ttmbench compare baseline results/latest --junit junit.xml --markdown compare.md\n";

static const struct argp_option options[] = {
	{ "threshold", 't', "PCT", 0,
	  "Smallest relative change that counts, in percent of the baseline (default 5)", 0 },
	{ "junit", OPT_JUNIT, "FILE", 0, "Also write JUnit XML: one testcase per cell and penalty",
	  0 },
	{ "markdown", OPT_MARKDOWN, "FILE", 0, "Also write the tables as Markdown", 0 },
	{ "allow-different-settings", OPT_ALLOW_DIFFERENT_SETTINGS, NULL, 0,
	  "Compare runs whose rate, sampling ratio, duration, ops, kernel or timing label differ, "
	  "with a warning per difference",
	  0 },
	{},
};

/* The folder an output file goes to must exist, so a typo fails before any work. */
static void check_output_path(struct argp_state *state, const char *option, const char *path)
{
	char copy[PATH_MAX];
	const char *dir;

	snprintf(copy, sizeof(copy), "%s", path);
	dir = dirname(copy);
	if (access(dir, W_OK))
		argp_failure(state, TTM_EXIT_USAGE, 0,
			     "invalid %s '%s': folder '%s' is not writable (%s); create it first",
			     option, path, dir, strerror(errno));
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	struct compare_args *args = state->input;
	char *end;

	switch (key) {
	case 't':
		errno = 0;
		args->threshold_pct = strtod(arg, &end);
		if (errno || end == arg || *end || !isfinite(args->threshold_pct) ||
		    args->threshold_pct <= 0)
			argp_failure(state, TTM_EXIT_USAGE, 0,
				     "invalid --threshold '%s': expected a percentage greater than 0, "
				     "e.g. 5",
				     arg);
		break;
	case OPT_JUNIT:
		check_output_path(state, "--junit", arg);
		args->junit = arg;
		break;
	case OPT_MARKDOWN:
		check_output_path(state, "--markdown", arg);
		args->markdown = arg;
		break;
	case OPT_ALLOW_DIFFERENT_SETTINGS:
		args->allow_different_settings = true;
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num == 0)
			args->base = arg;
		else if (state->arg_num == 1)
			args->new = arg;
		else
			argp_error(state, "unexpected argument '%s': give BASELINE and NEW only", arg);
		break;
	case ARGP_KEY_END:
		if (state->arg_num < 2)
			argp_error(state, "missing %s: give a BASELINE and a NEW results folder or "
					  "results.json",
				   state->arg_num ? "NEW" : "BASELINE and NEW");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int write_outputs(const struct compare_args *args, const struct ttm_compare *cmp,
			 const json_t *base, const json_t *new)
{
	char base_desc[256], new_desc[256];
	int err;

	if (args->markdown) {
		ttm_results_describe(base, base_desc, sizeof(base_desc));
		ttm_results_describe(new, new_desc, sizeof(new_desc));
		err = ttm_compare_write_markdown(args->markdown, cmp, base_desc, new_desc);
		if (err) {
			fprintf(stderr, "ttmbench compare: writing %s failed: %s\n", args->markdown,
				strerror(-err));
			return TTM_EXIT_USAGE;
		}
	}
	if (args->junit) {
		err = ttm_compare_write_junit(args->junit, cmp);
		if (err) {
			fprintf(stderr, "ttmbench compare: writing %s failed: %s\n", args->junit,
				strerror(-err));
			return TTM_EXIT_USAGE;
		}
	}
	return TTM_EXIT_OK;
}

/*
 * Reject runs measured with different settings unless the user allowed them.
 * Returns the number of differences, or -1 after printing them.
 */
static int check_settings(const struct compare_args *args, const json_t *base, const json_t *new,
			  struct ttm_setting_diff *diffs)
{
	size_t n = ttm_compare_settings(base, new, diffs);

	if (!n || args->allow_different_settings)
		return (int)n;
	fprintf(stderr, "ttmbench compare: %s and %s were measured with different settings:\n",
		args->base, args->new);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "  %s: baseline %s, new %s\n", diffs[i].name, diffs[i].base,
			diffs[i].new);
	fprintf(stderr, "compare runs made with the same settings, or pass "
			"--allow-different-settings to compare anyway\n");
	return -1;
}

static void add_warnings(struct ttm_compare *cmp, const json_t *base, const json_t *new,
			 const struct ttm_setting_diff *diffs, int ndiffs)
{
	for (int i = 0; i < ndiffs; i++)
		ttm_compare_add_warning(cmp,
					"warning: different settings: %s is %s in the baseline and "
					"%s in the new run, so part of a change may come from it",
					diffs[i].name, diffs[i].base, diffs[i].new);
	if (ttm_compare_new_is_older(base, new))
		ttm_compare_add_warning(cmp,
					"warning: NEW is older than BASELINE: arguments swapped? "
					"(baseline started %s, new %s)",
					json_string_value(json_object_get(base, "start_time")),
					json_string_value(json_object_get(new, "start_time")));
}

int cmd_compare(int argc, char **argv)
{
	const struct argp argp = { options, parse_arg, args_doc, doc, NULL, NULL, NULL };
	struct compare_args args = { .threshold_pct = TTM_COMPARE_DEFAULT_THRESHOLD_PCT };
	json_t *base = NULL, *new = NULL;
	struct ttm_setting_diff diffs[TTM_COMPARE_SETTINGS];
	struct ttm_compare cmp = {};
	char err[1024], desc[256];
	int status = TTM_EXIT_USAGE, ndiffs;

	argp_err_exit_status = TTM_EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, &args))
		return TTM_EXIT_USAGE;

	base = ttm_results_load(args.base, err, sizeof(err));
	if (!base)
		goto fail;
	new = ttm_results_load(args.new, err, sizeof(err));
	if (!new)
		goto fail;
	ndiffs = check_settings(&args, base, new, diffs);
	if (ndiffs < 0) {
		json_decref(base);
		json_decref(new);
		return TTM_EXIT_USAGE;
	}
	if (ttm_compare_results(base, new, args.threshold_pct, &cmp, err, sizeof(err))) {
		fprintf(stderr, "ttmbench compare: %s and %s: %s\n", args.base, args.new, err);
		json_decref(base);
		json_decref(new);
		return TTM_EXIT_USAGE;
	}
	add_warnings(&cmp, base, new, diffs, ndiffs);

	ttm_results_describe(base, desc, sizeof(desc));
	printf("Baseline: %s (%s)\n", args.base, desc);
	ttm_results_describe(new, desc, sizeof(desc));
	printf("New:      %s (%s)\n", args.new, desc);
	if (!json_is_true(json_object_get(new, "complete")) ||
	    !json_is_true(json_object_get(base, "complete")))
		printf("Note: at least one run is incomplete; only its successful repetitions count.\n");
	printf("\n");
	ttm_compare_print(stdout, &cmp);

	status = write_outputs(&args, &cmp, base, new);
	if (status == TTM_EXIT_OK && cmp.count[TTM_CHANGE_REGRESSION])
		status = TTM_EXIT_FAILURE;
	ttm_compare_free(&cmp);
	json_decref(base);
	json_decref(new);
	return status;

fail:
	fprintf(stderr, "ttmbench compare: %s\n", err);
	json_decref(base);
	json_decref(new);
	return TTM_EXIT_USAGE;
}
