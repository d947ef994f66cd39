// SPDX-License-Identifier: GPL-2.0
/*
 * ttmbench advise: read a sweep, pick the rate point for the caller's rate
 * and, at that point, the lowest sampling ratio (most events kept) whose
 * added cost per call times the rate fits the CPU budget. Only measured
 * points are used: no interpolation between ratios or rates.
 */
#include <argp.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "bench/commands.h"
#include "bench/sweep.h"
#include "bench/sweep_advise.h"

#define RESULTS_ROOT "results"

int ttm_advise_load(const char *path, json_t **out, char *err, size_t err_len)
{
	char file[PATH_MAX + 16];
	json_error_t jerr;
	const char *schema;
	json_int_t version;
	struct stat st;
	json_t *json;

	*out = NULL;
	if (stat(path, &st)) {
		snprintf(err, err_len, "results '%s' not found: give a folder written by ttmbench "
				       "sweep", path);
		return -EINVAL;
	}
	if (S_ISDIR(st.st_mode))
		snprintf(file, sizeof(file), "%s/sweep.json", path);
	else
		snprintf(file, sizeof(file), "%s", path);
	if (access(file, R_OK)) {
		snprintf(err, err_len, "folder '%s' holds no sweep.json: give a folder written by "
				       "ttmbench sweep", path);
		return -EINVAL;
	}

	json = json_load_file(file, 0, &jerr);
	if (!json) {
		snprintf(err, err_len, "invalid JSON in '%s' (line %d): %s; give a sweep.json "
				       "written by ttmbench sweep", file, jerr.line, jerr.text);
		return -EINVAL;
	}
	schema = json_string_value(json_object_get(json, "schema"));
	version = json_integer_value(json_object_get(json, "schema_version"));
	if (!schema || strcmp(schema, TTM_SWEEP_SCHEMA) || version != TTM_SWEEP_SCHEMA_VERSION) {
		snprintf(err, err_len, "'%s' has schema '%s' version %lld, expected '%s' version "
				       "%d: give a sweep.json written by this ttmbench sweep", file,
			 schema ? schema : "(none)", (long long)version, TTM_SWEEP_SCHEMA,
			 TTM_SWEEP_SCHEMA_VERSION);
		json_decref(json);
		return -EINVAL;
	}
	*out = json;
	return 0;
}

int ttm_advise_newest_sweep(const char *root, char *out, size_t len, char *err, size_t err_len)
{
	size_t suffix_len = strlen(TTM_SWEEP_FOLDER_SUFFIX);
	char best[NAME_MAX + 1] = "";
	struct dirent *de;
	DIR *d = opendir(root);

	if (!d) {
		snprintf(err, err_len, "no results folder '%s' (%s): run ttmbench sweep first, or "
				       "give --results DIR", root, strerror(errno));
		return -ENOENT;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char file[PATH_MAX];

		if (n <= suffix_len || strcmp(de->d_name + n - suffix_len, TTM_SWEEP_FOLDER_SUFFIX))
			continue;
		snprintf(file, sizeof(file), "%s/%s/sweep.json", root, de->d_name);
		/* Folder names start with the UTC timestamp, so the greatest name is the newest. */
		if (!access(file, R_OK) && strcmp(de->d_name, best) > 0)
			snprintf(best, sizeof(best), "%s", de->d_name);
	}
	closedir(d);
	if (!best[0]) {
		snprintf(err, err_len, "no sweep found in '%s': run ttmbench sweep first, or give "
				       "--results DIR", root);
		return -ENOENT;
	}
	snprintf(out, len, "%s/%s", root, best);
	return 0;
}

static bool name_listed(json_t *params, const char *key, const char *name)
{
	size_t i;
	json_t *v;

	json_array_foreach(json_object_get(params, key), i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), name))
			return true;
	return false;
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* The rate label of a point: "10000" for a number, else the string ("peak", "max"). */
static void point_label(json_t *pt, char *buf, size_t len)
{
	json_t *rate = json_object_get(pt, "rate");

	if (json_is_number(rate))
		snprintf(buf, len, "%.0f", json_number_value(rate));
	else
		snprintf(buf, len, "%s", json_is_string(rate) ? json_string_value(rate) : "");
}

/* Calls per second of a point: its rate, the pace of a peak point, or the median reached at max. */
static double point_calls_per_s(json_t *pt)
{
	json_t *rate = json_object_get(pt, "rate"), *paced = json_object_get(pt, "paced_rate");

	if (json_is_number(rate))
		return json_number_value(rate);
	if (json_is_number(paced))
		return json_number_value(paced);
	return json_number_value(json_object_get(pt, "achieved_rate_median"));
}

static bool point_matches(json_t *pt, const struct ttm_advise_request *req, const char *config)
{
	return !strcmp(str(pt, "config"), config) && !strcmp(str(pt, "syscall"), req->syscall) &&
	       !strcmp(str(pt, "mode"), req->mode) && !strcmp(str(pt, "status"), "ok");
}

struct rate_point {
	char label[32];
	double effective; /* ops/s: the rate, the pace at peak, or the achieved median at max */
};

/* The measured rate points of the baseline. */
static int collect_rates(json_t *points, const struct ttm_advise_request *req,
			 struct rate_point *rates, int max)
{
	size_t i;
	json_t *pt;
	int n = 0;

	json_array_foreach(points, i, pt) {
		if (!point_matches(pt, req, "none") || n == max)
			continue;
		point_label(pt, rates[n].label, sizeof(rates[n].label));
		rates[n].effective = point_calls_per_s(pt);
		n++;
	}
	return n;
}

/*
 * Choose the highest measured rate not above the request, because per-call
 * costs measured at a lower rate ran on colder caches and do not understate
 * the cost. Below every measured rate the lowest point is used, above every
 * one the highest, and rate_reason records which case applied.
 */
static void choose_rate(const struct rate_point *rates, int n, double want,
			struct ttm_advice *a)
{
	int below = -1, lowest = 0, highest = 0;

	for (int i = 0; i < n; i++) {
		if (rates[i].effective <= want &&
		    (below < 0 || rates[i].effective > rates[below].effective))
			below = i;
		if (rates[i].effective < rates[lowest].effective)
			lowest = i;
		if (rates[i].effective > rates[highest].effective)
			highest = i;
	}

	if (below == highest && rates[highest].effective < want)
		below = -2;
	if (below >= 0) {
		snprintf(a->rate_reason, sizeof(a->rate_reason),
			 "the highest measured rate not above %.0f calls/s", want);
	} else if (below == -1) {
		below = lowest;
		snprintf(a->rate_reason, sizeof(a->rate_reason),
			 "%.0f calls/s is below every measured rate: the lowest one is used", want);
	} else {
		below = highest;
		snprintf(a->rate_reason, sizeof(a->rate_reason),
			 "%.0f calls/s is above every measured rate (the highest, %s, ran at %.0f "
			 "calls/s on one thread): it is used, nothing is extrapolated",
			 want, rates[highest].label, rates[highest].effective);
	}
	snprintf(a->rate_label, sizeof(a->rate_label), "%s", rates[below].label);
	a->rate_point = rates[below].effective;
}

static bool diff_estimate(json_t *pt, const char *key, double *estimate, double *upper,
			  bool *ci_valid)
{
	json_t *d = json_object_get(pt, key), *ci;

	if (!json_is_object(d))
		return false;
	*estimate = json_number_value(json_object_get(d, "estimate_ns"));
	ci = json_object_get(d, "ci");
	if (ci_valid)
		*ci_valid = json_is_object(ci);
	if (upper)
		*upper = json_is_object(ci) ? json_number_value(json_object_get(ci, "upper")) :
					      *estimate;
	return true;
}

static void fill_row(json_t *pt, const struct ttm_advise_request *req,
		     struct ttm_advise_row *row)
{
	json_t *kept = json_object_get(pt, "kept");
	json_t *consumer = json_object_get(json_object_get(pt, "cpu"), "consumer_ns_per_op");
	double to_pct = req->rate / 1e9 * 100;

	row->ratio = json_integer_value(json_object_get(pt, "sampling_ratio"));
	diff_estimate(pt, "added_ns_vs_none", &row->added_ns, &row->added_ns_upper,
		      &row->ci_valid);
	row->vs_ratio1_valid =
		diff_estimate(pt, "added_ns_vs_ratio1", &row->vs_ratio1_ns, NULL, NULL);
	row->cpu_pct = row->added_ns * to_pct;
	row->cpu_pct_upper = row->added_ns_upper * to_pct;
	row->kept_valid = json_is_object(kept);
	if (row->kept_valid)
		row->kept_fraction = json_number_value(json_object_get(kept, "fraction"));
	row->consumer_valid = json_is_number(consumer);
	if (row->consumer_valid)
		row->consumer_cpu_pct = json_number_value(consumer) * to_pct;
	row->fits = row->cpu_pct <= req->budget_pct;
}

static int check_request(json_t *sweep, const struct ttm_advise_request *req, char *err,
			 size_t err_len)
{
	json_t *params = json_object_get(sweep, "parameters");

	if (!(req->budget_pct > 0 && req->budget_pct <= 100)) {
		snprintf(err, err_len, "invalid --budget %g: give a percentage of one CPU above 0 "
				       "and at most 100, e.g. 2", req->budget_pct);
		return -EINVAL;
	}
	if (!(req->rate > 0) || !isfinite(req->rate)) {
		snprintf(err, err_len, "invalid --rate %g: give calls per second above 0, e.g. "
				       "50000", req->rate);
		return -EINVAL;
	}
	if (ttm_config_from_name(req->config) < 0 || !strcmp(req->config, "none")) {
		snprintf(err, err_len, "invalid --config '%s': use tp, kprobe or full (none "
				       "samples nothing)", req->config);
		return -EINVAL;
	}
	if (ttm_syscall_from_name(req->syscall) < 0) {
		snprintf(err, err_len, "unknown --syscall '%s': use connect, creat, open, openat "
				       "or openat2", req->syscall);
		return -EINVAL;
	}
	if (!name_listed(params, "configs", req->config)) {
		snprintf(err, err_len, "configuration '%s' was not measured in this sweep: pick "
				       "one from its parameters.configs, or run ttmbench sweep "
				       "--configs %s", req->config, req->config);
		return -EINVAL;
	}
	if (!name_listed(params, "syscalls", req->syscall)) {
		snprintf(err, err_len, "syscall '%s' was not measured in this sweep: pick one "
				       "from its parameters.syscalls, or run ttmbench sweep "
				       "--syscalls %s", req->syscall, req->syscall);
		return -EINVAL;
	}
	if (!name_listed(params, "modes", req->mode)) {
		snprintf(err, err_len, "mode '%s' was not measured in this sweep: run ttmbench "
				       "sweep --modes %s", req->mode, req->mode);
		return -EINVAL;
	}
	return 0;
}

int ttm_advise(json_t *sweep, const struct ttm_advise_request *req, struct ttm_advice *a,
	       char *err, size_t err_len)
{
	json_t *points = json_object_get(sweep, "points"), *pt;
	struct rate_point rates[TTM_SWEEP_MAX_RATES];
	int nrates, ret;
	size_t i;

	memset(a, 0, sizeof(*a));
	a->choice = -1;
	ret = check_request(sweep, req, err, err_len);
	if (ret)
		return ret;

	nrates = collect_rates(points, req, rates, TTM_SWEEP_MAX_RATES);
	if (!nrates) {
		snprintf(err, err_len, "this sweep has no measured baseline (none) for %s %s: "
				       "rerun ttmbench sweep", req->syscall, req->mode);
		return -EINVAL;
	}
	choose_rate(rates, nrates, req->rate, a);

	json_array_foreach(points, i, pt) {
		char label[32];

		point_label(pt, label, sizeof(label));
		if (!point_matches(pt, req, req->config) || strcmp(label, a->rate_label) ||
		    !json_is_object(json_object_get(pt, "added_ns_vs_none")) ||
		    a->nrows == TTM_ADVISE_MAX_ROWS)
			continue;
		fill_row(pt, req, &a->rows[a->nrows++]);
	}
	if (!a->nrows) {
		snprintf(err, err_len, "this sweep has no measured %s point for %s %s at rate %s: "
				       "rerun ttmbench sweep", req->config, req->syscall, req->mode,
			 a->rate_label);
		return -EINVAL;
	}

	/* Points are stored by ascending ratio, but do not rely on it. */
	for (int x = 1; x < a->nrows; x++)
		for (int y = x; y > 0 && a->rows[y - 1].ratio > a->rows[y].ratio; y--) {
			struct ttm_advise_row t = a->rows[y];

			a->rows[y] = a->rows[y - 1];
			a->rows[y - 1] = t;
		}
	for (int r = 0; r < a->nrows && a->choice < 0; r++)
		if (a->rows[r].fits)
			a->choice = r;
	return 0;
}

void ttm_advice_print(FILE *f, const struct ttm_advise_request *req, const struct ttm_advice *a)
{
	double allowed_ns = req->budget_pct / 100 * 1e9 / req->rate;

	if (!strcmp(a->rate_label, "max"))
		fprintf(f, "rate point used: max (%.0f calls/s reached): %s\n", a->rate_point,
			a->rate_reason);
	else if (!strcmp(a->rate_label, "peak"))
		fprintf(f, "rate point used: peak (paced at %.0f calls/s): %s\n", a->rate_point,
			a->rate_reason);
	else
		fprintf(f, "rate point used: %s calls/s: %s\n", a->rate_label, a->rate_reason);
	fprintf(f, "budget: %.4g %% of one CPU at %.0f calls/s allows %.1f ns added per call\n\n",
		req->budget_pct, req->rate, allowed_ns);
	fprintf(f, "%6s %24s %12s %10s %10s %6s\n", "ratio", "added ns/call (CI upper)",
		"vs ratio 1", "CPU (%)", "kept", "fits");
	for (int r = 0; r < a->nrows; r++) {
		const struct ttm_advise_row *row = &a->rows[r];
		char added[48], vs1[24], kept[16];

		if (row->ci_valid)
			snprintf(added, sizeof(added), "%+.1f (%+.1f)", row->added_ns,
				 row->added_ns_upper);
		else
			snprintf(added, sizeof(added), "%+.1f", row->added_ns);
		if (row->vs_ratio1_valid)
			snprintf(vs1, sizeof(vs1), "%+.1f", row->vs_ratio1_ns);
		else
			snprintf(vs1, sizeof(vs1), "-");
		if (row->kept_valid)
			snprintf(kept, sizeof(kept), "%.2f %%", row->kept_fraction * 100);
		else
			snprintf(kept, sizeof(kept), "n/a");
		fprintf(f, "%6u %24s %12s %10.3f %10s %6s\n", row->ratio, added, vs1, row->cpu_pct,
			kept, row->fits ? "yes" : "no");
	}
	fprintf(f, "\n");

	if (a->choice < 0) {
		const struct ttm_advise_row *last = &a->rows[a->nrows - 1];

		fprintf(f, "no sampling ratio fits: the highest measured, %u, adds %.1f ns per "
			   "call, %.3f %% of one CPU at %.0f calls/s, above the budget of %.4g %%; "
			   "raise --budget, lower the rate, or sweep higher ratios\n",
			last->ratio, last->added_ns, last->cpu_pct, req->rate, req->budget_pct);
		return;
	}

	const struct ttm_advise_row *c = &a->rows[a->choice];

	fprintf(f, "advice: sampling ratio %u (keeps 1/%u of the events", c->ratio, c->ratio);
	if (c->kept_valid)
		fprintf(f, ", %.2f %% measured", c->kept_fraction * 100);
	fprintf(f, "): %+.1f ns per call x %.0f calls/s = %.3f %% of one CPU, within %.4g %%\n",
		c->added_ns, req->rate, c->cpu_pct, req->budget_pct);
	if (c->ci_valid && c->cpu_pct_upper > req->budget_pct)
		fprintf(f, "caution: at the upper end of its CI (%+.1f ns) the cost would be %.3f "
			   "%% of one CPU, above the budget\n",
			c->added_ns_upper, c->cpu_pct_upper);
	if (c->consumer_valid)
		fprintf(f, "not in the budget: the ring-buffer consumer thread adds %.3f %% of "
			   "one CPU at this rate\n",
			c->consumer_cpu_pct);
}

/* Command line. */

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
	  "Folder written by ttmbench sweep, or its sweep.json (default: the newest "
	  "results/*-sweep)", 0 },
	{ "config", OPT_CONFIG, "NAME", 0, "Configuration: tp, kprobe or full (default: tp)", 0 },
	{ "syscall", OPT_SYSCALL, "NAME", 0, "Syscall (default: openat)", 0 },
	{ "mode", OPT_MODE, "NAME", 0, "Entry path: native, ia32, ia32-int80 (default: native)", 0 },
	{},
};

static const char doc[] =
	"Pick the lowest sampling ratio (the most events kept) whose measured cost stays within "
	"a CPU budget: the ns a call pays over nothing attached at that ratio, times the rate, "
	"as a share of one CPU. The numbers come from the sweep's nearest measured rate point "
	"not above --rate; nothing is interpolated.\v"
	"Examples:\n"
	"  ttmbench advise --budget 2 --rate 50000\n"
	"  ttmbench advise --budget 0.5 --rate 10000 --results results/20261204T201500Z-h-sweep\n\n"
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

int cmd_advise(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct advise_options o = {
		.req = { .config = "tp", .syscall = "openat", .mode = "native" },
	};
	char dir[PATH_MAX], err[1024];
	struct ttm_advice advice;
	json_t *sweep;

	argp_err_exit_status = TTM_EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, &o))
		return TTM_EXIT_USAGE;

	if (!o.results) {
		if (ttm_advise_newest_sweep(RESULTS_ROOT, dir, sizeof(dir), err, sizeof(err))) {
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
